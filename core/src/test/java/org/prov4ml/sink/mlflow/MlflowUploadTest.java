package org.prov4ml.sink.mlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.testing.MlflowRest;
import org.prov4ml.testing.MlflowRest.Point;
import org.prov4ml.testing.MlflowServer;

/** A run's events reach a real MLflow server, checked through its REST API. */
class MlflowUploadTest {

  private static MlflowServer server;
  private static MlflowRest rest;

  @TempDir
  Path out;

  @AfterEach
  void endRunLeftOpenByAFailure() {
    Prov4ml.endRun();
  }

  @BeforeAll
  static void startServer() throws Exception {
    server = MlflowServer.start();
    rest = server.rest();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Test
  void everyKindOfEventReachesTheRun() throws Exception {
    Path file = Files.writeString(out.resolve("notes.txt"), "hello mlflow");
    Path dir = Files.createDirectories(out.resolve("plots dir"));
    Files.writeString(dir.resolve("a b.csv"), "x,y\n1,2\n");
    String longValue = "v".repeat(7000);
    List<Point> loss = new ArrayList<>();
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(server.uri()), out, "upload-all", "full run");
    run.logParam("lr", 0.01);
    run.logParam("long", longValue);
    for (int step = 0; step < 2500; step++) {
      double value = step == 7 ? Double.NaN : 1.0 / (step + 1);
      long ts = 1_700_000_000_000L + step;
      run.logMetric("loss", value, Context.TRAINING, step, false, ts);
      loss.add(new Point(step, value, ts));
    }
    run.logMetric("Accuracy", 0.5, Context.VALIDATION, 0, false, 1_700_000_000_500L);
    run.logMetric("Accuracy", 0.75, Context.TESTING, 3, true, 1_700_000_000_600L);
    run.logMetric("system/cpu_utilization_percentage", 12.5, Context.SYSTEM, 0, false, 1_700_000_000_700L);
    // synchronous = true returned: the server has every point logged before it.
    String runId = MlflowTestRuns.cursor(run).runId;
    assertEquals(List.of(new Point(3, 0.75, 1_700_000_000_600L)), rest.history(runId, "testing/Accuracy"));
    assertEquals(2500, rest.history(runId, "training/loss").size());
    run.logArtifact(file);
    run.logArtifact(dir, Context.TRAINING);
    run.close();

    JsonNode info = rest.run(runId).path("info");
    assertEquals("FINISHED", info.path("status").asText());
    assertEquals("full run", info.path("run_name").asText());
    Map<String, String> tags = rest.tags(runId);
    assertEquals(System.getProperty("user.name"), tags.get("mlflow.user"));
    assertEquals("JOB", tags.get("mlflow.source.type"));
    assertEquals("full run", tags.get("mlflow.runName"));
    assertTrue(tags.containsKey("mlflow.source.name"), tags.toString());
    assertEquals("0", tags.get("prov4ml.rank"));
    assertEquals("prov4ml", tags.get("team"));
    assertTrue(tags.get("prov4ml.version").matches("\\d+\\.\\d+.*"), tags.toString());
    assertEquals(Map.of("lr", "0.01", "long", longValue.substring(0, 6000)), rest.params(runId));

    assertHistory(loss, rest.history(runId, "training/loss"));
    assertEquals(List.of(new Point(0, 0.5, 1_700_000_000_500L)), rest.history(runId, "validation/Accuracy"));
    assertEquals(List.of(new Point(0, 12.5, 1_700_000_000_700L)),
        rest.history(runId, "system/cpu_utilization_percentage"));

    Path runDir = run.runDirectory();
    Map<String, Long> expected = new TreeMap<>();
    expected.put("notes.txt", 12L);
    expected.put("plots dir/a b.csv", 8L);
    expected.put("prov4ml/" + run.provenanceFile().getFileName(), Files.size(run.provenanceFile()));
    try (var csvs = Files.list(runDir.resolve("metrics_GR0"))) {
      for (Path csv : csvs.toList()) {
        expected.put("prov4ml/metrics_GR0/" + csv.getFileName(), Files.size(csv));
      }
    }
    assertEquals(expected, rest.artifacts(runId));
    for (String path : expected.keySet()) {
      Path local = path.startsWith("prov4ml/") ? runDir.resolve(path.substring("prov4ml/".length()))
          : runDir.resolve("artifacts_GR0").resolve(path);
      assertArrayEquals(Files.readAllBytes(local), rest.artifact(runId, path), path);
    }

    JsonNode activity = new ObjectMapper().readTree(run.provenanceFile().toFile()).path("activity")
        .path("upload-all_GR0_" + run.runId());
    assertEquals(runId, activity.path("yprov:mlflow_run_id").asText());
    assertEquals(info.path("experiment_id").asText(), activity.path("yprov:mlflow_experiment_id").asText());
    UploadCursor cursor = MlflowTestRuns.cursor(run);
    assertEquals("FINISHED", cursor.terminated);
    assertEquals(server.uri(), cursor.trackingUri);
  }

  static void assertHistory(List<Point> expected, List<Point> actual) {
    assertEquals(expected.size(), actual.size(), "points");
    for (int i = 0; i < expected.size(); i++) {
      Point e = expected.get(i);
      Point a = actual.get(i);
      boolean same = e.step() == a.step() && e.timestamp() == a.timestamp()
          && (Double.compare(e.value(), a.value()) == 0);
      assertTrue(same, "point " + i + ": expected " + e + ", got " + a);
    }
  }
}
