package org.prov4ml.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the test classpath in a new JVM, as a user's program would run. */
public final class ForkedJvm {

  /**
   * Environment variables a launcher (torchrun, Slurm, Open MPI / PMIx) sets, and prov4ml's own: a
   * forked program gets none of the test JVM's, only those the test gives it, so a test run inside
   * a Slurm job or with {@code PROV4ML_*} set still tests what it means to.
   */
  private static final List<String> LAUNCHER_PREFIXES = List.of("PROV4ML_", "SLURM_", "SLURMD_", "OMPI_", "PMIX_",
      "TORCHELASTIC_");
  private static final List<String> LAUNCHER_VARIABLES = List.of("RANK", "WORLD_SIZE", "LOCAL_RANK", "GROUP_RANK",
      "LOCAL_WORLD_SIZE", "MLFLOW_TRACKING_URI", "MLFLOW_RUN_ID", "MLFLOW_EXPERIMENT_NAME", "MLFLOW_EXPERIMENT_ID");

  private ForkedJvm() {}

  public static PythonEnv.Result run(Class<?> mainClass, List<String> jvmArgs, String... args)
      throws IOException, InterruptedException {
    return PythonEnv.run(command(mainClass, jvmArgs, args), 120);
  }

  /** A program started but not waited for: several of them run at once. */
  public record Started(Process process, Path stdout, Path stderr) {
    /** Waits for the program and returns its outcome; kills it after {@code timeoutSeconds}. */
    public PythonEnv.Result await(long timeoutSeconds) throws IOException, InterruptedException {
      try {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
          throw new AssertionError("timed out after " + timeoutSeconds + " s:\n" + Files.readString(stderr));
        }
        return new PythonEnv.Result(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
      } finally {
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
      }
    }
  }

  /**
   * Starts a program with the test JVM's environment less any launcher's and prov4ml's variables,
   * plus {@code env}.
   */
  public static Started start(Class<?> mainClass, List<String> jvmArgs, Map<String, String> env, String... args)
      throws IOException {
    return start(new ProcessBuilder(command(mainClass, jvmArgs, args)), env);
  }

  /**
   * Runs a program as {@link #start} does, in {@code workingDir}, and waits for it (120 s at most):
   * for what a program does with its current folder ({@code logArtifact(Path.of("."))}).
   */
  public static PythonEnv.Result runIn(Path workingDir, Class<?> mainClass, List<String> jvmArgs,
      Map<String, String> env, String... args) throws IOException, InterruptedException {
    return start(new ProcessBuilder(command(mainClass, jvmArgs, args)).directory(workingDir.toFile()), env)
        .await(120);
  }

  /**
   * Runs a program as {@link #start} does under {@code ulimit -n openFiles} (through {@code sh}, as a
   * user's shell would set it), and waits for it ({@code timeoutSeconds} at most).
   */
  public static PythonEnv.Result runWithOpenFileLimit(int openFiles, long timeoutSeconds, Class<?> mainClass,
      List<String> jvmArgs, Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> java = command(mainClass, jvmArgs, args);
    StringBuilder script = new StringBuilder("ulimit -n " + openFiles + " && exec");
    for (String word : java) {
      script.append(" '").append(word.replace("'", "'\\''")).append('\'');
    }
    return start(new ProcessBuilder("sh", "-c", script.toString()), env).await(timeoutSeconds);
  }

  private static Started start(ProcessBuilder builder, Map<String, String> env) throws IOException {
    Path out = Files.createTempFile("prov4ml-jvm", ".out");
    Path err = Files.createTempFile("prov4ml-jvm", ".err");
    ProcessBuilder pb = builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Map<String, String> environment = pb.environment();
    environment.keySet().removeIf(k -> LAUNCHER_VARIABLES.contains(k)
        || LAUNCHER_PREFIXES.stream().anyMatch(k::startsWith));
    environment.putAll(env);
    return new Started(pb.start(), out, err);
  }

  private static List<String> command(Class<?> mainClass, List<String> jvmArgs, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    return command;
  }
}
