package org.prov4ml.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.prov4ml.Context;
import org.prov4ml.RunStatus;
import org.prov4ml.internal.config.OverflowPolicy;

/** The ring and its drainer, with sinks written for the test. */
class EventPipelineTest {

  /** Records what it receives; can be told to block or throw. */
  static final class RecordingSink implements Sink {
    final String name;
    final List<String> metrics = new ArrayList<>();
    volatile CountDownLatch gate;
    volatile boolean closed;
    volatile RunOutcome outcome;
    final boolean throwing;

    RecordingSink(String name, boolean throwing) {
      this.name = name;
      this.throwing = throwing;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void accept(Event event) throws Exception {
      CountDownLatch g = gate;
      if (g != null) {
        g.await();
      }
      if (throwing) {
        throw new IllegalStateException("sink " + name + " is broken");
      }
      metrics.add(event.key() + "@" + event.step());
    }

    @Override
    public void close(RunOutcome outcome) {
      this.outcome = outcome;
      closed = true;
    }
  }

  @Test
  void throwingSinkDoesNotStopTheOthers() throws Exception {
    RecordingSink broken = new RecordingSink("broken", true);
    RecordingSink healthy = new RecordingSink("healthy", false);
    FailureCounts failures = new FailureCounts();
    EventPipeline pipeline = new EventPipeline("t", 1024, OverflowPolicy.BLOCK, List.of(broken, healthy), failures);
    for (int i = 0; i < 500; i++) {
      pipeline.publishMetric("m", Context.TRAINING, i, i, 0);
    }
    assertTrue(pipeline.flush(Duration.ofSeconds(10)), "a broken sink must not block a flush");
    assertTrue(pipeline.close(RunStatus.FINISHED, Duration.ofSeconds(10)));
    assertEquals(500, healthy.metrics.size());
    assertTrue(healthy.closed && broken.closed);
    assertEquals(Map.of("sink broken", 500L), failures.snapshot());
    assertEquals(500, pipeline.report().metricPoints());
  }

  @Test
  void dropPolicyCountsExactlyWhatItDrops() throws Exception {
    RecordingSink slow = new RecordingSink("slow", false);
    slow.gate = new CountDownLatch(1);
    EventPipeline pipeline = new EventPipeline("t", 64, OverflowPolicy.DROP, List.of(slow), new FailureCounts());
    int published = 0;
    for (int i = 0; i < 10_000; i++) {
      if (pipeline.publishMetric("m", Context.TRAINING, i, i, 0)) {
        published++;
      }
    }
    slow.gate.countDown();
    assertTrue(pipeline.close(RunStatus.FINISHED, Duration.ofSeconds(10)));
    assertTrue(published <= 65, "at most the ring (and the slot being handled) fits: " + published);
    assertEquals(published, slow.metrics.size());
    assertEquals(10_000 - published, pipeline.droppedMetricPoints());
    assertEquals(10_000 - published, slow.outcome.droppedMetricPoints());
  }

  @Test
  void blockPolicyWaitsAndLosesNothing() throws Exception {
    RecordingSink slow = new RecordingSink("slow", false);
    slow.gate = new CountDownLatch(1);
    EventPipeline pipeline = new EventPipeline("t", 64, OverflowPolicy.BLOCK, List.of(slow), new FailureCounts());
    Thread producer = new Thread(() -> {
      for (int i = 0; i < 1_000; i++) {
        pipeline.publishMetric("m", Context.TRAINING, i, i, 0);
      }
    });
    producer.start();
    producer.join(300);
    assertTrue(producer.isAlive(), "the producer waits while the ring is full");
    slow.gate.countDown();
    producer.join(TimeUnit.SECONDS.toMillis(10));
    assertTrue(pipeline.close(RunStatus.FINISHED, Duration.ofSeconds(10)));
    assertEquals(1_000, slow.metrics.size());
    assertEquals(0, pipeline.droppedMetricPoints());
  }
}
