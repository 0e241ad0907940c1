package org.prov4ml.internal.run;

import java.util.concurrent.atomic.AtomicBoolean;
import org.prov4ml.internal.pipeline.FailureCounts;
import org.tinylog.Logger;

/**
 * Failures while recording DJL's training, by the training listener or the agent's hooks, which
 * run inside the application's DJL calls. Each catches everything and reports it here: the first
 * failure of a place is logged with its stack trace, later ones are only counted, the total is
 * reported once when the JVM exits, and the application never sees any of them.
 */
public final class RecordingFailures {

  private static final FailureCounts COUNTS = new FailureCounts();
  private static final AtomicBoolean EXIT_REPORT = new AtomicBoolean();

  private RecordingFailures() {}

  /** A failure at {@code place}, e.g. {@code DJL batch_loss} or {@code agent instrumenting ai.djl.BaseModel}. */
  public static void record(String place, Throwable failure) {
    try {
      COUNTS.record(place, failure);
      if (EXIT_REPORT.compareAndSet(false, true)) {
        Runtime.getRuntime().addShutdownHook(new Thread(RecordingFailures::report, "prov4ml-failure-report"));
      }
    } catch (Throwable ignored) {
      // Even the log failed, or the JVM is exiting: nothing left to tell, and the application must go on.
    }
  }

  public static FailureCounts counts() {
    return COUNTS;
  }

  private static void report() {
    Logger.warn("prov4ml: {} failures while recording DJL's training, none reached the application: {}",
        COUNTS.total(), COUNTS.snapshot());
  }
}
