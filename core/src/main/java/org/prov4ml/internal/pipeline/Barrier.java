package org.prov4ml.internal.pipeline;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A flush point in the event stream: released once every sink has arrived, i.e. has made durable
 * everything published before it. A sink arrives at most once; a sink that failed is arrived for by
 * the dispatcher, so a waiting caller is never left hanging on a broken sink.
 */
public final class Barrier {

  private final CountDownLatch pending;
  private final Set<String> arrived = ConcurrentHashMap.newKeySet();

  Barrier(int sinks) {
    this.pending = new CountDownLatch(sinks);
  }

  /** The sink has everything before this barrier. Idempotent per sink. */
  public void arrive(Sink sink) {
    if (arrived.add(sink.name())) {
      pending.countDown();
    }
  }

  boolean await(long timeout, TimeUnit unit) throws InterruptedException {
    return pending.await(timeout, unit);
  }
}
