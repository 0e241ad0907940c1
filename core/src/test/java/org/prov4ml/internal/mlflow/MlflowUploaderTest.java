package org.prov4ml.internal.mlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.prov4ml.Context;
import org.prov4ml.Run;
import org.prov4ml.rundir.RunActivity;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.MlflowEmulator;

/**
 * The live uploader and {@code sync} against the in-JVM {@link MlflowEmulator}: a replica that follows
 * the run directory's durable progress, releases flushes once the server has everything before them,
 * and leaves the PROV document to its one writer.
 */
class MlflowUploaderTest extends EmulatedMlflowTest {

  private static final long T0 = 1_700_000_000_000L;

  /** Settings whose upload interval is an hour: only a flush, a full request or the end sends anything. */
  private Properties slow() {
    Properties settings = MlflowTestRuns.settings(mlflow.uri());
    settings.setProperty("prov4ml.mlflow.upload-interval", "1h");
    return settings;
  }

  private String onlyRun() {
    assertEquals(1, mlflow.runIds().size(), "runs on the server");
    return mlflow.runIds().get(0);
  }

  @Test
  void aFlushReturnsOnceTheServerHasEverythingLoggedBeforeIt() throws Exception {
    Run run = MlflowTestRuns.start(slow(), out, "flush", "flush");
    run.logParam("lr", 0.1);
    for (int step = 0; step < 10; step++) {
      run.logMetric("loss", step, Context.TRAINING, step, false, T0 + step);
    }
    run.flush();
    String runId = onlyRun();
    assertEquals(10, mlflow.history(runId, "training/loss").size());
    assertEquals(Map.of("lr", "0.1"), mlflow.params(runId));
    run.logMetric("loss", 10, Context.TRAINING, 10, true, T0 + 10); // synchronous = true is a flush too
    assertEquals(11, mlflow.history(runId, "training/loss").size());
    run.close();
    assertEquals("FINISHED", mlflow.status(runId));
  }

