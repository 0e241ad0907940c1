package org.prov4ml.it.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;

/**
 * How far the drainer falls behind when a run saves a large file every epoch while it logs points: 10,000
 * points a second, and at each epoch's end a file of {@code <megabytes>} logged as an artifact (its copy is the
 * caller's, by contract; its SHA-256 is the run's). Every 100 ms a synchronous probe point measures the time
 * from its publication until every sink has it: the drainer's lag as the application would feel it. Only the
 * public API, so the same program measures any version.
 *
 * <pre>
 * java -cp integration-tests/target/prov4ml-demo.jar:agent/target/prov4ml.jar \
 *     org.prov4ml.it.bench.DrainerLag [epochs] [seconds per epoch] [megabytes]
 * </pre>
 */
public final class DrainerLag {

  private DrainerLag() {}

  public static void main(String[] args) throws Exception {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int secondsPerEpoch = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int megabytes = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
    Path work = Files.createTempDirectory("prov4ml-drainer-lag");
    Path model = writeFile(work.resolve("model.params"), megabytes);
    List<Long> probesNanos = new ArrayList<>();
    long points = 0;
    try (Run run = Prov4ml.startRun(RunOptions.builder().experimentName("drainer-lag")
        .outputDir(work.resolve("runs")).build())) {
      for (int epoch = 1; epoch <= epochs; epoch++) {
        long end = System.nanoTime() + secondsPerEpoch * 1_000_000_000L;
        long nextProbe = System.nanoTime();
        while (System.nanoTime() < end) {
          long slice = System.nanoTime();
          for (int i = 0; i < 100; i++) { // 100 points every 10 ms: 10,000 a second
            run.logMetric("loss", 1.0 / (points + 1), Context.TRAINING);
            points++;
          }
          if (System.nanoTime() >= nextProbe) {
            long t = System.nanoTime();
            run.logMetric("probe", epoch, Context.TRAINING, points, true, System.currentTimeMillis());
            probesNanos.add(System.nanoTime() - t);
            nextProbe = t + 100_000_000L;
          }
          long left = 10_000_000L - (System.nanoTime() - slice);
          if (left > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
          }
        }
        Files.write(model, new byte[] {(byte) epoch}, java.nio.file.StandardOpenOption.WRITE); // a new version
        run.logArtifact(model, Context.TRAINING);
      }
    }
    List<Long> sorted = new ArrayList<>(probesNanos);
    Collections.sort(sorted);
    System.out.printf(Locale.ROOT, "%d epochs, %d MB file each, %d points, %d probes: drainer lag median %.1f ms, "
        + "p99 %.1f ms, max %.1f ms%n", epochs, megabytes, points, sorted.size(), at(sorted, 0.5), at(sorted, 0.99),
        sorted.get(sorted.size() - 1) / 1e6);
    delete(work);
  }

  private static double at(List<Long> sorted, double quantile) {
    return sorted.get(Math.min(sorted.size() - 1, (int) (quantile * sorted.size()))) / 1e6;
  }

  private static Path writeFile(Path file, int megabytes) throws IOException {
    byte[] block = new byte[1 << 20];
    new java.util.Random(1).nextBytes(block);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < megabytes; i++) {
        out.write(block);
      }
    }
    return file;
  }

  private static void delete(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
