package org.prov4ml.internal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.testing.ForkedJvm;
import org.prov4ml.testing.MlflowEmulator.Received;
import org.prov4ml.testing.MlflowEmulator;
import org.prov4ml.testing.PythonEnv;

/**
 * Run directories written by someone else, read by the commands: a crafted value or file in one must not send the
 * user's credentials anywhere, nor read a file outside the directory. Each fixture is built here from a run that
 * was recorded and uploaded honestly, then tampered with as an attacker would.
 */
class HostileRunDirectoryTest {

  private static final String TOKEN = "s3cr3t-token-of-the-user";
  private static final String OUTSIDE_SECRET = "the contents of a file outside the run directory";

  @TempDir Path out;
  @TempDir Path elsewhere;

  @AfterEach
  void end() {
    Prov4ml.endRun();
    Prov4mlConfig.replace(Prov4mlConfig.load());
  }

  /** A run uploaded to {@code honest}, with an artifact and a metric series. */
  private Path uploadedRun(MlflowEmulator honest) throws Exception {
    Properties settings = new Properties();
    settings.setProperty("prov4ml.mlflow.tracking-uri", honest.uri());
    settings.setProperty("prov4ml.mlflow.flush-timeout", "30s");
    Prov4mlConfig.replace(Prov4mlConfig.load(settings, Map.of(), null));
    try (Run run = Prov4ml.startRun(RunOptions.builder().experimentName("hostile").outputDir(out).build())) {
      run.logArtifact(Files.writeString(elsewhere.resolve("notes.txt"), "harmless notes"));
      for (int i = 0; i < 3; i++) {
        run.logMetric("loss", 1.0 / (i + 1), Context.TRAINING, i);
      }
      return run.runDirectory();
    } finally {
      Prov4mlConfig.replace(Prov4mlConfig.load());
    }
  }

