package org.prov4ml.internal.pipeline;

import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.LongAdder;
import org.prov4ml.Context;
import org.prov4ml.RunReport;
import org.prov4ml.RunStatus;
import org.prov4ml.internal.config.OverflowPolicy;
import org.tinylog.Logger;

/**
 * One run's event pipeline: a bounded multi-producer ring of pre-allocated {@link Event} slots
 * (the LMAX Disruptor) drained by a single daemon thread into the run's {@link Sink}s (the run
 * directory's writer), which the run's {@link Replica}s (MLflow) follow as it becomes durable.
 *
 * <p>Publishing a metric point claims a slot, fills it in place and publishes it: no allocation, no
 * lock. The drainer sleeps between looks at the ring ({@link SleepingIdleWaitStrategy}), whose
 * publish side is free (no signalling), so producers pay nothing for a sleeping consumer; the
 * consumer's latency is at most one sleep period, which only flushes see. A look that finds nothing
 * is passed on to the sinks as {@link Sink#idle}.
 */
public final class EventPipeline {

  /**
   * How long the idle drainer sleeps between looks at the ring. It sleeps at once, without spinning
   * or yielding first: a training logs a point every few ms, so a spinning drainer would always be
   * runnable, and next to PyTorch's OpenMP threads (which busy-wait for each other) on a machine with
   * few cores that stalled training several-fold. Each wake-up that finds points ends with a flush
   * of the metric files (a write per file); at 1 ms, under the agent's one point per batch that was
   * ~3.5% of a core on the drainer, at 10 ms it is ~1.7%, and a flush waits 10 ms more.
   */
  private static final long DRAINER_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final Disruptor<Event> disruptor;
  private final RingBuffer<Event> ring;
  /** Every this many sequences a producer wakes the drainer: see {@link #publishAt}. */
  private final long wakeMask;
  private volatile Thread drainer;
  private final SinkDispatcher dispatcher;
  private final OverflowPolicy overflow;
  private final int parties;
  private volatile boolean closing;
  private final FailureCounts failures;
  private final LongAdder dropped = new LongAdder();

  public EventPipeline(String name, int bufferSize, OverflowPolicy overflow, List<Sink> sinks,
      FailureCounts failures) {
    this(name, bufferSize, overflow, sinks, List.of(), failures);
  }

  public EventPipeline(String name, int bufferSize, OverflowPolicy overflow, List<Sink> sinks,
      List<Replica> replicas, FailureCounts failures) {
    this.overflow = overflow;
    this.parties = sinks.size() + replicas.size();
    this.failures = failures;
    this.dispatcher = new SinkDispatcher(sinks, replicas, failures);
    this.wakeMask = bufferSize / 4 - 1;
    this.disruptor = new Disruptor<>(Event::new, bufferSize, runnable -> {
      Thread t = new Thread(runnable, "prov4ml-drainer-" + name);
      t.setDaemon(true); // the app's exit must not wait for us; the shutdown hook ends the run
      drainer = t;
      return t;
    }, ProducerType.MULTI, new SleepingIdleWaitStrategy(DRAINER_SLEEP_NANOS));
    disruptor.handleEventsWith(dispatcher);
    disruptor.setDefaultExceptionHandler(new LoggingExceptionHandler(failures));
    this.ring = disruptor.start();
    for (Replica replica : replicas) {
      replica.start(this::tryPublishRunAttributes);
    }
  }

  /** A replica's attributes of the run, as an event for the writer; never waits for a slot. */
  private boolean tryPublishRunAttributes(Map<String, String> attributes) {
    if (closing) {
      return false;
    }
    long sequence;
    try {
      sequence = ring.tryNext();
    } catch (InsufficientCapacityException full) {
      return false;
    }
    try {
      ring.get(sequence).set(EventKind.RUN_ATTRIBUTES, null, null, System.currentTimeMillis(),
          Map.copyOf(attributes));
    } finally {
      publishAt(sequence);
    }
    LockSupport.unpark(drainer);
    return true;
  }

