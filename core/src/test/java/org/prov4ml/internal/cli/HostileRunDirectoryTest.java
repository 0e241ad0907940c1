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
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.testing.ForkedJvm;
import org.prov4ml.testing.MlflowEmulator;
import org.prov4ml.testing.MlflowEmulator.Received;
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
      assertEquals(List.of(), left.filter(f -> f.getFileName().toString().contains("partial")).toList());
    }
    try (var left = Files.list(reports)) {
      assertEquals(List.of("compare.html", "report.html"), left.map(f -> f.getFileName().toString()).sorted()
          .toList(), "no .partial file is left");
    }
  }
}
