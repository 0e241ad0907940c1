package org.prov4ml.internal.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.RunStatus;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.testing.MlflowRest.Point;

/**
 * A relaunched job continues its MLflow run on the real server: back to RUNNING, then the last attempt's status,
 * every point once, and a {@code sync} of the continued run changes nothing more.
 */
class ResumedRunMlflowTest extends RealMlflowServerTest {

  private Run start(Properties settings, String experiment, RunOptions.Resume resume) {
    Prov4mlConfig.replace(Prov4mlConfig.load(settings, Map.of(), null));
    return Prov4ml.startRun(RunOptions.builder().experimentName(experiment).outputDir(out).runId("job-9")
        .resume(resume).build());
  }

  private static void attempt(Run run, int from, int points) {
    for (int i = 0; i < points; i++) {
      run.logMetric("loss", from + i, Context.TRAINING, org.prov4ml.internal.run.RecordedRun.NEXT_STEP, false, 1_700_000_000_000L + from + i);
    }
  }

  @Test
  void theSameMlflowRunContinuesBackToRunningThenTheLastAttemptsStatus() throws Exception {
    Properties settings = MlflowTestRuns.settings(server.uri());
    Run first = start(settings, "resume-live", RunOptions.Resume.AUTO);
    first.logParam("batch", 32);
    attempt(first, 0, 5);
    first.end(RunStatus.FAILED);
    String runId = MlflowTestRuns.cursor(first).runId;
    assertEquals("FAILED", rest.run(runId).path("info").path("status").asText());

    Run second = start(settings, "resume-live", RunOptions.Resume.ALWAYS);
    assertEquals(first.runDirectory(), second.runDirectory());
    second.logParam("batch", 64);
    attempt(second, 100, 3);
    second.flush(); // the server has everything logged so far
    assertEquals(runId, MlflowTestRuns.cursor(second).runId, "the same MLflow run");
    assertEquals("RUNNING", rest.run(runId).path("info").path("status").asText());
    second.end(RunStatus.FINISHED);

    assertEquals("FINISHED", rest.run(runId).path("info").path("status").asText());
    List<Point> loss = rest.history(runId, "training/loss");
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), loss.stream().map(Point::step).sorted().toList());
    assertEquals(Map.of("batch", "32", "attempt2.batch", "64"), rest.params(runId));

    MlflowReplica.Result again = MlflowTestRuns.sync(second.runDirectory(), server.uri(), Map.of());
    assertTrue(again.complete(), again.lastError());
    assertEquals(8, rest.history(runId, "training/loss").size(), "sync sends no point twice");
    assertEquals("FINISHED", rest.run(runId).path("info").path("status").asText());
  }

  @Test
  void anAttemptRecordedOfflineReopensTheRunAtSyncOnceOnly() throws Exception {
    Run first = start(MlflowTestRuns.settings(server.uri()), "resume-sync", RunOptions.Resume.AUTO);
    attempt(first, 0, 4);
    first.end(RunStatus.KILLED);
    String runId = MlflowTestRuns.cursor(first).runId;

    Run second = start(MlflowTestRuns.settings(null), "resume-sync", RunOptions.Resume.ALWAYS);
    attempt(second, 100, 6);
    second.end(RunStatus.FINISHED);
    Path runDir = second.runDirectory();
    assertEquals("KILLED", rest.run(runId).path("info").path("status").asText());

    for (int sync = 1; sync <= 2; sync++) {
      MlflowReplica.Result result = MlflowTestRuns.sync(runDir, server.uri(), Map.of());
      assertTrue(result.complete(), result.lastError());
      assertEquals(runId, result.runId());
      assertEquals("FINISHED", rest.run(runId).path("info").path("status").asText());
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L),
          rest.history(runId, "training/loss").stream().map(Point::step).sorted().toList(), "sync " + sync);
    }
  }
}