  /**
   * Publishes a metric point. Under {@code block} waits for a free slot; under {@code drop} never
   * waits and counts the point as dropped when the ring is full.
   *
   * @return whether the point was published
   */
  public boolean publishMetric(String key, Context context, long step, double value, long timestampMillis) {
    long sequence;
    if (overflow == OverflowPolicy.DROP) {
      try {
        sequence = ring.tryNext();
      } catch (InsufficientCapacityException full) { // a pre-allocated singleton: no allocation
        dropped.increment();
        return false;
      }
    } else {
      sequence = ring.next();
    }
    publishMetricAt(sequence, key, context, step, value, timestampMillis);
    return true;
  }

  /** Publishes a metric point that must not be dropped, whatever the overflow policy. */
  public void publishMetricWaiting(String key, Context context, long step, double value, long timestampMillis) {
    publishMetricAt(ring.next(), key, context, step, value, timestampMillis);
  }

  /**
   * Fills the claimed slot and publishes it, even if filling failed: a claimed slot left unpublished
   * stalls the drainer.
   */
  private void publishMetricAt(long sequence, String key, Context context, long step, double value,
      long timestampMillis) {
    try {
      ring.get(sequence).setMetric(key, context, step, value, timestampMillis);
    } finally {
      publishAt(sequence);
    }
  }

  /**
   * Publishes a filled slot. The sleeping drainer is not signalled per event (that would cost every
   * call); instead the producer that crosses each quarter of the ring unparks it, so a burst faster
   * than the drainer's sleep period wakes it long before the ring is full, and an idle or slow run
   * (one point per batch) never pays more than the branch.
   */
  private void publishAt(long sequence) {
    ring.publish(sequence);
    if ((sequence & wakeMask) == 0) {
      LockSupport.unpark(drainer);
    }
  }

  /**
   * Publishes a structural event (param, artifact, model...). These are rare and must not be lost,
   * so they wait for a slot whatever the overflow policy.
   */
  public void publish(EventKind kind, String key, Context context, long timestampMillis, Object payload) {
    long sequence = ring.next();
    try {
      ring.get(sequence).set(kind, key, context, timestampMillis, payload);
    } finally {
      publishAt(sequence);
    }
  }

  /**
   * Waits until every sink has made durable everything published before this call, and every replica
   * has acknowledged it.
   *
   * @return false if {@code timeout} passed first
   */
  public boolean flush(Duration timeout) throws InterruptedException {
    Barrier barrier = new Barrier(parties);
    publish(EventKind.BARRIER, null, null, System.currentTimeMillis(), barrier);
    LockSupport.unpark(drainer); // a caller waits: don't let it wait out the drainer's sleep
    return barrier.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Ends the run: the sinks receive everything published before, then {@link Sink#close}; the
   * drainer stops.
   *
   * @return false if the sinks did not finish within {@code timeout}
   */
  public boolean close(RunStatus status, Duration timeout) {
    closing = true;
    RunOutcome outcome = new RunOutcome(status, java.time.Instant.now(), dropped.sum());
    publish(EventKind.RUN_END, null, null, outcome.endTime().toEpochMilli(), outcome);
    LockSupport.unpark(drainer);
    boolean finished = false;
    try {
      finished = dispatcher.closedLatch().await(timeout.toNanos(), TimeUnit.NANOSECONDS);
      disruptor.shutdown(finished ? 1 : 0, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    } catch (TimeoutException e) {
      Logger.warn("prov4ml: the drainer did not stop; abandoning it");
      disruptor.halt();
    }
    return finished;
  }

  public long droppedMetricPoints() {
    return dropped.sum();
  }

  /** A summary for the run's end line; exact once {@link #close} returned true. */
  public RunReport report() {
    return new RunReport(dispatcher.metricPoints(), dropped.sum(), dispatcher.lateEvents(),
        failures.snapshot(), dispatcher.summaries());
  }

  /** Only reached if the dispatcher itself fails, which it guards against; logged, never fatal. */
  private record LoggingExceptionHandler(FailureCounts failures) implements ExceptionHandler<Object> {
    @Override
    public void handleEventException(Throwable ex, long sequence, Object event) {
      failures.record("drainer", ex);
    }

    @Override
    public void handleOnStartException(Throwable ex) {
      failures.record("drainer start", ex);
    }

    @Override
    public void handleOnShutdownException(Throwable ex) {
      failures.record("drainer shutdown", ex);
    }
  }
}
