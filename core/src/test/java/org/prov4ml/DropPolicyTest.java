package org.prov4ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prov4ml.testing.ReadBack.points;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.config.OverflowPolicy;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.pipeline.Event;
import org.prov4ml.internal.pipeline.RunOutcome;
import org.prov4ml.internal.pipeline.Sink;
import org.prov4ml.internal.run.RecordedRun;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.ReadBack;

/** Under the drop policy a run records exactly what it did not drop, and says how many it dropped. */
class DropPolicyTest {

  @TempDir Path out;

  /** Holds the drainer on the first event until released, so the ring fills up. */
  static final class GateSink implements Sink {
    final CountDownLatch open = new CountDownLatch(1);

    @Override
    public String name() {
      return "gate";
    }

    @Override
    public void accept(Event event) throws InterruptedException {
      open.await();
    }

    @Override
    public void close(RunOutcome outcome) {}
  }

  @Test
  void recordedPlusDroppedIsEverythingLogged() throws Exception {
    Prov4mlConfig config = Prov4mlConfig.load(new java.util.Properties(), java.util.Map.of(), null)
        .with(ConfigKeys.BUFFER_SIZE, 64).with(ConfigKeys.BUFFER_OVERFLOW, OverflowPolicy.DROP);
    GateSink gate = new GateSink();
    Run run = RecordedRun.start(RunOptions.builder().experimentName("drop").outputDir(out).build(), config,
        (info, local, failures) -> List.of(local, gate));
    for (int i = 0; i < 5_000; i++) {
      run.logMetric("loss", i, Context.TRAINING);
    }
    gate.open.countDown();
    run.close();

    RunDirectory dir = RunDirectory.open(run.runDirectory());
    int recorded = points(dir, "loss", Context.TRAINING).size();
    long dropped = run.report().droppedMetricPoints();
    assertTrue(dropped > 0, "the ring of 64 must have overflowed");
    assertEquals(5_000, recorded + dropped);
    var droppedMetric = points(dir, RecordedRun.DROPPED_EVENTS_METRIC, Context.SYSTEM);
    assertEquals(1, droppedMetric.size());
    assertEquals(dropped, (long) droppedMetric.get(0).value());
  }
}
