package org.prov4ml.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    /** Counted down at each {@link #idle}. */
    volatile CountDownLatch idle;
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
    public void idle() {
      CountDownLatch i = idle;
      if (i != null) {
        i.countDown();
      }
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

  /** Follows durable progress and acknowledges barriers only when the test says so; records RUN_ATTRIBUTES. */
  static final class ManualReplica implements Replica {
    final List<Long> durable = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<Map.Entry<Barrier, Long>> waiting = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile java.util.function.Predicate<Map<String, String>> record;
    volatile RunOutcome closed;

    @Override
    public String name() {
      return "manual";
    }

    @Override
    public void start(java.util.function.Predicate<Map<String, String>> recordRunAttributes) {
      record = recordRunAttributes;
    }

    @Override
    public void durableThrough(long sequence) {
      durable.add(sequence);
    }

    @Override
    public void arriveWhenAcknowledged(Barrier barrier, long sequence) {
      waiting.add(Map.entry(barrier, sequence));
    }

    @Override
    public void close(RunOutcome outcome) {
      closed = outcome;
    }

    void acknowledgeAll() {
      waiting.forEach(w -> w.getKey().arrive(this));
    }
  }

  /** Keeps the RUN_ATTRIBUTES events it receives. */
  static final class AttributeSink implements Sink {
    final List<Map<?, ?>> attributes = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "attributes";
    }

    @Override
    public void accept(Event event) {
      if (event.kind() == EventKind.RUN_ATTRIBUTES) {
        attributes.add(event.payload(Map.class));
      }
    }

    @Override
    public void close(RunOutcome outcome) {}
  }

  @Test
  void aReplicaFollowsDurableProgressAndAFlushWaitsForItsAcknowledgement() throws Exception {
    RecordingSink local = new RecordingSink("local", false);
    ManualReplica replica = new ManualReplica();
    EventPipeline pipeline = new EventPipeline("t", 1024, OverflowPolicy.BLOCK, List.of(local), List.of(replica),
        new FailureCounts());
    for (int i = 0; i < 100; i++) {
      pipeline.publishMetric("m", Context.TRAINING, i, i, 0);
    }
    assertFalse(pipeline.flush(Duration.ofMillis(300)), "the replica has not acknowledged");
    assertEquals(100, local.metrics.size(), "the sink had everything before the barrier");
    Map.Entry<Barrier, Long> barrier = replica.waiting.get(0);
    assertEquals(100, barrier.getValue(), "the barrier's sequence follows the 100 points (0..99)");
    assertTrue(replica.durable.contains(100L), "the directory was durable through the barrier before it was handed over");
    replica.acknowledgeAll();
    Thread flusher = new Thread(() -> {
      try {
        pipeline.flush(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    flusher.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (replica.waiting.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    replica.acknowledgeAll();
    flusher.join(10_000);
    assertFalse(flusher.isAlive(), "acknowledged, the flush returns");
    assertTrue(pipeline.close(RunStatus.FINISHED, Duration.ofSeconds(10)));
    assertEquals(RunStatus.FINISHED, replica.closed.status());
    List<Long> seen = replica.durable;
    for (int i = 1; i < seen.size(); i++) {
      assertTrue(seen.get(i) > seen.get(i - 1), "durable progress only grows: " + seen);
    }
  }

  @Test
  void aReplicasAttributesReachTheSinksAsAnEventAndAreNotLateAfterTheEnd() throws Exception {
    AttributeSink local = new AttributeSink();
    ManualReplica replica = new ManualReplica();
    EventPipeline pipeline = new EventPipeline("t", 64, OverflowPolicy.BLOCK, List.of(local), List.of(replica),
        new FailureCounts());
    assertTrue(replica.record.test(Map.of("yprov:mlflow_run_id", "r1")));
    replica.acknowledgeAll();
    Thread ack = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        replica.acknowledgeAll();
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      }
    });
    ack.start();
    assertTrue(pipeline.flush(Duration.ofSeconds(10)));
    ack.interrupt();
    assertEquals(List.of(Map.of("yprov:mlflow_run_id", "r1")), local.attributes);
    assertTrue(pipeline.close(RunStatus.FINISHED, Duration.ofSeconds(10)));
    assertFalse(replica.record.test(Map.of("yprov:mlflow_run_id", "r2")), "the run has ended: refused at once");
    assertEquals(0, pipeline.report().lateEvents());
  }

  @Test
  void sinksHearThatTheRingIsQuiet() throws Exception {
    RecordingSink sink = new RecordingSink("quiet", false);
    CountDownLatch idle = new CountDownLatch(3);
    sink.idle = idle;
    EventPipeline pipeline = new EventPipeline("t", 64, OverflowPolicy.BLOCK, List.of(sink), new FailureCounts());
    pipeline.publishMetric("m", Context.TRAINING, 0, 0, 0);
    assertTrue(idle.await(10, TimeUnit.SECONDS), "idle() is called while nothing is published");
    assertTrue(pipeline.close(RunStatus.FINISHED, Duration.ofSeconds(10)));
    assertEquals(List.of("m@0"), sink.metrics);
  }
}
