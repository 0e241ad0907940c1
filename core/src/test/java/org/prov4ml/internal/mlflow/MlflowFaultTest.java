package org.prov4ml.internal.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.prov4ml.Context;
import org.prov4ml.Run;
import org.prov4ml.internal.cli.Prov4mlCli;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.format.RunLayout;
import org.prov4ml.internal.run.RecordedRun;
import org.prov4ml.testing.FaultyProxy.Mode;
import org.prov4ml.testing.FaultyProxy;
import org.prov4ml.testing.MlflowRest.Point;
import org.prov4ml.testing.MlflowRest;
import org.prov4ml.testing.MlflowServer;
import org.prov4ml.testing.ProgramUploadingALongSeries;
import org.prov4ml.testing.PythonEnv;

/** Outages, failing servers, offline runs: each ends with exactly what was logged on the server. */
class MlflowFaultTest extends RealMlflowServerTest {

  private static final long T0 = 1_700_000_000_000L;

  /** Logs points [from, to) of training/loss with value = step / 10 and timestamp T0 + step. */
  private static List<Point> logLoss(Run run, int from, int to) {
    List<Point> points = new ArrayList<>();
    for (int step = from; step < to; step++) {
      run.logMetric("loss", step / 10.0, Context.TRAINING, step, false, T0 + step);
      points.add(new Point(step, step / 10.0, T0 + step));
    }
    return points;
  }

  /** A run recorded with no tracking URI: param lr = 0.1 and {@code points} points of training/loss. */
  private record OfflineRun(Run run, List<Point> loss) {}