  /** Replaces the run's upload cursor by one that names {@code server} and nothing uploaded, as an attacker may. */
  private static void pointCursorAt(Path runDir, String server) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode cursor = json.createObjectNode().put("tracking_uri", server);
    json.writeValue(runDir.resolve("mlflow_GR0.json").toFile(), cursor);
  }

  private static PythonEnv.Result syncInAJvmOfItsOwn(Path runDir, Map<String, String> env) throws Exception {
    return ForkedJvm.start(Prov4mlCli.class, List.of(), env, "sync", runDir.toString(), "--timeout", "20s")
        .await(120);
  }

  @Test
  void syncNeverSendsTheUsersCredentialsToAServerOnlyTheDirectoryNames() throws Exception {
    try (MlflowEmulator honest = new MlflowEmulator(); MlflowEmulator attacker = new MlflowEmulator()) {
      Path runDir = uploadedRun(honest);
      pointCursorAt(runDir, attacker.uri());

      PythonEnv.Result r = syncInAJvmOfItsOwn(runDir, Map.of("MLFLOW_TRACKING_TOKEN", TOKEN));

      assertEquals(2, r.exitCode(), r.stdout() + r.stderr());
      List<String> lines = r.stderr().lines().filter(l -> !l.isBlank()).toList();
      assertEquals(1, lines.size(), r.stderr());
      assertTrue(lines.get(0).contains(attacker.uri()) && lines.get(0).contains("--tracking-uri"), lines.get(0));
      assertFalse(r.stderr().contains(TOKEN) || r.stdout().contains(TOKEN));
      assertEquals(List.of(), attacker.received(), "the server the directory named was not contacted");
    }
  }

  @Test
  void syncToARecordedServerSendsNoCredentialAndNoFileFromOutsideTheDirectory() throws Exception {
    try (MlflowEmulator honest = new MlflowEmulator(); MlflowEmulator attacker = new MlflowEmulator()) {
      Path runDir = uploadedRun(honest);
      pointCursorAt(runDir, attacker.uri());
      Path secret = Files.writeString(elsewhere.resolve("id_rsa"), OUTSIDE_SECRET);
      Path artifact = runDir.resolve("artifacts_GR0/notes.txt");
      Files.delete(artifact);
      Files.createSymbolicLink(artifact, secret);
      Path outsideCsv = Files.writeString(elsewhere.resolve("outside.csv"), "epoch,value,timestep\n7,424242.0,1\n");
      Path csv;
      try (var files = Files.list(runDir.resolve("metrics_GR0"))) {
        csv = files.filter(f -> f.getFileName().toString().startsWith("loss")).findFirst().orElseThrow();
      }
      Files.delete(csv);
      Files.createSymbolicLink(csv, outsideCsv);

      // No credential in the environment: the recorded server is used, unauthenticated.
      PythonEnv.Result r = syncInAJvmOfItsOwn(runDir, Map.of());

      assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
      assertTrue(r.stdout().contains("refused"), r.stdout());
      assertTrue(r.stderr().contains("artifact notes.txt") && r.stderr().contains("a link out of the run directory"),
          r.stderr());
      List<Received> received = attacker.received();
      assertFalse(received.isEmpty(), "the recorded server was used");
      for (Received request : received) {
        assertEquals(null, request.authorization(), request.method() + " " + request.path());
        String body = new String(request.body(), StandardCharsets.UTF_8);
        assertFalse(body.contains(OUTSIDE_SECRET), request.path() + " carried the outside file");
        assertFalse(body.contains("424242"), request.path() + " carried a point of the outside CSV");
      }
    }
  }

  @Test
  void syncWritesIntoNoMlflowRunButTheOneThisDirectorysUploadMade() throws Exception {
    try (MlflowEmulator server = new MlflowEmulator()) {
      Path victim = uploadedRun(server);
      String victimRun = new ObjectMapper().readTree(victim.resolve("mlflow_GR0.json").toFile()).path("run_id").asText();
      Path runDir = uploadedRun(server);
      Path cursor = runDir.resolve("mlflow_GR0.json");
      ObjectMapper json = new ObjectMapper();
      ObjectNode crafted = (ObjectNode) json.readTree(cursor.toFile());
      crafted.put("run_id", victimRun).put("artifact_uri", "mlflow-artifacts:/../../elsewhere");
      crafted.putObject("metric_offsets");
      crafted.remove("terminated");
      json.writeValue(cursor.toFile(), crafted);
      int before = server.received().size();

      Prov4mlCliTest.Result r = Prov4mlCliTest.cli("sync", runDir.toString(), "--tracking-uri", server.uri());

      assertEquals(2, r.code(), r.out() + r.err());
      assertEquals(1, r.errLines().size(), r.err());
      assertTrue(r.err().contains("names MLflow run " + victimRun) && r.err().contains("MLFLOW_RUN_ID"), r.err());
      List<String> after = server.received().subList(before, server.received().size()).stream()
          .map(q -> q.method() + " " + q.path()).toList();
      assertEquals(List.of("GET /api/2.0/mlflow/runs/get"), after, "only the run was looked at");
    }
  }
  // ---- the commands that read a run directory from elsewhere: merge, ls, report, compare, verify, sync ----

  /** A finished run of one rank recorded through the API, with a metric series. */
  private Path recordedRun(String experiment, RunOptions.Builder options) {
    try (Run run = Prov4ml.startRun(options.experimentName(experiment).outputDir(out).build())) {
      for (int i = 0; i < 3; i++) {
        run.logMetric("loss", 1.0 / (i + 1), Context.TRAINING, i);
      }
      return run.runDirectory();
    }
  }

  private Path recordedRun(String experiment) {
    return recordedRun(experiment, RunOptions.builder());
  }

  private static Path rankDocument(Path runDir) throws Exception {
    try (var files = Files.list(runDir)) {
      return files.filter(f -> f.getFileName().toString().matches("prov_.*_GR\\d+_.*\\.json")).findFirst()
          .orElseThrow();
    }
  }

  /** Sets one attribute of the run activity in the run's (only) rank document, as an attacker may. */
  private static void setRunAttribute(Path runDir, String attribute, String value) throws Exception {
    ObjectMapper json = new ObjectMapper();
    Path document = rankDocument(runDir);
    ObjectNode doc = (ObjectNode) json.readTree(document.toFile());
    var activities = doc.path("activity").fields();
    while (activities.hasNext()) {
      var activity = activities.next();
      if (activity.getValue().has("yprov:run_id")) {
        ((ObjectNode) activity.getValue()).put(attribute, value);
      }
    }
    json.writeValue(document.toFile(), doc);
  }

  private static void assertNoClassName(Prov4mlCliTest.Result r) {
    assertFalse((r.out() + r.err()).matches("(?s).*\\b(org\\.prov4ml|java\\.[a-z]+)\\.[A-Za-z.]*[A-Z]\\w*.*"),
        r.out() + r.err());
  }

  @Test
  void mergeNeverWritesOutsideTheRunDirectoryWhateverTheDocumentsRunIdSays() throws Exception {
    Path runDir = recordedRun("job", RunOptions.builder().runId("j1").rank(0).worldSize(1));
    setRunAttribute(runDir, "yprov:run_id", "/../../../x");
    Files.createDirectories(runDir.resolve("prov_job_")); // so that the path resolves, as an attacker makes it
    Path above = runDir.resolve("../../x.json").normalize();
    Files.deleteIfExists(above);
    List<Path> before;
    try (var files = Files.list(runDir)) {
      before = files.sorted().toList();
    }

    Prov4mlCliTest.Result r = Prov4mlCliTest.cli("merge", runDir.toString());

    Prov4mlCliTest.assertOneLineUsageError(r, "merge: " + rankDocument(runDir) + ": yprov:run_id '/../../../x' is "
        + "not one prov4ml writes");
    assertFalse(Files.exists(above), above + " was written");
    try (var files = Files.list(runDir)) {
      assertEquals(before, files.sorted().toList(), "nothing written in the run directory either");
    }
  }

  @Test
  void mergeWritesThroughNoLinkPlantedAsItsTemporaryFile() throws Exception {
    Path runDir = recordedRun("job", RunOptions.builder().runId("j2").rank(0).worldSize(1));
    Path victim = Files.writeString(elsewhere.resolve("victim.txt"), OUTSIDE_SECRET);
    Files.createSymbolicLink(runDir.resolve("prov_job_j2.json.tmp"), victim);

    Prov4mlCliTest.Result r = Prov4mlCliTest.cli("merge", runDir.toString());

    assertEquals(0, r.code(), r.out() + r.err());
    assertEquals(OUTSIDE_SECRET, Files.readString(victim));
    assertTrue(Files.isRegularFile(runDir.resolve("prov_job_j2.json"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void lsListsADamagedRunAsUnreadableBesideTheOthers() throws Exception {
    Path good = recordedRun("good");
    Path noCsv = recordedRun("nocsv");
    try (var csvs = Files.list(noCsv.resolve("metrics_GR0"))) {
      for (Path csv : csvs.toList()) {
        Files.delete(csv);
      }
    }
    Path cut = recordedRun("cut");
    byte[] whole = Files.readAllBytes(rankDocument(cut));
    Files.write(rankDocument(cut), java.util.Arrays.copyOf(whole, whole.length / 2));

    Prov4mlCliTest.Result r = Prov4mlCliTest.cli("ls", out.toString());

    assertEquals(0, r.code(), r.out() + r.err());
    List<String> rows = r.out().lines().toList();
    assertTrue(rows.stream().anyMatch(l -> l.startsWith(good.getFileName() + " ") && l.contains("FINISHED")), r.out());
    assertTrue(rows.stream().anyMatch(l -> l.startsWith(noCsv.getFileName() + " ") && l.contains("UNREADABLE")
        && l.contains("loss_TRAINING_None_GR0.csv") && l.contains("no such file")), r.out());
    assertTrue(rows.stream().anyMatch(l -> l.startsWith(cut.getFileName() + " ") && l.contains("UNREADABLE")
        && l.contains("cut short")), r.out());
    assertNoClassName(r);
  }

  @Test
  void reportOutputNeverReplacesAFileOfARunAndADirectoryGetsTheDefaultName() throws Exception {
    Path runDir = recordedRun("rep");
    Path document = rankDocument(runDir);
    byte[] recorded = Files.readAllBytes(document);

    Prov4mlCliTest.assertOneLineUsageError(Prov4mlCliTest.cli("report", runDir.toString(), "-o",
        document.toString()), "report: " + document + " is a file of the run directory");
    assertArrayEquals(recorded, Files.readAllBytes(document));
    Path other = recordedRun("other");
    Path csv = other.resolve("metrics_GR0/loss_TRAINING_None_GR0.csv");
    Prov4mlCliTest.assertOneLineUsageError(Prov4mlCliTest.cli("compare", runDir.toString(), other.toString(), "-o",
        csv.toString()), "compare: " + csv + " is a file of the run directory");
    Path link = Files.createSymbolicLink(elsewhere.resolve("innocent.html"), document);
    assertEquals(0, Prov4mlCliTest.cli("report", runDir.toString(), "-o", link.toString()).code());
    assertArrayEquals(recorded, Files.readAllBytes(document), "a link to the document is replaced, not written to");

    Path reports = Files.createDirectories(elsewhere.resolve("reports"));
    Prov4mlCliTest.Result r = Prov4mlCliTest.cli("report", runDir.toString(), "-o", reports.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(reports.resolve("report.html").toString(), r.out().strip());
    Prov4mlCliTest.Result c = Prov4mlCliTest.cli("compare", runDir.toString(), other.toString(), "-o",
        reports.toString());
    assertEquals(0, c.code(), c.err());
    assertEquals(reports.resolve("compare.html").toString(), c.out().strip());
    try (var left = Files.list(elsewhere)) {
      assertEquals(List.of(), left.filter(f -> f.getFileName().toString().contains("partial")
          || f.getFileName().toString().endsWith(".tmp")).toList());
    }
    try (var left = Files.list(reports)) {
      assertEquals(List.of("compare.html", "report.html"), left.map(f -> f.getFileName().toString()).sorted()
          .toList(), "no .partial file is left");
    }
  }

  /** A finished run with an artifact, a data set of one outside file (so a manifest) and its code recorded. */
  private Path runWithDataAndArtifact(String experiment) throws Exception {
    Path data = Files.writeString(elsewhere.resolve(experiment + "-train.csv"), "x,y\n1,2\n");
    try (Run run = Prov4ml.startRun(RunOptions.builder().experimentName(experiment).outputDir(out).build())) {
      run.logArtifact(Files.writeString(elsewhere.resolve("notes.txt"), "harmless notes"));
      run.logDataset("train_dataset", new org.prov4ml.testing.LocalFilesDataset(data), Context.TRAINING);
      run.logMetric("loss", 0.5, Context.TRAINING, 0);
      return run.runDirectory();
    }
  }

  /** Replaces {@code file} by a FIFO that no one ever writes: opening it for reading would block for ever. */
  private static void replaceByFifo(Path file) throws Exception {
    Files.delete(file);
    Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).redirectErrorStream(true).start();
    assertEquals(0, mkfifo.waitFor(), new String(mkfifo.getInputStream().readAllBytes()));
  }

  private static Path manifestOf(Path runDir) throws Exception {
    try (var files = Files.walk(runDir.resolve("artifacts_GR0"))) {
      return files.filter(f -> f.getParent().getFileName().toString().equals("datasets")).findFirst().orElseThrow();
    }
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aFifoInsideARunDirectoryHangsNoCommandAndIsNamed() throws Exception {
    Path csvFifo = runWithDataAndArtifact("fifocsv");
    replaceByFifo(csvFifo.resolve("metrics_GR0/loss_TRAINING_None_GR0.csv"));
    Path artifactFifo = runWithDataAndArtifact("fifoartifact");
    replaceByFifo(artifactFifo.resolve("artifacts_GR0/notes.txt"));
    Path manifestFifo = runWithDataAndArtifact("fifomanifest");
    Path manifest = manifestOf(manifestFifo);
    replaceByFifo(manifest);
    Path documentFifo = runWithDataAndArtifact("fifodocument");
    Path document = rankDocument(documentFifo);
    replaceByFifo(document);

    Prov4mlCliTest.Result ls = Prov4mlCliTest.cli("ls", out.toString());
    assertEquals(0, ls.code(), ls.out() + ls.err());
    assertTrue(ls.out().lines().anyMatch(l -> l.startsWith("fifocsv_0 ") && l.contains("UNREADABLE")
        && l.contains("not a regular file")), ls.out());
    assertTrue(ls.out().lines().anyMatch(l -> l.startsWith("fifodocument_0 ") && l.contains("UNREADABLE")
        && l.contains("not a regular file")), ls.out());

    Prov4mlCliTest.Result csv = Prov4mlCliTest.cli("report", csvFifo.toString());
    Prov4mlCliTest.assertOneLineUsageError(csv, "report: " + csvFifo.resolve("metrics_GR0/loss_TRAINING_None_GR0.csv"));
    assertTrue(csv.err().contains("not a regular file"), csv.err());
    Prov4mlCliTest.Result doc = Prov4mlCliTest.cli("report", documentFifo.toString());
    Prov4mlCliTest.assertOneLineUsageError(doc, "report: " + document);
    assertTrue(doc.err().contains("not a regular file"), doc.err());
    assertEquals(0, Prov4mlCliTest.cli("report", artifactFifo.toString()).code());
    assertEquals(0, Prov4mlCliTest.cli("report", manifestFifo.toString()).code());

    Prov4mlCliTest.Result artifact = Prov4mlCliTest.cli("verify", artifactFifo.toString());
    assertEquals(1, artifact.code(), artifact.out() + artifact.err());
    assertTrue(artifact.out().contains("REFUSED artifact " + artifactFifo.resolve("artifacts_GR0/notes.txt")
        + ": not a regular file"), artifact.out());
    Prov4mlCliTest.Result data = Prov4mlCliTest.cli("verify", manifestFifo.toString());
    assertEquals(1, data.code(), data.out() + data.err());
    assertTrue(data.out().contains("REFUSED artifact " + manifest + ": not a regular file"), data.out());
    Prov4mlCliTest.Result verifyDoc = Prov4mlCliTest.cli("verify", documentFifo.toString());
    Prov4mlCliTest.assertOneLineUsageError(verifyDoc, "verify: " + document);
    assertTrue(verifyDoc.err().contains("not a regular file"), verifyDoc.err());
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void verifyReadsOnlyRegularFilesAndMarksThoseOutsideTheRunDirectory() throws Exception {
    Path runDir = runWithDataAndArtifact("verify");
    Path train = elsewhere.resolve("verify-train.csv");

    Prov4mlCliTest.Result ok = Prov4mlCliTest.cli("verify", runDir.toString(), "--all");
    assertEquals(0, ok.code(), ok.out() + ok.err());
    assertTrue(ok.out().contains("matches data set train_dataset " + train + " (outside the run directory)"),
        ok.out());
    assertTrue(ok.out().lines().anyMatch(l -> l.startsWith("matches artifact " + runDir)
        && !l.contains("outside")), ok.out());

    // An artifact that became a link out, to a file with the recorded bytes: refused, its bytes never read.
    Path notes = runDir.resolve("artifacts_GR0/notes.txt");
    Files.delete(notes);
    Files.createSymbolicLink(notes, elsewhere.resolve("notes.txt"));
    // A data set file outside that became a FIFO: refused without being opened.
    replaceByFifo(train);
    // The manifest, inside, names a device too, as a crafted manifest may.
    Path manifest = manifestOf(runDir);
    ObjectMapper json = new ObjectMapper();
    ObjectNode m = (ObjectNode) json.readTree(manifest.toFile());
    ((com.fasterxml.jackson.databind.node.ArrayNode) m.withArray("files")).addObject().put("path", "/dev/zero")
        .put("name", "zero").put("bytes", 1).put("modified", "2026-01-01T00:00:00Z")
        .put("sha256", "0".repeat(64));
    json.writeValue(manifest.toFile(), m);

    Prov4mlCliTest.Result r = Prov4mlCliTest.cli("verify", runDir.toString());

    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("REFUSED artifact " + notes + ": a link out of the run directory"), r.out());
    assertTrue(r.out().contains("REFUSED data set train_dataset " + train + " (outside the run directory): not a "
        + "regular file"), r.out());
    assertTrue(r.out().contains("REFUSED data set train_dataset /dev/zero (outside the run directory): not a "
        + "regular file"), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("verify: ") && l.contains("3 refused")), r.out());
  }

  @Test
  void controlCharactersFromADocumentArePrintedEscapedAndForgeNoLine() throws Exception {
    Path runDir = recordedRun("ctl");
    recordedRun("plain");
    setRunAttribute(runDir, "yprov:run_name", "evil\nforged_0  FINISHED\u2028x\0y");

    Prov4mlCliTest.Result ls = Prov4mlCliTest.cli("ls", out.toString());

    assertEquals(0, ls.code(), ls.err());
    assertEquals(3, ls.out().lines().count(), "a header and two runs:\n" + ls.out());
    assertTrue(ls.out().contains("evil\\nforged_0  FINISHED\\u2028x\\u0000y"), ls.out());
    assertFalse(ls.out().contains("\0") || ls.out().contains("\u2028"), ls.out());

    setRunAttribute(runDir, "yprov:status", "DONE\n\0forged line");
    Prov4mlCliTest.Result report = Prov4mlCliTest.cli("report", runDir.toString());
    Prov4mlCliTest.assertOneLineUsageError(report, "report: " + rankDocument(runDir));
    assertTrue(report.err().contains("'DONE\\n\\u0000forged line'"), report.err());
  }

  @Test
  void aGlobalRankBeyondRangeIsRefusedNotWrappedAround() throws Exception {
    Path runDir = recordedRun("rank");
    setRunAttribute(runDir, "yprov:global_rank", "99999999999");

    Prov4mlCliTest.Result r = Prov4mlCliTest.cli("report", runDir.toString());

    Prov4mlCliTest.assertOneLineUsageError(r, "report: " + rankDocument(runDir) + ": the run activity's "
        + "yprov:global_rank 99999999999 is out of range (0 to 2147483647)");
    assertFalse(r.err().contains("1215752191"), r.err());
  }

  @Test
  void syncOnADamagedDocumentIsBadInput() throws Exception {
    Path runDir = recordedRun("damaged");
    Path document = rankDocument(runDir);
    byte[] whole = Files.readAllBytes(document);
    Files.write(document, java.util.Arrays.copyOf(whole, whole.length / 2));
    try (MlflowEmulator server = new MlflowEmulator()) {
      Prov4mlCliTest.Result r = Prov4mlCliTest.cli("sync", runDir.toString(), "--tracking-uri", server.uri(),
          "--timeout", "5s");
      Prov4mlCliTest.assertOneLineUsageError(r, "sync: " + document + ": the PROV document is cut short");
      assertNoClassName(r);
    }
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void lsCountsTheRanksAHugeWorldSizeLacksWithoutEnumeratingThem() throws Exception {
    Path runDir = recordedRun("huge");
    setRunAttribute(runDir, "yprov:world_size", Integer.toString(Integer.MAX_VALUE));

    Prov4mlCliTest.Result r = Prov4mlCliTest.cli("ls", out.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().lines().anyMatch(l -> l.contains("[1/" + Integer.MAX_VALUE + " ranks]")
        && l.contains("INCOMPLETE")), r.out());
  }

  @Test
  void aStrayFifoOrLinkInTheMetricsFolderIsNoSeriesAndIsNeverOpened() throws Exception {
    Path runDir = recordedRun("stray");
    Path fifo = runDir.resolve("metrics_GR0/stray_TRAINING_None_GR0.csv");
    Files.createFile(fifo);
    replaceByFifo(fifo);
    Path outside = Files.writeString(elsewhere.resolve("outside.csv"), "epoch,value,timestep\n1,424242.0,1\n");
    Files.createSymbolicLink(runDir.resolve("metrics_GR0/linked_TRAINING_None_GR0.csv"), outside);

    Prov4mlCliTest.Result ls = Prov4mlCliTest.cli("ls", out.toString());
    assertEquals(0, ls.code(), ls.err());
    assertFalse(ls.out().contains("UNREADABLE"), ls.out());
    assertEquals(List.of("loss"), org.prov4ml.rundir.RunDirectory.open(runDir).metrics().stream()
        .map(org.prov4ml.rundir.MetricSeries::key).toList(), "neither file the document does not name is a series");
  }
}
