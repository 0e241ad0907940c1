package org.prov4ml.internal.system;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.prov4ml.Context;
import org.prov4ml.Run;
import org.prov4ml.internal.run.RecordingFailures;
import org.prov4ml.internal.run.ActiveRun;

/**
 * Samples {@link SystemSnapshot} every interval into the active run, context SYSTEM (MLflow gets
 * the keys unprefixed, where its system charts look). Started with the first trainer, not at JVM
 * start, so an application that never trains pays nothing; a daemon thread, so it never holds the
 * JVM open; with no active run a tick does nothing.
 */
public final class SystemMetricsSampler {

  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private SystemMetricsSampler() {}

  /** Starts sampling once per JVM; an interval of 0 turns it off. */
  public static void startOnce(Duration interval) {
    if (interval.isZero() || !STARTED.compareAndSet(false, true)) {
      return;
    }
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread t = new Thread(task, "prov4ml-system-metrics");
      t.setDaemon(true);
      return t;
    });
    long millis = interval.toMillis();
    timer.scheduleAtFixedRate(SystemMetricsSampler::sample, millis, millis, TimeUnit.MILLISECONDS);
  }

  static void sample() {
    Optional<Run> active = Optional.ofNullable(ActiveRun.current());
    if (active.isEmpty()) {
      return;
    }
    Run run = active.get();
    try {
      for (Map.Entry<String, Double> value : SystemSnapshot.read().entrySet()) {
        run.logMetric(value.getKey(), value.getValue(), Context.SYSTEM); // step: the sample's number
      }
    } catch (Throwable e) {
      if (!run.isEnded()) { // the run ending between two points is no failure
        RecordingFailures.record("system metrics", e);
      }
    }
  }
}