  private OfflineRun recordOffline(String experiment, int points) {
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(null), out, experiment, experiment);
    run.logParam("lr", 0.1);
    List<Point> loss = logLoss(run, 0, points);
    run.close();
    return new OfflineRun(run, loss);
  }

  private static String runIdOf(Run run) throws Exception {
    return MlflowTestRuns.cursor(run).runId;
  }

  private static void assertFinishedWith(String runId, List<Point> loss) throws Exception {
    assertFinishedWith(rest, runId, loss);
  }

  private static void assertFinishedWith(MlflowRest on, String runId, List<Point> loss) throws Exception {
    assertEquals("FINISHED", on.run(runId).path("info").path("status").asText());
    assertEquals(Map.of("lr", "0.1"), on.params(runId));
    MlflowUploadTest.assertHistory(loss, on.history(runId, "training/loss"));
  }

  @Test
  void serverDownAtStartGetsTheRunWhenItAppears() throws Exception {
    try (MlflowServer late = MlflowServer.notStarted()) {
      Run run = MlflowTestRuns.start(MlflowTestRuns.settings(late.uri()), out, "late-server", "late");
      run.logParam("lr", 0.1);
      List<Point> loss = logLoss(run, 0, 3000);
      Thread.sleep(1500); // the uploader is retrying against a closed port
      UploadCursor before = MlflowTestRuns.cursor(run);
      assertNull(before == null ? null : before.runId, "no MLflow run can exist yet");
      late.startProcess();
      loss.addAll(logLoss(run, 3000, 4000));
      run.close();
      assertFinishedWith(late.rest(), runIdOf(run), loss);
    }
  }

  @Test
  void anUploadCutShortAtTheRunsEndIsCountedAndFinishedBySync() throws Exception {
    try (MlflowServer late = MlflowServer.notStarted()) {
      Properties settings = MlflowTestRuns.settings(late.uri());
      settings.setProperty("prov4ml.mlflow.flush-timeout", "1s");
      Run run = MlflowTestRuns.start(settings, out, "cut-short", "cut short");
      run.logParam("lr", 0.1);
      List<Point> loss = logLoss(run, 0, 2222);
      long start = System.nanoTime();
      run.close();
      assertTrue(System.nanoTime() - start < 10_000_000_000L, "the end waited about flush-timeout, not more");
      UploadBacklog left = UploadBacklog.of(run.runDirectory(), 0, false);
      assertEquals(new UploadBacklog(2222, 1, 3, 0, 0, true, 0), left);

      late.startProcess();
      assertEquals(0, cli("sync", run.runDirectory().toString())); // the URI recorded by the cut-short upload
      assertFinishedWith(late.rest(), runIdOf(run), loss);
    }
  }

  @Test
  void serverKilledMidRunAndRestartedLosesNothing() throws Exception {
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(server.uri()), out, "killed-server", "killed");
    run.logParam("lr", 0.1);
    List<Point> loss = logLoss(run, 0, 2000);
    run.flush();
    server.stop();
    loss.addAll(logLoss(run, 2000, 5000));
    Thread.sleep(1000);
    server.startProcess();
    loss.addAll(logLoss(run, 5000, 6000));
    run.close();
    assertFinishedWith(runIdOf(run), loss);
  }

  @Test
  void serverAnswering500Then429IsRetriedUntilItRecovers() throws Exception {
    try (FaultyProxy proxy = new FaultyProxy(server.uri())) {
      Run run = MlflowTestRuns.start(MlflowTestRuns.settings(proxy.uri()), out, "faulty-server", "faulty");
      run.logParam("lr", 0.1);
      List<Point> loss = logLoss(run, 0, 1500);
      run.flush();
      proxy.mode(Mode.FAIL_500);
      loss.addAll(logLoss(run, 1500, 3000));
      Thread.sleep(1200);
      proxy.mode(Mode.FAIL_429);
      loss.addAll(logLoss(run, 3000, 4500));
      Thread.sleep(1200);
      proxy.mode(Mode.PASS);
      run.close();
      assertTrue(proxy.count(Mode.FAIL_500, "POST", "/runs/log-batch") > 0, "500s were answered");
      assertTrue(proxy.count(Mode.FAIL_429, "POST", "/runs/log-batch") > 0, "429s were answered");
      assertEquals(4500, proxy.metricPointsDelivered(), "every point delivered exactly once");
      assertFinishedWith(runIdOf(run), loss);
    }
  }

  @Test
  void offlineRunIsSyncedAndASecondSyncSendsNothing() throws Exception {
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(null), out, "offline", "offline");
    run.logParam("lr", 0.1);
    List<Point> loss = logLoss(run, 0, 2500);
    Path artifact = Files.writeString(out.resolve("model.txt"), "weights");
    run.logArtifact(artifact);
    run.close();
    Path runDir = run.runDirectory();
    assertFalse(Files.exists(UploadCursor.fileOf(runDir, 0)), "nothing was uploaded");

    try (FaultyProxy proxy = new FaultyProxy(server.uri())) {
      assertEquals(0, cli("sync", runDir.toString(), "--tracking-uri", proxy.uri()));
      assertEquals(2500, proxy.metricPointsDelivered());
      String runId = runIdOf(run);
      assertFinishedWith(runId, loss);
      Map<String, Long> artifacts = rest.artifacts(runId);
      assertEquals(7L, artifacts.get("model.txt"));
      assertTrue(artifacts.containsKey("prov4ml/" + run.provenanceFile().getFileName()), artifacts.toString());

      long batches = proxy.count(Mode.PASS, "POST", "/runs/log-batch");
      assertEquals(artifacts.size(), proxy.count(Mode.PASS, "PUT", ""), "each artifact sent once");

      assertEquals(0, cli("sync", runDir.toString(), "--tracking-uri", proxy.uri()));
      assertEquals(batches, proxy.count(Mode.PASS, "POST", "/runs/log-batch"), "the second sync sent no batch");
      assertEquals(artifacts.size(), proxy.count(Mode.PASS, "PUT", ""), "the second sync sent no artifact");
      assertEquals(1, proxy.count(Mode.PASS, "POST", "/runs/create"));
      assertEquals(1, proxy.count(Mode.PASS, "POST", "/runs/update"), "terminated once");
      assertFinishedWith(runId, loss);
    }
  }

  @Test
  void aBatchInFlightAtACrashIsNeitherLostNorSentTwice() throws Exception {
    OfflineRun offline = recordOffline("in-flight", 1500);
    Run run = offline.run();
    List<Point> loss = offline.loss();
    Path runDir = run.runDirectory();
    assertTrue(MlflowTestRuns.sync(runDir, server.uri(), Map.of()).complete());
    RunLayout layout = RunLayout.open(runDir);
    String csv = layout.metricFile("loss", Context.TRAINING.name()).getFileName().toString();
    long end = Files.size(layout.metricsDir().resolve(csv));
    long after1000 = MlflowTestRuns.offsetAfterRows(layout.metricsDir().resolve(csv), 1000);

    // The process died after the server applied rows 1000..1499 and before the cursor said so.
    rewindWithBatchInFlight(layout, csv, after1000, end, 1499);
    try (FaultyProxy proxy = new FaultyProxy(server.uri())) {
      assertTrue(MlflowTestRuns.sync(runDir, proxy.uri(), Map.of()).complete());
      assertEquals(0, proxy.metricPointsDelivered(), "the batch was found on the server, not sent again");
      assertEquals(0, proxy.count(Mode.PASS, "GET", "/metrics/get-history"), "found without the history");
    }
    // The process died before the batch reached the server: the key's latest value is behind the batch's
    // last point, so the batch is sent. (The sqlite store drops a point it already has; the proxy counts it.)
    rewindWithBatchInFlight(layout, csv, after1000, end, 99_999);
    try (FaultyProxy proxy = new FaultyProxy(server.uri())) {
      assertTrue(MlflowTestRuns.sync(runDir, proxy.uri(), Map.of()).complete());
      assertEquals(500, proxy.metricPointsDelivered(), "the batch that had not arrived is sent");
      assertEquals(0, proxy.count(Mode.PASS, "GET", "/metrics/get-history"), "found without the history");
    }
    assertFinishedWith(runIdOf(run), loss);
  }

  /** A forked program SIGKILLed while its cursor showed a batch in flight. */
  private record Killed(Path runDir, UploadCursor cursor, long deliveredAtKill) {}

  /**
   * Runs {@link ProgramUploadingALongSeries} with {@code args} through {@code proxy} and SIGKILLs it
   * once {@code minDelivered} points have arrived and its cursor shows a batch in flight that
   * {@code inFlight} accepts.
   */
  private Killed killWithABatchInFlight(FaultyProxy proxy, String experiment, long minDelivered,
      Predicate<UploadCursor.InFlight> inFlight, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dprov4ml.output-dir=" + out, "-Dprov4ml.experiment-name=" + experiment,
        "-Dprov4ml.mlflow.tracking-uri=" + proxy.uri(), "-cp", System.getProperty("java.class.path"),
        ProgramUploadingALongSeries.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(out.resolve("program.log").toFile()).start();
    Path runDir = null;
    UploadCursor cursor = null;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    try {
      while (System.nanoTime() < deadline) {
        if (runDir == null) {
          try (var dirs = Files.list(out)) {
            runDir = dirs.filter(d -> d.getFileName().toString().startsWith(experiment + "_")).findFirst()
                .orElse(null);
          }
        }
        cursor = runDir == null || proxy.metricPointsDelivered() < minDelivered ? null : UploadCursor.peek(runDir, 0);
        if (cursor != null && cursor.inFlight != null && inFlight.test(cursor.inFlight)) {
          break;
        }
        Thread.sleep(20);
      }
    } finally {
      p.destroyForcibly(); // SIGKILL: no shutdown hook, no end of the run
      p.waitFor();
    }
    assertTrue(cursor != null && cursor.inFlight != null && inFlight.test(cursor.inFlight), "killed while the "
        + "cursor showed the batch in flight; delivered " + proxy.metricPointsDelivered() + "\n"
        + Files.readString(out.resolve("program.log")));
    Thread.sleep(500); // a request the proxy was forwarding when the client died still reaches the server
    return new Killed(runDir, cursor, proxy.metricPointsDelivered());
  }

  /** The MLflow run a {@code sync} finished, and how long it took. */
  private record Synced(String runId, long millis) {}

  /** {@code sync} with a 1 s request timeout, which must finish the killed run. */
  private static Synced syncWithAOneSecondRequestTimeout(Path runDir, FaultyProxy proxy) throws Exception {
    long start = System.nanoTime();
    Properties settings = MlflowTestRuns.settings(proxy.uri());
    settings.setProperty("prov4ml.mlflow.request-timeout", "1s");
    MlflowReplica.Result result = MlflowReplica.sync(runDir, MlflowSettings.from(
        Prov4mlConfig.load(settings, Map.of(), null), Map.of(), proxy.uri()), Duration.ofMinutes(2));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(result.complete() && result.left().isEmpty(), result.toString());
    String runId = result.runIds().get(0);
    assertEquals("KILLED", rest.run(runId).path("info").path("status").asText());
    return new Synced(runId, millis);
  }

  /** One row of numbers about the run's training/loss in the server's store: {@code select} is its columns. */
  private static String storeHolds(String runId, String select) throws Exception {
    return PythonEnv.runScript("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(*c.execute("
        + "\"select " + select + " from metrics where run_uuid = ? and key = 'training/loss'\", (sys.argv[2],))"
        + ".fetchone())", 60, server.database().toString(), runId)
        .requireSuccess("count the server's points").stdout().strip();
  }

  /**
   * Issue 8's case: a series long enough that its history cannot be downloaded within the request
   * timeout, a process killed while a batch is in flight, and sync with a 1 s request timeout.
   */
  @Test
  void aProcessKilledWithABatchInFlightOnALongSeriesIsSyncedWithAOneSecondRequestTimeout() throws Exception {
    int points = 250_000;
    try (FaultyProxy proxy = new FaultyProxy(server.uri())) {
      Killed killed = killWithABatchInFlight(proxy, "long-series", 200_000, f -> true, Integer.toString(points));
      Synced synced = syncWithAOneSecondRequestTimeout(killed.runDir(), proxy);
      String runId = synced.runId();
      assertEquals(points, proxy.metricPointsDelivered(), "every point delivered exactly once, live and by sync");
      assertEquals(0, proxy.count(Mode.PASS, "GET", "/metrics/get-history"), "no history was downloaded");
      assertEquals(points + " " + points + " 0 " + (points - 1),
          storeHolds(runId, "count(*), count(distinct step), min(step), max(step)"), "the server holds every point once");
      long historyStart = System.nanoTime();
      int history = rest.history(runId, "training/loss").size();
      System.out.printf("long series: killed at %d points delivered (cursor %d bytes, a batch in flight); sync "
          + "with a 1 s request timeout took %d ms; get-history of the %d points takes %d ms%n",
          killed.deliveredAtKill(), killed.cursor().metricOffsets.values().stream().mapToLong(Long::longValue).sum(),
          synced.millis(), history, (System.nanoTime() - historyStart) / 1_000_000);
    }
  }

  /**
   * The same with a batch that moves no key forward: the last epoch's 50,000 steps logged a second
   * time, killed while one of their batches was in flight. It is found among the points at its step.
   */
  @Test
  void aProcessKilledWhileSendingStepsLoggedAgainIsSyncedWithAOneSecondRequestTimeout() throws Exception {
    int points = 200_000;
    int again = 50_000;
    try (FaultyProxy proxy = new FaultyProxy(server.uri())) {
      Killed killed = killWithABatchInFlight(proxy, "steps-again", points, f -> f.witnessKey == null,
          Integer.toString(points), Integer.toString(again));
      assertTrue(killed.cursor().inFlight.step < points && killed.cursor().inFlight.timestamp
          >= ProgramUploadingALongSeries.T0 + ProgramUploadingALongSeries.AGAIN, "a step logged again in flight");
      Synced synced = syncWithAOneSecondRequestTimeout(killed.runDir(), proxy);
      String runId = synced.runId();
      assertEquals(points + again, proxy.metricPointsDelivered(), "every point delivered exactly once");
      assertEquals(0, proxy.count(Mode.PASS, "GET", "/metrics/get-history"), "no history was downloaded");
      assertEquals(1, proxy.count(Mode.PASS, "GET", "/metrics/get-history-bulk-interval"), "one step's points");
      // As often as recorded: every step once as first logged, the last epoch's once more as logged again.
      try (var rows = Files.lines(RunLayout.open(killed.runDir()).metricFile("loss", Context.TRAINING.name()))) {
        assertEquals(points + again + 1, rows.count(), "the run directory's rows, and the header");
      }
      long t0 = ProgramUploadingALongSeries.T0;
      assertEquals((points + again) + " " + points + " " + points + " " + again, storeHolds(runId,
          "count(*), count(distinct step), sum(timestamp = " + t0 + " + step and value = step / 10.0), "
          + "sum(step >= " + (points - again) + " and timestamp = " + (t0 + ProgramUploadingALongSeries.AGAIN)
          + " + step and value = step / 10.0 + 1)"), "the server holds every point as often as it was logged");
      MlflowTracking tracking = new MlflowTracking(new MlflowHttp(MlflowSettings.from(
          Prov4mlConfig.load(MlflowTestRuns.settings(server.uri()), Map.of(), null), Map.of(), server.uri())));
      long askStart = System.nanoTime();
      int atStep = tracking.metricAtStep(runId, "training/loss", killed.cursor().inFlight.step,
          MlflowTracking.MAX_POINTS_AT_STEP).size();
      System.out.printf("steps logged again: killed at %d points delivered with a batch of steps logged again in "
          + "flight (its last step %d); sync with a 1 s request timeout took %d ms; the question (%d points at the "
          + "step, of %d) takes %d ms%n", killed.deliveredAtKill(), killed.cursor().inFlight.step, synced.millis(),
          atStep, points + again, (System.nanoTime() - askStart) / 1_000_000);
    }
  }

  /** The batch of rows [from, to) in flight, after a latest value at step 999, with the last point at {@code lastStep}. */
  private static void rewindWithBatchInFlight(RunLayout layout, String csv, long from, long to, long lastStep)
      throws Exception {
    MlflowTestRuns.putBatchInFlight(layout.runDir(), server.uri(), csv, from, to,
        new UploadCursor.Point(999, T0 + 999, 99.9), new UploadCursor.Point(lastStep, T0 + lastStep, lastStep / 10.0));
  }

  @Test
  void dropPolicyReportsExactlyWhatItDropped() throws Exception {
    Properties settings = MlflowTestRuns.settings(server.uri());
    settings.setProperty("prov4ml.buffer.size", "64");
    settings.setProperty("prov4ml.buffer.overflow", "drop");
    Run run = MlflowTestRuns.start(settings, out, "dropping", "dropping");
    for (int step = 0; step < 50_000; step++) {
      run.logMetric("x", step, Context.TRAINING, step, false, T0 + step);
    }
    run.close();
    long dropped = run.report().droppedMetricPoints();
    String runId = runIdOf(run);
    List<Point> kept = rest.history(runId, "training/x");
    assertEquals(50_000 - dropped, kept.size());
    kept.forEach(p -> assertEquals(p.step(), (long) p.value(), "each kept point is the one logged"));
    List<Point> reported = rest.history(runId, RecordedRun.DROPPED_EVENTS_METRIC);
    assertEquals(1, reported.size());
    assertEquals(dropped, (long) reported.get(0).value());
    System.out.println("drop policy: " + dropped + " of 50000 points dropped and reported");
  }

  @Test
  void credentialsReachTheServerAndNowhereElse() throws Exception {
    OfflineRun offline = recordOffline("with-auth", 10);
    Run run = offline.run();
    List<Point> loss = offline.loss();
    String secret = "pw-s3cret-42";
    String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("alice:" + secret).getBytes());
    try (FaultyProxy proxy = new FaultyProxy(server.uri())) {
      assertTrue(MlflowTestRuns.sync(run.runDirectory(), proxy.uri(),
          Map.of("MLFLOW_TRACKING_USERNAME", "alice", "MLFLOW_TRACKING_PASSWORD", secret)).complete());
      assertFalse(proxy.authorizations().isEmpty());
      proxy.authorizations().forEach(header -> assertEquals(basic, header));
    }
    assertFinishedWith(runIdOf(run), loss);
    try (var files = Files.walk(run.runDirectory())) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(text.contains(secret) || text.contains(basic.substring(6)), "credential in " + f);
      }
    }
  }

  @Test
  void syncSaysWhatIsLeftWhenTheServerStaysAway() throws Exception {
    Run run = recordOffline("never-synced", 1234).run();
    try (MlflowServer absent = MlflowServer.notStarted()) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = Prov4mlCli.run(new String[] {"sync", run.runDirectory().toString(), "--tracking-uri", absent.uri(),
          "--timeout", "1s"}, System.out, new PrintStream(err, true));
      assertEquals(1, code);
      String message = err.toString();
      assertTrue(message.contains("1234 metric points, 1 param, 3 tags, the PROV document, metric files and end "
          + "status") && message.contains("cannot connect to " + absent.uri()) && message.contains("run sync again"),
          message);
    }
    assertEquals(2, cli("sync"), "usage error");
  }

  private static int cli(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Prov4mlCli.run(args, System.out, new PrintStream(err, true));
    System.err.print(err);
    return code;
  }
}
