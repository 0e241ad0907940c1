package org.prov4ml.internal.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Prov4ml;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.mlflow.MlflowTracking.RunRef;
import org.prov4ml.rundir.RunActivity;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.MlflowServer;

class JobParentRunTest {

  @TempDir Path out;

  /** Four ranks that bind at the same instant: however many parents they create, one stays, and all agree on it. */
  @Test
  void ranksRacingToCreateTheParentEndUnderOne() throws Exception {
    // Rank 3: it ends without waiting for the others, as rank 0 would to merge.
    Prov4ml.startRun(RunOptions.builder().experimentName("race").outputDir(out).runId("r1").rank(3).worldSize(4)
        .build()).close();
    RunActivity run = RunDirectory.open(out.resolve("race_r1")).run();
    try (MlflowServer server = MlflowServer.start()) {
      MlflowSettings settings = MlflowTestRuns.syncSettings(server.uri(), Map.of());
      String experimentId = new MlflowTracking(new MlflowHttp(settings)).experimentId("race");
      int ranks = 4;
      ExecutorService pool = Executors.newFixedThreadPool(ranks);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> chosen = new ArrayList<>();
      for (int i = 0; i < ranks; i++) {
        MlflowTracking tracking = new MlflowTracking(new MlflowHttp(settings)); // each rank its own connection
        chosen.add(pool.submit(() -> {
          go.await();
          return JobParentRun.resolve(tracking, experimentId, run).runId();
        }));
      }
      go.countDown();
      Set<String> atStart = new TreeSet<>();
      for (Future<String> f : chosen) {
        atStart.add(f.get());
      }
      pool.shutdown();

      // What each rank does at its end: resolve again and point its child there.
      MlflowTracking tracking = new MlflowTracking(new MlflowHttp(settings));
      List<RunRef> active = tracking.runsByTag(experimentId, JobParentRun.JOB_TAG, "race_r1");
      assertEquals(1, active.size(), "one parent stays, duplicates deleted: " + active);
      Set<String> atEnd = new TreeSet<>();
      for (int i = 0; i < ranks; i++) {
        atEnd.add(JobParentRun.resolve(tracking, experimentId, run).runId());
      }
      assertEquals(Set.of(active.get(0).runId()), atEnd);
      assertEquals(true, atStart.contains(active.get(0).runId()), "the survivor is one a rank chose: " + atStart);
      assertEquals("race_r1", server.rest().run(active.get(0).runId()).path("info").path("run_name").asText());
    }
  }
}
