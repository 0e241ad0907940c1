package org.prov4ml.it.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.prov4ml.it.apps.ListenerOption;

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
 * java -cp integration-tests/target/prov4ml-demo.jar org.prov4ml.it.bench.AgentOverhead --workload small-epochs \
 *     [--pairs 6] [--epoch-counts 60,600,6000] [--agent agent/target/prov4ml.jar] [--torch-threads N]
 *     [--mode agent|listener]
 *     [--baseline-properties prov4ml.code.enabled=false,prov4ml.environment.enabled=false]
 * </pre>
 *
 * <p>{@code --workload small-epochs} measures the per-epoch cost instead ({@code SmallEpochsApp}:
 * 20 batches of 25 and a model save every epoch) at each epoch count: wall and CPU time (the
 * child's user + system time, Linux only), and the CPU of prov4ml's own threads, sampled from
 * {@code /proc} while the JVM runs (so the last fraction of a second is missed). From the median
 * with-minus-without differences at consecutive counts it derives the cost per epoch between them
 * and the fixed cost: a per-epoch cost that grew with the run's age would show as a higher slope
 * between the longer counts.
 *
 * <p>{@code --mode listener} measures the library instead of the agent: the app adds the listener
 * itself, with the agent jar on its class path and no {@code -javaagent} (no model versions then:
 * a listener does not see {@code Model.save}).
 *
 * <p>{@code --baseline-properties k=v,...} runs the agent on the "without" side too, with those system
 * properties: the difference is then what they switch off (the recording of code and environment,
 * say), measured with everything else alike.
 *
 * <p>{@code --torch-threads N} sets OMP_NUM_THREADS for both sides: on a small machine shared with
 * other work, PyTorch's OpenMP threads busy-wait for each other and a run's time then depends on
 * everything else that is runnable, which drowns the difference being measured.
 */
public final class AgentOverhead {

  private static String torchThreads;
  /**
   * {@code --mode listener}: the "with" side has no agent but the agent jar on its class path and the
   * app adds {@code Prov4mlTrainingListener} itself ({@link ListenerOption}), the library's way.
   */
  private static boolean listenerMode;
  /** Null: the "without" side has no agent; else it has the agent, with these {@code -Dk=v}. */
  private static List<String> baselineProperties;

  private AgentOverhead() {}

  public static void main(String[] args) throws Exception {
    int pairs = Integer.parseInt(option(args, "--pairs", "10"));
    Path agent = Path.of(option(args, "--agent", "agent/target/prov4ml.jar")).toAbsolutePath();
    Path demo = Path.of(AgentOverhead.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    String baseline = option(args, "--baseline-properties", null);
    if (baseline != null) {
      baselineProperties = Arrays.stream(baseline.split(",")).map(p -> "-D" + p.strip()).toList();
    }
    listenerMode = option(args, "--mode", "agent").equals("listener");
    if (option(args, "--workload", "demo").equals("small-epochs")) {
      torchThreads = option(args, "--torch-threads", null);
      printMachine(pairs);
      smallEpochs(pairs, agent, demo, option(args, "--epoch-counts", "60,600,6000"));
      return;
    }
    if (listenerMode) {
      throw new IllegalArgumentException("--mode listener is for --workload small-epochs");
    }
    List<String> demoArgs = List.of("-jar", demo.toString(), "--epochs", option(args, "--epochs", "10"),
        "--train-samples", option(args, "--train-samples", "4096"), "--models", "models",
        "--batch-size", option(args, "--batch-size", "32"), "--hidden", option(args, "--hidden", "32"));
    List<String> helloArgs = List.of("-cp", demo.toString(), "org.prov4ml.it.apps.HelloApp");
    String mlflow = System.getenv("MLFLOW_TRACKING_URI");
    torchThreads = option(args, "--torch-threads", null);
    printMachine(pairs);
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

  private static void printMachine(int pairs) {
    System.out.printf(Locale.ROOT, "machine: %d cores, %s %s, Java %s; %d pairs, OMP_NUM_THREADS=%s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
        System.getProperty("java.version"), pairs,
        torchThreads != null ? torchThreads : System.getenv("OMP_NUM_THREADS"));
    if (baselineProperties != null) {
      System.out.println("without = the agent with " + String.join(" ", baselineProperties));
    }
    if (listenerMode) {
      System.out.println("with = no agent; the app adds Prov4mlTrainingListener (the agent jar on its class path)");
    }
  }

  /** Per pair: {without ms, with ms}, wall time. */
  private static List<double[]> measure(int pairs, Path agent, List<String> appArgs, boolean mlflow)
      throws IOException, InterruptedException {
    List<double[]> walls = new ArrayList<>();
    for (Sample[] pair : measureSamples(pairs, agent, appArgs, mlflow)) {
      walls.add(new double[] {pair[0].wallMs, pair[1].wallMs});
    }
    return walls;
  }

  /** Per pair: {without, with}. */
  private static List<Sample[]> measureSamples(int pairs, Path agent, List<String> appArgs, boolean mlflow)
      throws IOException, InterruptedException {
    Random order = new Random(1);
    List<Sample[]> results = new ArrayList<>();
    timed(null, appArgs, mlflow); // warm the page cache and DJL's native library cache
    timed(agent, appArgs, mlflow); // and the agent's: the jars it reads (the class path it hashes)
    for (int i = 0; i < pairs; i++) {
      Sample without;
      Sample with;
      if (order.nextBoolean()) {
        without = baseline(agent, appArgs, mlflow);
        with = timed(agent, appArgs, mlflow);
      } else {
        with = timed(agent, appArgs, mlflow);
        without = baseline(agent, appArgs, mlflow);
      }
      results.add(new Sample[] {without, with});
    }
    return results;
  }

  /**
   * One JVM: wall ms, CPU ms (user + system, NaN where {@code /proc} is missing), and the CPU ms of
   * its threads named {@code prov4ml-*} and of HotSpot's compiler threads: on a small machine, most
   * of what recording costs is the compilers' work on the recording code (docs/benchmarks.md).
   */
  private record Sample(double wallMs, double cpuMs, double prov4mlThreadsMs, double compilerThreadsMs,
      double trainingCpuMs, double exitMs) {}

  /** {@code SmallEpochsApp} at each epoch count, then the cost per epoch between the counts. */
  private static void smallEpochs(int pairs, Path agent, Path demo, String epochCounts)
      throws IOException, InterruptedException {
    int[] counts = Arrays.stream(epochCounts.split(",")).mapToInt(Integer::parseInt).toArray();
    double[] wallAdded = new double[counts.length];
    double[] cpuAdded = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      List<String> appArgs = List.of("-cp", demo.toString(), "org.prov4ml.it.apps.SmallEpochsApp",
          "--epochs", Integer.toString(counts[i]), "--models", "models", "--timing", "on");
      String loadBefore = loadAverage();
      List<Sample[]> samples = measureSamples(pairs, agent, appArgs, false);
      String what = "small epochs, " + counts[i] + " epochs";
      System.out.printf(Locale.ROOT, "%s: load average before %s, after %s%n", what, loadBefore, loadAverage());
      report(what + ", wall (ratio)", project(samples, Sample::wallMs), true);
      report(what + ", CPU (ratio)", project(samples, Sample::cpuMs), true);
      wallAdded[i] = medianOf(differences(samples, Sample::wallMs));
      cpuAdded[i] = medianOf(differences(samples, Sample::cpuMs));
      double prov4mlThreads = medianOf(project(samples, Sample::prov4mlThreadsMs), 1);
      System.out.printf(Locale.ROOT, "%s: added per run (median of pairs) wall %+.0f ms, CPU %+.0f ms, of which "
          + "prov4ml threads %.0f ms (%.3f ms an epoch)%n", what, wallAdded[i], cpuAdded[i], prov4mlThreads,
          prov4mlThreads / counts[i]);
      System.out.printf(Locale.ROOT, "%s: added per run (median of pairs) on the training thread CPU %+.0f ms, "
          + "on the compiler threads CPU %+.0f ms (without %.0f ms); from the app's last line to the process's end "
          + "%+.0f ms (without %.0f ms)%n", what, medianOf(differences(samples, Sample::trainingCpuMs)),
          medianOf(differences(samples, Sample::compilerThreadsMs)),
          medianOf(project(samples, Sample::compilerThreadsMs), 0),
          medianOf(differences(samples, Sample::exitMs)), medianOf(project(samples, Sample::exitMs), 0));
    }
    for (int i = 1; i < counts.length; i++) {
      double epochs = counts[i] - counts[i - 1];
      double wallPerEpoch = (wallAdded[i] - wallAdded[i - 1]) / epochs;
      double cpuPerEpoch = (cpuAdded[i] - cpuAdded[i - 1]) / epochs;
      System.out.printf(Locale.ROOT, "epochs %d..%d: per epoch wall %+.3f ms, CPU %+.3f ms; fixed (what remains at "
          + "0 epochs) wall %+.0f ms, CPU %+.0f ms%n", counts[i - 1], counts[i], wallPerEpoch, cpuPerEpoch,
          wallAdded[i - 1] - wallPerEpoch * counts[i - 1], cpuAdded[i - 1] - cpuPerEpoch * counts[i - 1]);
    }
  }

  private static List<double[]> project(List<Sample[]> samples, ToDoubleFunction<Sample> value) {
    return samples.stream().map(p -> new double[] {value.applyAsDouble(p[0]), value.applyAsDouble(p[1])})
        .toList();
  }

  private static List<Double> differences(List<Sample[]> samples, ToDoubleFunction<Sample> value) {
    return samples.stream().map(p -> value.applyAsDouble(p[1]) - value.applyAsDouble(p[0])).toList();
  }

  private static double medianOf(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Comparator.naturalOrder());
    return percentile(sorted, 0.5);
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The "without" side: no agent, or the agent with {@link #baselineProperties}. */
  private static Sample baseline(Path agent, List<String> appArgs, boolean mlflow)
      throws IOException, InterruptedException {
    if (baselineProperties == null) {
      return timed(null, appArgs, mlflow);
    }
    List<String> args = new ArrayList<>(baselineProperties);
    args.addAll(appArgs);
    return timed(agent, args, mlflow);
  }

  /** One JVM, in a fresh working directory that is deleted afterwards. */
  private static Sample timed(Path agent, List<String> appArgs, boolean mlflow)
      throws IOException, InterruptedException {
    Path work = Files.createTempDirectory("prov4ml-bench");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=true"));
    if (agent != null && listenerMode) {
      command.add("-D" + ListenerOption.PROPERTY + "=true");
      command.addAll(appArgs.stream()
          .map(a -> a.endsWith("prov4ml-demo.jar") ? a + File.pathSeparator + agent : a).toList());
    } else {
      if (agent != null) {
        command.add("-javaagent:" + agent);
      }
      command.addAll(appArgs);
    }
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(work.resolve("stderr.txt").toFile());
    if (!mlflow) {
      builder.environment().remove("MLFLOW_TRACKING_URI");
    }
    if (torchThreads != null) {
      builder.environment().put("OMP_NUM_THREADS", torchThreads);
    }
    double childCpuBefore = childrenCpuMs();
    long start = System.nanoTime();
    Process process = builder.start();
    Map<String, Double> prov4mlCpu = new HashMap<>(); // by thread id: the last CPU ms seen
    Map<String, Double> compilerCpu = new HashMap<>();
    while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
      sampleThreads(process.pid(), prov4mlCpu, compilerCpu);
    }
    double millis = (System.nanoTime() - start) / 1e6;
    if (process.exitValue() != 0) {
      throw new IllegalStateException("failed: " + command + "\n" + Files.readString(work.resolve("stderr.txt")));
    }
    double cpu = childrenCpuMs() - childCpuBefore;
    double[] timing = timingLine(Files.readString(work.resolve("stderr.txt")));
    delete(work);
    return new Sample(millis, cpu, sum(prov4mlCpu), sum(compilerCpu), timing[0],
        Double.isNaN(timing[1]) ? Double.NaN : millis - timing[1]);
  }

  /**
   * The app's {@code TIMING main-cpu-ms=N done-ms=M} line (SmallEpochsApp {@code --timing}): its training
   * thread's CPU, and the JVM's uptime at its last line, so the exit's share of the wall time shows.
   */
  private static double[] timingLine(String stderr) {
    Matcher m = Pattern.compile("TIMING main-cpu-ms=(\\d+) done-ms=(\\d+)")
        .matcher(stderr);
    return m.find() ? new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))}
        : new double[] {Double.NaN, Double.NaN};
  }

  /** The CPU time of this JVM's children that have ended, in ms: /proc/self/stat's cutime + cstime. */
  private static double childrenCpuMs() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 1000.0 / CLOCK_TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** USER_HZ, 100 on every Linux this runs on. */
  private static final double CLOCK_TICKS_PER_SECOND = 100;

  private static double sum(Map<String, Double> cpuByThread) {
    return cpuByThread.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /**
   * Updates the CPU ms of each {@code prov4ml-*} thread and each compiler thread ({@code C1 CompilerThre},
   * {@code C2 CompilerThre}: Linux keeps 15 characters of a name) of {@code pid}, read from /proc every
   * 200 ms. A thread that ends between two reads (HotSpot stops idle compiler threads) loses what it
   * used after the last read it was seen in.
   */
  private static void sampleThreads(long pid, Map<String, Double> prov4mlCpu, Map<String, Double> compilerCpu) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (Stream<Path> threads = Files.list(tasks)) {
      for (Path task : threads.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          Map<String, Double> cpuByThread = name.startsWith("prov4ml-") ? prov4mlCpu
              : name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre") ? compilerCpu : null;
          if (cpuByThread != null) {
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            cpuByThread.put(task.getFileName().toString(),
                (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000.0 / CLOCK_TICKS_PER_SECOND);
          }
        } catch (NoSuchFileException ended) {
          // the thread ended between the listing and the read
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process ended, or no /proc: the figure stays what was seen
    }
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
