package org.prov4ml.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.RunDirectory;

/**
 * Reading one series of 1,000,000 points from its run directory: {@code RunDirectory} opening the
 * directory and streaming the points, beside the plain JDK way (a {@code BufferedReader}, {@code split},
 * {@code parseLong}/{@code parseDouble}) reading the same file in the same run. Both sum the values
 * so neither can skip the parse; neither keeps the points.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
@State(Scope.Benchmark)
public class RunDirectoryReadBenchmark {

  private static final int POINTS = 1_000_000;

  private Path runDir;
  private Path csv;

  @Setup
  public void writeRun() throws IOException {
    Path out = Files.createTempDirectory("prov4ml-read-bench");
    try (Run run = Prov4ml.startRun(RunOptions.builder().experimentName("bench").outputDir(out).build())) {
      run.logMetric("loss", 0, Context.TRAINING, 0, false, 0);
      runDir = run.runDirectory();
    }
    csv = runDir.resolve("metrics_GR0/loss_TRAINING_None_GR0.csv");
    try (BufferedWriter w = Files.newBufferedWriter(csv)) {
      w.write("epoch,value,timestep\n");
      for (int i = 0; i < POINTS; i++) {
        w.write(i + "," + Math.sin(i) + "," + (1_700_000_000_000L + i) + "\n");
      }
    }
  }

  @Benchmark
  public double runDirectoryStream() throws IOException {
    try (Stream<MetricPoint> points = RunDirectory.open(runDir).metric("loss", Context.TRAINING).orElseThrow()
        .points()) {
      return points.mapToDouble(MetricPoint::value).sum();
    }
  }

  @Benchmark
  public double bufferedReaderSplit() throws IOException {
    double sum = 0;
    try (BufferedReader in = Files.newBufferedReader(csv)) {
      in.readLine();
      for (String line; (line = in.readLine()) != null; ) {
        String[] f = line.split(",");
        long step = Long.parseLong(f[0]);
        sum += Double.parseDouble(f[1]) + (step & 0) + (Long.parseLong(f[2]) & 0);
      }
    }
    return sum;
  }
}
