package org.prov4ml.internal.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prov4ml.Context;
import org.prov4ml.Run;
import org.prov4ml.testing.MlflowEmulator;
import org.prov4ml.testing.MlflowEmulator.Fault;
import org.prov4ml.testing.MlflowEmulator.Point;

/**
 * The upload's logic against the in-JVM {@link MlflowEmulator}: binding, batching, the cursor, and what
 * happens to a batch whose outcome is unknown. The emulator keeps every point it receives, repeats
 * included, so "exactly once" is checked by the points themselves.
 */
class RunUploadTest extends EmulatedMlflowTest {

  private static final long T0 = 1_700_000_000_000L;

  /** A run recorded with no tracking URI: param lr, and the points of training/loss given as (step, value). */
  private Path recordOffline(String name, List<Point> loss) {
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(null), out, name, name);
    run.logParam("lr", 0.1);
    loss.forEach(p -> run.logMetric("loss", p.value(), Context.TRAINING, p.step(), false, p.timestamp()));
    run.close();
    return run.runDirectory();
  }

  private static List<Point> points(int from, int to, long t0) {
    List<Point> points = new ArrayList<>();
    for (int step = from; step < to; step++) {
      points.add(new Point(step, step / 10.0, t0 + step));
    }
    return points;
  }

  private RunUpload upload(Path runDir) {
    return new RunUpload(runDir, 0, MlflowTestRuns.syncSettings(mlflow.uri(), Map.of()));
  }

  private String onlyRun() {
    assertEquals(1, mlflow.runIds().size(), "runs on the server");
    return mlflow.runIds().get(0);
  }

  @Test
  void everythingArrivesOnceInRequestsOfAThousandPointsAndASecondFinishSendsNothing() throws Exception {
    List<Point> loss = points(0, 2500, T0);
    Path runDir = recordOffline("batches", loss);
    upload(runDir).finish(null);

    String runId = onlyRun();
    assertEquals(loss, mlflow.history(runId, "training/loss"));
    assertEquals(Map.of("lr", "0.1"), mlflow.params(runId));
    assertEquals("FINISHED", mlflow.status(runId));
    assertEquals(1 + 3, mlflow.requests("runs/log-batch"), "params and tags, then 1000 + 1000 + 500 points");
    UploadCursor cursor = UploadCursor.peek(runDir, 0);
    assertEquals(Map.of("loss_TRAINING_None_GR0.csv",
        Files.size(runDir.resolve("metrics_GR0/loss_TRAINING_None_GR0.csv"))), cursor.metricOffsets);
    assertNull(cursor.inFlight);
    assertEquals(2499, cursor.latestMetrics.get("training/loss").step);

    int requests = mlflow.requests("");
    upload(runDir).finish(null);
    // A new process first checks that the cursor's run is this upload's (the cursor is the directory's word).
    assertEquals(requests + 1, mlflow.requests(""), "a second finish sends nothing");
    assertEquals(1, mlflow.requests("GET /api/2.0/mlflow/runs/get"), "it only looked the run up");
  }

  @Test
  void aRunCreatedJustBeforeACrashIsFoundByItsUploadIdNotCreatedTwice() throws Exception {
    Path runDir = recordOffline("bind", points(0, 10, T0));
    mlflow.failNext("runs/create", Fault.APPLY_THEN_DROP); // created, but the answer never came
    assertThrows(MlflowUnavailableException.class, () -> upload(runDir).finish(null));
    UploadCursor cursor = UploadCursor.peek(runDir, 0);
    assertNotNull(cursor.uploadId);
    assertNull(cursor.runId);

    upload(runDir).finish(null);
    String runId = onlyRun();
    assertEquals(cursor.uploadId, mlflow.tags(runId).get(RunBinder.UPLOAD_ID_TAG));
    assertEquals(1, mlflow.requests("runs/create"));
    assertEquals(points(0, 10, T0), mlflow.history(runId, "training/loss"));
  }

  @Test
  void aBatchWhoseAnswerWasLostIsFoundOnTheServerByTheKeysLatestValueNotItsHistory() throws Exception {
    List<Point> loss = points(0, 2500, T0);
    Path runDir = recordOffline("answer-lost", loss);
    mlflow.failNext("runs/log-batch", 2, Fault.APPLY_THEN_DROP); // params and tags, points 0..999, then 1000..1999
    MlflowUnavailableException lost = assertThrows(MlflowUnavailableException.class, () -> upload(runDir).finish(null));
    assertTrue(lost.outcomeUnknown(), lost.getMessage());
    UploadCursor cursor = UploadCursor.peek(runDir, 0);
    assertEquals("training/loss", cursor.inFlight.witnessKey);
    assertEquals(1999, cursor.inFlight.witness.step);

    upload(runDir).finish(null);
    assertEquals(loss, mlflow.history(onlyRun(), "training/loss"), "every point once");
    assertEquals(0, mlflow.requests("metrics/get-history"), "the history was never asked for");
  }

  @Test
  void aBatchLostBeforeItArrivedIsSentAgain() throws Exception {
    List<Point> loss = points(0, 2500, T0);
    Path runDir = recordOffline("not-arrived", loss);
    mlflow.failNext("runs/log-batch", 2, Fault.DROP);
    assertThrows(MlflowUnavailableException.class, () -> upload(runDir).finish(null));

    upload(runDir).finish(null);
    assertEquals(loss, mlflow.history(onlyRun(), "training/loss"), "every point once");
    assertEquals(0, mlflow.requests("metrics/get-history"));
  }

  /** Steps 0..1499, then a second pass over steps 0..999 with later timestamps and other values. */
  private static List<Point> aSecondPassOverAnEpoch() {
    List<Point> loss = points(0, 1500, T0);
    for (int step = 0; step < 1000; step++) {
      loss.add(new Point(step, step / 10.0 + 1, T0 + 10_000 + step));
    }
    return loss;
  }

  /**
   * Uploads {@code loss} with the {@code batch}-th log-batch (0 is the params and tags) getting
   * {@code fault}, checks that its batch was in flight without a witness, then uploads again: every
   * point exactly once, found with {@code stepQueries} requests for the points at a step and
   * {@code historyQueries} for the history (which, when none is expected, fails if asked for).
   */
  private void assertReloggedBatchResolved(List<Point> loss, int batch, Fault fault, int stepQueries,
      int historyQueries) throws Exception {
    if (historyQueries == 0) {
      mlflow.failEvery("metrics/get-history", Fault.UNAVAILABLE); // the series' cost
    }
    Path runDir = recordOffline("steps-again", loss);
    mlflow.failNext("runs/log-batch", batch, fault);
    assertThrows(MlflowUnavailableException.class, () -> upload(runDir).finish(null));
    assertNull(UploadCursor.peek(runDir, 0).inFlight.witnessKey, "the batch moves no key forward");

    upload(runDir).finish(null);
    assertEquals(loss, mlflow.history(onlyRun(), "training/loss"), "every point once");
    assertEquals(stepQueries, mlflow.requests("metrics/get-history-bulk-interval"), "requests for a step's points");
    assertEquals(historyQueries, mlflow.requests("metrics/get-history"), "requests for the history");
  }

  // Batches: params and tags; 0..999; 1000..1499 and the second 0..499; the second 500..999 moves nothing.

  @Test
  void aBatchThatMovesNoKeyForwardIsFoundAtItsStepNotInTheHistory() throws Exception {
    assertReloggedBatchResolved(aSecondPassOverAnEpoch(), 3, Fault.APPLY_THEN_DROP, 1, 0);
  }

  @Test
  void aBatchThatMovesNoKeyForwardAndNeverArrivedIsSentAgain() throws Exception {
    assertReloggedBatchResolved(aSecondPassOverAnEpoch(), 3, Fault.DROP, 1, 0);
  }

  /**
   * 2,999 points at step 0 and one at step 1, then 1,000 more at step 0: the last batch moves nothing,
   * and its step holds more points than one answer gives. Batches: params and tags; three of the first
   * 3,000 points; the second pass at step 0.
   */
  private static List<Point> aCrowdedStepLoggedAgain(long firstPass, long secondPass) {
    List<Point> loss = new ArrayList<>();
    for (int i = 0; i < 2999; i++) {
      loss.add(new Point(0, i, firstPass + i));
    }
    loss.add(new Point(1, 0, firstPass + 5000));
    for (int i = 0; i < 1000; i++) {
      loss.add(new Point(0, -i, secondPass + i));
    }
    return loss;
  }

  @Test
  void aCrowdedStepsSampledPointsKeepItsLastOneTheBatchs() throws Exception {
    assertReloggedBatchResolved(aCrowdedStepLoggedAgain(T0, T0 + 10_000), 4, Fault.APPLY_THEN_DROP, 1, 0);
  }

  @Test
  void aCrowdedStepIsAskedForItsLastPointAloneWhenTheBatchsIsNotAmongTheSampled() throws Exception {
    // 2,500 of the step's 2,999 points, then its last: older than the batch's.
    assertReloggedBatchResolved(aCrowdedStepLoggedAgain(T0, T0 + 10_000), 4, Fault.DROP, 2, 0);
  }

  @Test
  void whatTheStepCannotTellTheHistoryStillDoes() throws Exception {
    // The second pass carries older timestamps than the first (logged with explicit ones): the step's
    // last point is not the batch's, and the 2,500 sampled do not include it.
    assertReloggedBatchResolved(aCrowdedStepLoggedAgain(T0 + 10_000, T0), 4, Fault.APPLY_THEN_DROP, 2, 1);
  }

  @Test
  void aServerThatAnswersWithEveryPointAtTheStepAsMlflow2_17Does() throws Exception {
    mlflow.bulkIntervalAsIn2_17();
    assertReloggedBatchResolved(aSecondPassOverAnEpoch(), 3, Fault.DROP, 1, 0);
  }

  @Test
  void aCrowdedStepOnAServerThatAnswersWithAllOfItsPoints() throws Exception {
    mlflow.bulkIntervalAsIn2_17(); // all 3,999 points of step 0 at once
    assertReloggedBatchResolved(aCrowdedStepLoggedAgain(T0, T0 + 10_000), 4, Fault.APPLY_THEN_DROP, 1, 0);
  }

  @Test
  void aCrowdedStepOnAServerThatDoesNotSampleRowsFallsBackToTheHistory() throws Exception {
    mlflow.bulkIntervalAsIn2_17(); // 2,999 points, then the same again
    assertReloggedBatchResolved(aCrowdedStepLoggedAgain(T0, T0 + 10_000), 4, Fault.DROP, 2, 1);
  }

  @Test
  void aServerWithoutTheEndpointIsAskedForTheHistory() throws Exception {
    mlflow.failEvery("metrics/get-history-bulk-interval", Fault.NOT_FOUND);
    assertReloggedBatchResolved(aSecondPassOverAnEpoch(), 3, Fault.APPLY_THEN_DROP, 1, 1);
  }

  @Test
  void aRunResumedWithMlflowRunIdNeedsABatchToPassItsLatestValues() throws Exception {
    Path first = recordOffline("first", points(0, 1500, T0));
    upload(first).finish(null);
    String runId = onlyRun();
    // The same run id again, from a second recording whose steps are behind the run's latest one.
    List<Point> again = points(0, 1200, T0 + 50_000);
    Path second = recordOffline("second", again);
    RunUpload resumed = new RunUpload(second, 0, MlflowTestRuns.syncSettings(mlflow.uri(),
        Map.of("MLFLOW_RUN_ID", runId)));
    mlflow.failNext("runs/log-batch", 1, Fault.APPLY_THEN_DROP);
    assertThrows(MlflowUnavailableException.class, () -> resumed.finish(null));
    assertNull(UploadCursor.peek(second, 0).inFlight.witnessKey, "step 999 is behind the run's step 1499");

    // The run is the user's, not this upload's: only MLFLOW_RUN_ID, the user's word, lets a later process in.
    assertThrows(org.prov4ml.rundir.RunDirectoryException.class, () -> upload(second).finish(null));
    new RunUpload(second, 0, MlflowTestRuns.syncSettings(mlflow.uri(), Map.of("MLFLOW_RUN_ID", runId))).finish(null);
    List<Point> expected = points(0, 1500, T0);
    expected.addAll(again);
    assertEquals(expected, mlflow.history(runId, "training/loss"));
  }
}
