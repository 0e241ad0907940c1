package org.prov4ml.internal.pipeline;

import org.prov4ml.Context;

/** Events and barriers made by hand, for tests that drive a sink without a ring. */
public final class Events {

  private Events() {}

  public static Event metric(String key, Context context, long step, double value, long timestampMillis) {
    Event e = new Event();
    e.setMetric(key, context, step, value, timestampMillis);
    return e;
  }

  public static Event of(EventKind kind, String key, Context context, long timestampMillis, Object payload) {
    Event e = new Event();
    e.set(kind, key, context, timestampMillis, payload);
    return e;
  }

  /** A barrier for one sink, as {@code flush} publishes it. */
  public static Barrier barrier() {
    return new Barrier(1);
  }

  /** Whether every sink has arrived at {@code barrier}. */
  public static boolean released(Barrier barrier) throws InterruptedException {
    return barrier.await(0, java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
