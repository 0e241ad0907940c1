package org.prov4ml.internal.pipeline;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A flush point in the event stream: released once every sink has made durable everything published
 * before it and every replica has acknowledged that. Each party arrives at most once; a sink that
 * failed is arrived for by the dispatcher, and a replica that ended by the end of the run, so a
 * waiting caller is never left hanging.
 */
public final class Barrier {

  private final CountDownLatch pending;
  private final Set<String> arrived = ConcurrentHashMap.newKeySet();

  Barrier(int parties) {
    this.pending = new CountDownLatch(parties);
  }

  /** The sink has everything before this barrier. Idempotent per sink. */
  public void arrive(Sink sink) {
    arrive(sink.name());
  }

  /** The replica has acknowledged everything before this barrier. Idempotent per replica. */
  public void arrive(Replica replica) {
    arrive(replica.name());
  }

  private void arrive(String party) {
    if (arrived.add(party)) {
      pending.countDown();
    }
  }

  boolean await(long timeout, TimeUnit unit) throws InterruptedException {
    return pending.await(timeout, unit);
  }
}
