package org.prov4ml.bench;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the hot-path benchmark with 1 and 2 producer threads and the GC profiler, so time and
 * allocation per call come from the same run as the JDK queues they are compared with; then the
 * run-directory reader beside a plain JDK read of the same file.
 */
public final class Benchmarks {

  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    for (int threads : new int[] {1, 2}) {
      Options options = new OptionsBuilder()
          .include("org.prov4ml.bench.LogMetricBenchmark")
          .threads(threads)
          .addProfiler(GCProfiler.class)
          .resultFormat(ResultFormatType.TEXT)
          .result("target/jmh-logmetric-" + threads + "-threads.txt")
          .build();
      new Runner(options).run();
    }
    new Runner(new OptionsBuilder()
        .include("org.prov4ml.bench.RunDirectoryReadBenchmark")
        .addProfiler(GCProfiler.class)
        .resultFormat(ResultFormatType.TEXT)
        .result("target/jmh-rundirectory-read.txt")
        .build()).run();
  }
}
