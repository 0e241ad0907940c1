package org.prov4ml.internal.cli;

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
}
