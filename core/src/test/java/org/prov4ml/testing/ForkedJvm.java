package org.prov4ml.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs a main class of the test classpath in a new JVM, as a user's program would run. */
public final class ForkedJvm {

  private ForkedJvm() {}

  public static PythonEnv.Result run(Class<?> mainClass, List<String> jvmArgs, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    return PythonEnv.run(command, 120);
  }
}