  @Test
  void theMlflowIdsReachTheDocumentThroughItsWriter() throws Exception {
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(mlflow.uri()), out, "ids", "ids");
    run.logMetric("loss", 1, Context.TRAINING, 0, true, T0);
    run.close();
    String runId = onlyRun();
    RunActivity activity = RunDirectory.open(run.runDirectory()).run();
    assertEquals(runId, activity.attribute("yprov:mlflow_run_id").orElseThrow());
    assertEquals(mlflow.uri(), activity.attribute("yprov:mlflow_tracking_uri").orElseThrow());
    String experiment = activity.attribute("yprov:mlflow_experiment_id").orElseThrow();
    assertEquals(mlflow.uri() + "/#/experiments/" + experiment + "/runs/" + runId + "?workflowType=machine_learning",
        activity.attribute("yprov:mlflow_run_url").orElseThrow());
    assertEquals(runId, MlflowTestRuns.cursor(run).runId);
    // The document went to MLflow as it ended: with the ids and the end.
    byte[] uploaded = mlflow.artifacts().get(experiment + "/" + runId + "/artifacts/prov4ml/"
        + run.provenanceFile().getFileName());
    assertArrayEquals(Files.readAllBytes(run.provenanceFile()), uploaded);
  }

  @Test
  void aFullRequestsWorthOfPointsIsSentWithoutAFlushOrTheInterval() throws Exception {
    Run run = MlflowTestRuns.start(slow(), out, "full", "full");
    run.logMetric("warm-up", 0, Context.TRAINING, 0, true, T0); // binds the run
    String runId = onlyRun();
    for (int step = 0; step < LogBatchRequest.MAX_METRICS; step++) {
      run.logMetric("loss", step, Context.TRAINING, step, false, T0 + step);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (mlflow.history(runId, "training/loss").size() < LogBatchRequest.MAX_METRICS
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(LogBatchRequest.MAX_METRICS, mlflow.history(runId, "training/loss").size());
    run.close();
  }

  @Test
  void syncOfAnEndedRunLeavesItsDocumentAsItIsAndKeepsTheIdsInItsCursor() throws Exception {
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(null), out, "offline", "offline");
    run.logMetric("loss", 1, Context.TRAINING, 0, false, T0);
    run.close();
    byte[] before = Files.readAllBytes(run.provenanceFile());
    MlflowReplica.Result result = MlflowTestRuns.sync(run.runDirectory(), mlflow.uri(), Map.of());
    assertTrue(result.complete(), result.toString());
    assertEquals(List.of(onlyRun()), result.runIds());
    assertArrayEquals(before, Files.readAllBytes(run.provenanceFile()), "the ended run's document is not rewritten");
    UploadCursor cursor = MlflowTestRuns.cursor(run);
    assertEquals(onlyRun(), cursor.runId);
    assertEquals(mlflow.uri(), cursor.trackingUri);
  }

  @Test
  void anIncompleteRunIsFailedInMlflowAndItsTagSaysWhatIsMissing() throws Exception {
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(null), out, "incomplete", "incomplete");
    run.logMetric("loss", 1, Context.TRAINING, 0, false, T0);
    run.close();
    // What a run that lost data records (written here by hand: a full disk is another test's).
    String missing = "18745 metric points of training/loss not written to " + run.runDirectory() + ": No space left";
    ObjectMapper json = new ObjectMapper();
    ObjectNode doc = (ObjectNode) json.readTree(run.provenanceFile().toFile());
    ObjectNode activity = (ObjectNode) doc.path("activity").path("incomplete_GR0_" + run.runId());
    activity.put("yprov:status", "INCOMPLETE").put(RunActivity.INCOMPLETE_ATTRIBUTE, missing);
    json.writeValue(run.provenanceFile().toFile(), doc);

    assertTrue(MlflowTestRuns.sync(run.runDirectory(), mlflow.uri(), Map.of()).complete());
    String runId = onlyRun();
    assertEquals("FAILED", mlflow.status(runId));
    assertEquals(missing, mlflow.tags(runId).get(RunUpload.INCOMPLETE_TAG));
  }

  /**
   * The path of a point from the uploader learning of it to the HTTP send, measured: while the server holds the
   * request, the uploader thread's stack is read, and the frames of prov4ml's own code counted from its loop.
   */
  @Test
  void fromLearningOfAPointToItsSendIsAtMostTenCallsOfOurOwnCode() throws Exception {
    Run run = MlflowTestRuns.start(slow(), out, "depth", "depth");
    run.logParam("lr", 0.1);
    run.flush(); // bound: the run exists on the server, so the next send is the points'
    java.util.concurrent.CountDownLatch release = mlflow.holdNext("runs/log-batch");
    run.logMetric("loss", 1, Context.TRAINING);
    Thread flusher = new Thread(run::flush);
    flusher.start();
    List<String> ours = null;
    for (int tries = 0; tries < 200 && ours == null; tries++) {
      for (var entry : Thread.getAllStackTraces().entrySet()) {
        List<String> frames = java.util.Arrays.stream(entry.getValue()).map(f -> f.getClassName() + "." + f.getMethodName())
            .toList();
        int send = -1;
        for (int i = 0; i < frames.size(); i++) {
          if (frames.get(i).startsWith(MlflowHttp.class.getName() + ".") && send < 0) {
            send = i;
          }
        }
        int loop = frames.indexOf(MlflowUploader.class.getName() + ".loop");
        if (send >= 0 && loop > send) {
          ours = frames.subList(send, loop + 1).stream().filter(f -> f.startsWith("org.prov4ml.")).toList();
        }
      }
      if (ours == null) {
        Thread.sleep(50);
      }
    }
    release.countDown();
    flusher.join();
    run.close();
    assertTrue(ours != null, "the uploader was seen inside its send");
    System.out.println("calls of our own code from the uploader's loop to the HTTP send: " + ours.size() + " " + ours);
    assertTrue(ours.size() <= 10, ours.size() + " calls: " + ours);
  }
}
