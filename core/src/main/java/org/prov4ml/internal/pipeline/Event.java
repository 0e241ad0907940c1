package org.prov4ml.internal.pipeline;

import org.prov4ml.Context;

/**
 * A pre-allocated slot of the event ring. Producers fill a claimed slot in place and publish it;
 * the drainer hands it to every sink and clears it. Sinks must copy what they keep: the slot is
 * reused once the drainer moves on.
 */
public final class Event {

  EventKind kind;
  String key;
  Context context;
  long step;
  double value;
  long timestampMillis;
  Object payload;

  public EventKind kind() {
    return kind;
  }

  public String key() {
    return key;
  }

  public Context context() {
    return context;
  }

  public long step() {
    return step;
  }

  public double value() {
    return value;
  }

  public long timestampMillis() {
    return timestampMillis;
  }

  /** The payload of a non-metric event; its type is given by {@link #kind()}. */
  public <T> T payload(Class<T> type) {
    return type.cast(payload);
  }

  void setMetric(String key, Context context, long step, double value, long timestampMillis) {
    this.kind = EventKind.METRIC;
    this.key = key;
    this.context = context;
    this.step = step;
    this.value = value;
    this.timestampMillis = timestampMillis;
    this.payload = null;
  }

  void set(EventKind kind, String key, Context context, long timestampMillis, Object payload) {
    this.kind = kind;
    this.key = key;
    this.context = context;
    this.step = 0;
    this.value = 0;
    this.timestampMillis = timestampMillis;
    this.payload = payload;
  }

  /** Drops references so a slot does not keep a payload alive until it is reused. */
  void clear() {
    key = null;
    context = null;
    payload = null;
  }
}
