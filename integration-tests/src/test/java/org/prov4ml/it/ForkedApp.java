package org.prov4ml.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.prov4ml.rundir.RunDirectory;

/**
 * Runs an application in a JVM of its own, as a user would: {@code java [-javaagent:prov4ml.jar]
 * ... MainClass args}, in a working directory of its own, DJL offline (libtorch comes from the
 * pytorch-native-cpu jar, extracted once into DJL's cache).
 */
final class ForkedApp {

  static final Path TARGET = Path.of(System.getProperty("prov4ml.it.target", "target")).toAbsolutePath();
  static final Path AGENT_JAR = Path.of(System.getProperty("prov4ml.it.agent-jar", "../agent/target/prov4ml.jar"))
      .toAbsolutePath().normalize();
  static final Path DEMO_JAR = TARGET.resolve("prov4ml-demo.jar");

  private final Path workDir;
  private final List<String> classPath = new ArrayList<>();
  private final Map<String, String> properties = new LinkedHashMap<>();
  private final List<String> jvmOptions = new ArrayList<>();
  private final Map<String, String> environment = new LinkedHashMap<>();
  private String agentArgument;
  private boolean agent = true;

  ForkedApp(Path workDir) {
    this.workDir = workDir;
  }

  /** The apps' class path: this module's classes and DJL. */
  ForkedApp appClassPath() {
    classPath.add(TARGET.resolve("classes").toString());
    classPath.add(TARGET.resolve("lib").toString() + File.separator + "*");
    return this;
  }

  /** The apps' class path with another DJL: this module's classes and {@code dir/*} (DJL and the rest). */
  ForkedApp appClassPath(Path dir) {
    classPath.add(TARGET.resolve("classes").toString());
    classPath.add(dir + File.separator + "*");
    return this;
  }

  /** Appends jars (or {@code dir/*}) to the class path. */
  ForkedApp appendClassPath(String entry) {
    classPath.add(entry);
    return this;
  }

  /** Puts jars (or {@code dir/*}) first on the class path, ahead of everything else. */
  ForkedApp prependClassPath(String entry) {
    classPath.add(0, entry);
    return this;
  }

  ForkedApp property(String name, String value) {
    properties.put(name, value);
    return this;
  }

  /** A JVM option such as {@code -Xlog:...}, before the agent and the application. */
  ForkedApp jvmOption(String option) {
    jvmOptions.add(option);
    return this;
  }

  /** An environment variable of the application, e.g. {@code OMP_NUM_THREADS}. */
  ForkedApp env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  ForkedApp agentArgument(String argument) {
    this.agentArgument = argument;
    return this;
  }

  ForkedApp withoutAgent() {
    this.agent = false;
    return this;
  }

  /** {@code java ... -jar prov4ml-demo.jar args}. */
  Result runJar(Path jar, String... args) throws IOException, InterruptedException {
    return startJar(jar, args).await();
  }

  /** {@link #runJar}, not waited for: several applications run at once. */
  Started startJar(Path jar, String... args) throws IOException {
    List<String> command = javaCommand();
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    return start(command);
  }

  /** {@code java ... -cp <class path> mainClass args}. */
  Result runMain(Class<?> mainClass, String... args) throws IOException, InterruptedException {
    return runMain(mainClass.getName(), args);
  }

  /** {@code java ... -cp <class path> mainClass args}, for a class this module does not have. */
  Result runMain(String mainClass, String... args) throws IOException, InterruptedException {
    return startMain(mainClass, args).await();
  }

  /** {@link #runMain}, not waited for: several applications run at once. */
  Started startMain(Class<?> mainClass, String... args) throws IOException {
    return startMain(mainClass.getName(), args);
  }

  Started startMain(String mainClass, String... args) throws IOException {
    List<String> command = javaCommand();
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classPath));
    command.add(mainClass);
    command.addAll(List.of(args));
    return start(command);
  }

  private List<String> javaCommand() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dai.djl.offline=true");
    command.add("-Xmx512m");
    command.addAll(jvmOptions);
    if (agent) {
      command.add("-javaagent:" + AGENT_JAR + (agentArgument == null ? "" : "=" + agentArgument));
    }
    properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    return command;
  }

  private Started start(List<String> command) throws IOException {
    Files.createDirectories(workDir);
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(workDir.resolve("stdout.txt").toFile()).redirectError(workDir.resolve("stderr.txt").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("PROV4ML_") || k.equals("MLFLOW_TRACKING_URI"));
    builder.environment().putAll(environment);
    return new Started(builder.start(), command, workDir);
  }

  /** A started application. */
  record Started(Process process, List<String> command, Path workDir) {

    /** Waits for it (up to 300 s) and returns how it ended. */
    Result await() throws IOException, InterruptedException {
      return await(300);
    }

    /** Waits for it up to {@code timeoutSeconds}, else kills it and fails. */
    Result await(long timeoutSeconds) throws IOException, InterruptedException {
      Path err = workDir.resolve("stderr.txt");
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("timed out: " + command + "\n" + Files.readString(err));
      }
      return new Result(process.exitValue(), Files.readString(workDir.resolve("stdout.txt")), Files.readString(err),
          workDir);
    }
  }

  /** A finished application. */
  record Result(int exitCode, String stdout, String stderr, Path workDir) {

    Result requireSuccess() {
      if (exitCode != 0 || !stdout.contains("DONE")) {
        throw new AssertionError("the application failed (exit " + exitCode + ")\nstdout:\n" + stdout
            + "\nstderr:\n" + stderr);
      }
      return this;
    }

    /** The one run directory under {@code prov4ml-runs/}. */
    RunDirectory onlyRun() throws IOException {
      List<RunDirectory> runs = runs();
      if (runs.size() != 1) {
        throw new AssertionError("expected one run directory, found " + runs + "\nstderr:\n" + stderr);
      }
      return runs.get(0);
    }

    List<RunDirectory> runs() throws IOException {
      Path root = workDir.resolve("prov4ml-runs");
      if (!Files.isDirectory(root)) {
        return List.of();
      }
      try (var dirs = Files.list(root)) {
        List<RunDirectory> runs = new ArrayList<>();
        for (Path dir : dirs.filter(d -> !d.getFileName().toString().startsWith(".")).sorted().toList()) { // not the run index
          runs.add(RunDirectory.open(dir));
        }
        return runs;
      }
    }

    /**
     * The application's own lines of stdout: what its training printed ({@code EPOCH}, {@code TEST},
     * {@code LR}, {@code DONE} lines), without what prov4ml logged there (as a library, without a
     * tinylog configuration of the application's, tinylog writes its INFO lines to stdout).
     */
    String appLines() {
      return String.join("\n", stdout.lines().filter(l -> l.matches("(EPOCH|TEST|LR|DONE)\\b.*")).toList());
    }

    /** How many lines of stdout and stderr together contain {@code text}. */
    long outputLines(String text) {
      return stdout.lines().filter(l -> l.contains(text)).count() + stderrLines(text);
    }

    /** How many lines of stderr contain {@code text}. */
    long stderrLines(String text) {
      return stderr.lines().filter(l -> l.contains(text)).count();
    }
  }
}
