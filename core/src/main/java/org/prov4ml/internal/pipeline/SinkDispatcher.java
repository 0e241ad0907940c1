package org.prov4ml.internal.pipeline;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The drainer's handler, the ring's only one: hands each event to every sink in order, isolating sinks
 * from each other, then tells the replicas how far the run directory is durable. A sink that throws is
 * counted in {@link FailureCounts} under {@code sink <name>} and the remaining sinks still get the
 * event; the drainer itself never dies on a sink failure.
 *
 * <p>Durable progress is a ring sequence, as in the Disruptor's own gating: the drainer's sequence,
 * which {@link #setSequenceCallback} hands over, is advanced here as soon as the sinks have flushed, a
 * barrier included (the Disruptor would only advance it after the whole batch), and the replicas follow
 * the same number.
 */
final class SinkDispatcher implements EventHandler<Event> {

  private final Sink[] sinks;
  private final Replica[] replicas;
  private final FailureCounts failures;
  private final CountDownLatch closed = new CountDownLatch(1);
  private Sequence drained;
  private long durable = -1;

  // Written only by the drainer thread; read by others after `closed` is released.
  private long metricPoints;
  private long lateEvents;
  private final List<String> summaries = new java.util.ArrayList<>();
  private boolean ended;

  SinkDispatcher(List<Sink> sinks, List<Replica> replicas, FailureCounts failures) {
    this.sinks = sinks.toArray(new Sink[0]);
    this.replicas = replicas.toArray(new Replica[0]);
    this.failures = failures;
  }

  @Override
  public void setSequenceCallback(Sequence sequenceCallback) {
    this.drained = sequenceCallback;
  }

  @Override
  public void onEvent(Event event, long sequence, boolean endOfBatch) {
    try {
      if (ended) {
        // Published by a thread that raced endRun: the sinks are closed, so it is counted instead. A
        // replica's own attributes are not the application's: the replica keeps them (MLflow's cursor).
        if (event.kind != EventKind.RUN_ATTRIBUTES) {
          lateEvents++;
        }
      } else {
        dispatch(event, sequence);
      }
    } finally {
      event.clear();
    }
    if (endOfBatch && !ended) {
      for (Sink sink : sinks) {
        try {
          sink.endOfBatch();
        } catch (Throwable t) {
          failures.record(placeOf(sink), t);
        }
      }
      durableThrough(sequence);
    }
  }

  /** The drainer looked at the ring and found nothing new (see {@link SleepingIdleWaitStrategy}). */
  @Override
  public void onTimeout(long sequence) {
    if (ended) {
      return;
    }
    for (Sink sink : sinks) {
      try {
        sink.idle();
      } catch (Throwable t) {
        failures.record(placeOf(sink), t);
      }
    }
  }

  private void dispatch(Event event, long sequence) {
    switch (event.kind) {
      case BARRIER -> barrier(event.payload(Barrier.class), sequence);
      case RUN_END -> end(event.payload(RunOutcome.class), sequence);
      default -> {
        if (event.kind == EventKind.METRIC) {
          metricPoints++;
        }
        for (Sink sink : sinks) {
          try {
            sink.accept(event);
          } catch (Throwable t) {
            failures.record(placeOf(sink), t);
          }
        }
      }
    }
  }

  private void barrier(Barrier barrier, long sequence) {
    for (Sink sink : sinks) {
      try {
        sink.awaitBarrier(barrier);
      } catch (Throwable t) {
        failures.record(placeOf(sink), t);
        barrier.arrive(sink);
      }
    }
    durableThrough(sequence);
    for (Replica replica : replicas) {
      try {
        replica.arriveWhenAcknowledged(barrier, sequence);
      } catch (Throwable t) {
        failures.record(placeOf(replica), t);
        barrier.arrive(replica);
      }
    }
  }

  private void end(RunOutcome outcome, long sequence) {
    ended = true;
    for (Sink sink : sinks) {
      try {
        sink.close(outcome);
        addSummary(sink.endSummary());
      } catch (Throwable t) {
        failures.record(placeOf(sink), t);
      }
    }
    durableThrough(sequence); // the directory is final: the replicas make their last pass over it
    for (Replica replica : replicas) {
      try {
        replica.close(outcome);
        addSummary(replica.endSummary());
      } catch (Throwable t) {
        failures.record(placeOf(replica), t);
      }
    }
    closed.countDown();
  }

  private void durableThrough(long sequence) {
    if (sequence <= durable) {
      return; // a barrier that ended its batch was reported already
    }
    durable = sequence;
    if (drained != null) {
      drained.set(sequence); // frees the slots for producers now, not after the rest of the batch
    }
    for (Replica replica : replicas) {
      try {
        replica.durableThrough(sequence);
      } catch (Throwable t) {
        failures.record(placeOf(replica), t);
      }
    }
  }

  private void addSummary(String summary) {
    if (summary != null) {
      summaries.add(summary);
    }
  }

  static String placeOf(Sink sink) {
    return "sink " + sink.name();
  }

  static String placeOf(Replica replica) {
    return replica.name();
  }

  CountDownLatch closedLatch() {
    return closed;
  }

  long metricPoints() {
    return metricPoints;
  }

  long lateEvents() {
    return lateEvents;
  }

  List<String> summaries() {
    return List.copyOf(summaries);
  }
}
