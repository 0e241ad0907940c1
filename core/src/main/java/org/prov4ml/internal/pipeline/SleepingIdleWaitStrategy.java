package org.prov4ml.internal.pipeline;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.locks.LockSupport;

/**
 * The drainer's wait: the Disruptor's {@code SleepingWaitStrategy} without its spinning and yielding
 * phases (see {@link EventPipeline}), which also reports each sleep that found nothing new as a
 * {@link TimeoutException}. The Disruptor's event processor turns that into the handler's
 * {@code onTimeout}, so sinks hear of time passing while nothing is published: a sink that put work
 * off to a deadline (the PROV document's coalesced rewrite) keeps its deadline in a quiet run.
 *
 * <p>Why not the Disruptor's own timeout strategies: they block on a lock, and then every publish
 * must take it to signal the drainer. Here producers pay nothing, as with the sleeping strategy.
 */
final class SleepingIdleWaitStrategy implements WaitStrategy {

  private final long sleepNanos;

  SleepingIdleWaitStrategy(long sleepNanos) {
    this.sleepNanos = sleepNanos;
  }

  @Override
  public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
      throws AlertException, TimeoutException {
    long available = dependentSequence.get();
    if (available >= sequence) {
      return available;
    }
    barrier.checkAlert();
    LockSupport.parkNanos(sleepNanos);
    available = dependentSequence.get();
    if (available < sequence) {
      throw TimeoutException.INSTANCE; // a pre-allocated singleton: idling allocates nothing
    }
    return available;
  }

  @Override
  public void signalAllWhenBlocking() {
    // Nobody blocks: the drainer sleeps and looks again, or a producer unparks it (EventPipeline).
  }
}
