package org.prov4ml.internal.pipeline;

import com.lmax.disruptor.EventHandler;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The drainer's handler: hands each event to every sink in order, isolating sinks from each
 * other. A sink that throws is counted in {@link FailureCounts} under {@code sink <name>} and the
 * remaining sinks still get the event; the drainer itself never dies on a sink failure.
 */
final class SinkDispatcher implements EventHandler<Event> {

  private final Sink[] sinks;
  private final FailureCounts failures;
  private final CountDownLatch closed = new CountDownLatch(1);

  // Written only by the drainer thread; read by others after `closed` is released.
  private long metricPoints;
  private long lateEvents;
  private final List<String> summaries = new java.util.ArrayList<>();
  private boolean ended;

  SinkDispatcher(List<Sink> sinks, FailureCounts failures) {
    this.sinks = sinks.toArray(new Sink[0]);
    this.failures = failures;
  }

  @Override
  public void onEvent(Event event, long sequence, boolean endOfBatch) {
    try {
      if (ended) {
        // Published by a thread that raced endRun: the sinks are closed, so it is counted instead.
        lateEvents++;
      } else {
        dispatch(event);
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
    }
  }

  private void dispatch(Event event) {
    switch (event.kind) {
      case BARRIER -> barrier(event.payload(Barrier.class));
      case RUN_END -> end(event.payload(RunOutcome.class));
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

  private void barrier(Barrier barrier) {
    for (Sink sink : sinks) {
      try {
        sink.awaitBarrier(barrier);
      } catch (Throwable t) {
        failures.record(placeOf(sink), t);
        barrier.arrive(sink);
      }
    }
  }

  private void end(RunOutcome outcome) {
    ended = true;
    for (Sink sink : sinks) {
      try {
        sink.close(outcome);
        String summary = sink.endSummary();
        if (summary != null) {
          summaries.add(summary);
        }
      } catch (Throwable t) {
        failures.record(placeOf(sink), t);
      }
    }
    closed.countDown();
  }

  static String placeOf(Sink sink) {
    return "sink " + sink.name();
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
