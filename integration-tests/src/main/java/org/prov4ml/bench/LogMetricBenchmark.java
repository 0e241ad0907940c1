package org.prov4ml.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.prov4ml.Context;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.run.RecordedRun;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.pipeline.Event;
import org.prov4ml.internal.pipeline.RunOutcome;
import org.prov4ml.internal.pipeline.Sink;

/**
 * The producer's cost of {@code Run.logMetric}: argument checks, the step counter, claiming,
 * filling and publishing a ring slot. Beside it, the JDK's bounded and unbounded queues handing
 * over the same kind of element, each with a consumer thread draining it, as our drainer does.
 *
 * <p>The run's sink here only counts: what is measured is the caller's side, not the disk (the
 * local writer sustains far fewer points per second than a producer can publish, and would turn
 * this into a measure of the file system).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LogMetricBenchmark {

  private static final AtomicInteger THREAD_IDS = new AtomicInteger();

  /** Per producer thread: its own metric key, as one training thread has its own metrics. */
  @State(Scope.Thread)
  public static class Producer {
    String key;
    double value;
    final double[] element = new double[1];

    @Setup
    public void setUp() {
      key = "loss_" + THREAD_IDS.getAndIncrement();
    }
  }

  /** A run whose one sink only counts, like a sink that keeps up. */
  @State(Scope.Benchmark)
  public static class RunUnderTest {
    Run run;
    Path out;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      out = Files.createTempDirectory("prov4ml-bench");
      RunOptions options = RunOptions.builder().experimentName("bench").outputDir(out).build();
      run = RecordedRun.start(options, Prov4mlConfig.load(), (info, local, failures) -> List.of(new CountingSink()));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      run.close();
      try (var files = Files.walk(out)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The JDK queues, each drained by one consumer thread as our ring is by its drainer. */
  @State(Scope.Benchmark)
  public static class Queues {
    final ArrayBlockingQueue<double[]> arrayBlockingQueue = new ArrayBlockingQueue<>(65536);
    final ConcurrentLinkedQueue<double[]> concurrentLinkedQueue = new ConcurrentLinkedQueue<>();
    volatile boolean draining = true;
    Thread drainer;

    @Setup(Level.Trial)
    public void setUp() {
      drainer = new Thread(() -> {
        while (draining) {
          if (poll(arrayBlockingQueue) + poll(concurrentLinkedQueue) == 0) {
            Thread.onSpinWait();
          }
        }
      }, "queue-drainer");
      drainer.setDaemon(true);
      drainer.start();
    }

    private static int poll(Queue<double[]> queue) {
      int n = 0;
      while (queue.poll() != null) {
        n++;
      }
      return n;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
      draining = false;
      drainer.join();
    }
  }

  /** Counts points; the drainer's cost stays off the producer's thread. */
  static final class CountingSink implements Sink {
    long points;

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public void accept(Event event) {
      points++;
    }

    @Override
    public void close(RunOutcome outcome) {}
  }

  @Benchmark
  public void prov4mlLogMetric(RunUnderTest r, Producer p) {
    r.run.logMetric(p.key, p.value++, Context.TRAINING);
  }

  @Benchmark
  public boolean arrayBlockingQueueOffer(Queues q, Producer p) {
    return q.arrayBlockingQueue.offer(p.element);
  }

  @Benchmark
  public boolean concurrentLinkedQueueOffer(Queues q, Producer p) {
    return q.concurrentLinkedQueue.offer(p.element);
  }
}
