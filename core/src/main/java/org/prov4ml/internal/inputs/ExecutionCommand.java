package org.prov4ml.internal.inputs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The command that started this JVM, as a shell would take it to run it again: the java binary,
 * the JVM's options, {@code -jar} or the class path and main class, and the program's arguments,
 * with secrets masked ({@link SecretMasking}). yProv4ML's {@code execution_command}.
 */
public final class ExecutionCommand {

  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private ExecutionCommand() {}

  /**
   * This JVM's command line. The operating system gives it whole where it can ({@code /proc} on
   * Linux); otherwise it is rebuilt from the java binary and the launcher's {@code sun.java.command},
   * which lacks the JVM's options.
   */
  public static String ofThisJvm() {
    ProcessHandle.Info info = ProcessHandle.current().info();
    Optional<String> command = info.command();
    Optional<String[]> arguments = info.arguments();
    List<String> words = new ArrayList<>();
    if (command.isPresent() && arguments.isPresent()) {
      words.add(command.get());
      words.addAll(List.of(arguments.get()));
    } else {
      words.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      String launched = System.getProperty("sun.java.command", "").trim();
      if (!launched.isEmpty()) {
        String[] parts = launched.split("\\s+");
        if (parts[0].endsWith(".jar")) {
          words.add("-jar");
        }
        words.addAll(List.of(parts));
      }
    }
    return join(SecretMasking.command(words));
  }

  /** The words joined by spaces, each quoted for a POSIX shell when it needs to be. */
  static String join(List<String> words) {
    StringBuilder line = new StringBuilder();
    for (String word : words) {
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(SHELL_SAFE.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'");
    }
    return line.toString();
  }
}
