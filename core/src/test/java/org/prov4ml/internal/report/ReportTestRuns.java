package org.prov4ml.internal.report;

import java.nio.file.Path;
import java.util.Map;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;

/** Runs recorded through the public API for the report tests: what a training would write, made small. */
public final class ReportTestRuns {

  public static final int TRAINING_POINTS = 500;
  public static final long START_MILLIS = 1_790_000_000_000L;

  private ReportTestRuns() {}

  /**
   * A finished run with {@code params}, a {@code loss} over {@link #TRAINING_POINTS} TRAINING steps (a NaN at
   * step 100 and +Inf at 200) and 5 VALIDATION epochs, {@code accuracy} over 5 VALIDATION epochs, and a system
   * metric over time.
   */
  public static Path training(Path out, String experiment, Map<String, ?> params) {
    try (Run run = Prov4ml.startRun(RunOptions.builder().experimentName(experiment).outputDir(out).build())) {
      run.logParams(params);
      for (int i = 0; i < TRAINING_POINTS; i++) {
        double loss = i == 100 ? Double.NaN : i == 200 ? Double.POSITIVE_INFINITY : 2.0 / (1 + i * 0.05);
        run.logMetric("loss", loss, Context.TRAINING, i, false, START_MILLIS + i * 10L);
      }
      for (int epoch = 1; epoch <= 5; epoch++) {
        run.logMetric("loss", 1.5 / epoch, Context.VALIDATION, epoch, false, START_MILLIS + epoch * 1000L);
        run.logMetric("accuracy", 0.5 + epoch * 0.08, Context.VALIDATION, epoch, false, START_MILLIS + epoch * 1000L);
      }
      for (int s = 0; s < 20; s++) {
        run.logMetric("system/cpu_utilization_percentage", 40 + s % 7, Context.SYSTEM, s, false,
            START_MILLIS + s * 250L);
      }
      return run.runDirectory();
    }
  }
}
