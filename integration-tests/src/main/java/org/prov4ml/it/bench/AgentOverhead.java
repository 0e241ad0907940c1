package org.prov4ml.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The agent's cost, measured as a user sees it: the wall time of whole JVMs. Paired runs of the demo
 * without the agent and with it (order shuffled within each pair, so drift in the machine's load
 * hits both sides alike), the median of the per-pair ratios and their spread; then the same for a
 * hello-world JVM, as milliseconds added at start-up. With MLFLOW_TRACKING_URI set, the agent runs
 * also upload to MLflow (a third variant). Each is measured beside a Java agent that does nothing
 * ({@link NoOpAgent}), which shows what any {@code -javaagent} costs before its code runs.
 *
 * <pre>
 * java -cp integration-tests/target/prov4ml-demo.jar org.prov4ml.it.bench.AgentOverhead \
 *     [--pairs 10] [--epochs 10] [--train-samples 4096] [--agent agent/target/prov4ml.jar] [--torch-threads N]
 *     [--batch-size 32] [--hidden 32]
 * </pre>
 *
 * <p>{@code --torch-threads N} sets OMP_NUM_THREADS for both sides: on a small machine shared with
 * other work, PyTorch's OpenMP threads busy-wait for each other and a run's time then depends on
 * everything else that is runnable, which drowns the difference being measured.
 */
public final class AgentOverhead {

  private static String torchThreads;

  private AgentOverhead() {}

  public static void main(String[] args) throws Exception {
    int pairs = Integer.parseInt(option(args, "--pairs", "10"));
    Path agent = Path.of(option(args, "--agent", "agent/target/prov4ml.jar")).toAbsolutePath();
    Path demo = Path.of(AgentOverhead.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> demoArgs = List.of("-jar", demo.toString(), "--epochs", option(args, "--epochs", "10"),
        "--train-samples", option(args, "--train-samples", "4096"), "--models", "models",
        "--batch-size", option(args, "--batch-size", "32"), "--hidden", option(args, "--hidden", "32"));
    List<String> helloArgs = List.of("-cp", demo.toString(), "org.prov4ml.it.apps.HelloApp");
    String mlflow = System.getenv("MLFLOW_TRACKING_URI");
    torchThreads = option(args, "--torch-threads", null);
    System.out.printf(Locale.ROOT, "machine: %d cores, %s %s, Java %s; %d pairs, OMP_NUM_THREADS=%s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
        System.getProperty("java.version"), pairs,
        torchThreads != null ? torchThreads : System.getenv("OMP_NUM_THREADS"));
    Path noOpAgent = noOpAgentJar();
    report("demo, a Java agent that does nothing (ratio)", measure(pairs, noOpAgent, demoArgs, false), true);
    report("demo, agent local only (ratio)", measure(pairs, agent, demoArgs, false), true);
    if (mlflow != null) {
      report("demo, agent with MLflow " + mlflow + " (ratio)", measure(pairs, agent, demoArgs, true), true);
    }
    report("hello world, a Java agent that does nothing (ms added)", measure(pairs, noOpAgent, helloArgs, false),
        false);
    report("hello world, agent start-up (ms added)", measure(pairs, agent, helloArgs, false), false);
  }

  /**
   * A jar that is only a manifest naming {@link NoOpAgent}, which the JVM finds on the class path
   * (the demo jar): the floor any agent's overhead stands on.
   */
  private static Path noOpAgentJar() throws IOException {
    Path jar = Files.createTempFile("noop-agent", ".jar");
    jar.toFile().deleteOnExit();
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue("Premain-Class", NoOpAgent.class.getName());
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      out.flush();
    }
    return jar;
  }

  /** Per pair: {without ms, with ms}. */
  private static List<double[]> measure(int pairs, Path agent, List<String> appArgs, boolean mlflow)
      throws IOException, InterruptedException {
    Random order = new Random(1);
    List<double[]> results = new ArrayList<>();
    timed(null, appArgs, mlflow); // warm the page cache and DJL's native library cache
    for (int i = 0; i < pairs; i++) {
      double without;
      double with;
      if (order.nextBoolean()) {
        without = timed(null, appArgs, mlflow);
        with = timed(agent, appArgs, mlflow);
      } else {
        with = timed(agent, appArgs, mlflow);
        without = timed(null, appArgs, mlflow);
      }
      results.add(new double[] {without, with});
    }
    return results;
  }

  /** One JVM's wall time in ms, in a fresh working directory that is deleted afterwards. */
  private static double timed(Path agent, List<String> appArgs, boolean mlflow)
      throws IOException, InterruptedException {
    Path work = Files.createTempDirectory("prov4ml-bench");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=true"));
    if (agent != null) {
      command.add("-javaagent:" + agent);
    }
    command.addAll(appArgs);
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(work.resolve("stderr.txt").toFile());
    if (!mlflow) {
      builder.environment().remove("MLFLOW_TRACKING_URI");
    }
    if (torchThreads != null) {
      builder.environment().put("OMP_NUM_THREADS", torchThreads);
    }
    long start = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(600, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("failed: " + command + "\n" + Files.readString(work.resolve("stderr.txt")));
    }
    double millis = (System.nanoTime() - start) / 1e6;
    delete(work);
    return millis;
  }

  private static void report(String what, List<double[]> pairs, boolean asRatio) {
    List<Double> values = new ArrayList<>();
    for (double[] p : pairs) {
      values.add(asRatio ? p[1] / p[0] : p[1] - p[0]);
    }
    values.sort(Comparator.naturalOrder());
    double median = percentile(values, 0.5);
    String unit = asRatio ? "" : " ms";
    System.out.printf(Locale.ROOT, "%s: median %.3f%s, quartiles %.3f..%.3f, range %.3f..%.3f; median without "
        + "%.0f ms, with %.0f ms%n", what, median, unit, percentile(values, 0.25), percentile(values, 0.75),
        values.get(0), values.get(values.size() - 1), medianOf(pairs, 0), medianOf(pairs, 1));
  }

  private static double medianOf(List<double[]> pairs, int side) {
    List<Double> values = new ArrayList<>();
    pairs.forEach(p -> values.add(p[side]));
    values.sort(Comparator.naturalOrder());
    return percentile(values, 0.5);
  }

  /** Linear interpolation between the closest ranks. */
  private static double percentile(List<Double> sorted, double q) {
    double rank = q * (sorted.size() - 1);
    int low = (int) Math.floor(rank);
    int high = (int) Math.ceil(rank);
    return sorted.get(low) + (sorted.get(high) - sorted.get(low)) * (rank - low);
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static String option(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
