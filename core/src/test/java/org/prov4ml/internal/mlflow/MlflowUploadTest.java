package org.prov4ml.internal.mlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.prov4ml.Context;
import org.prov4ml.Run;
import org.prov4ml.RunStatus;
import org.prov4ml.testing.MlflowRest.Point;
import org.prov4ml.testing.MlflowRest;

/** A run's events reach a real MLflow server, checked through its REST API. */
class MlflowUploadTest extends RealMlflowServerTest {

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

  @Test
  void refusedElementsAreReportedOnceAndTheRestIsDelivered() throws Exception {
    // MLFLOW_RUN_ID names a run that already has lr = 0.1; this run says lr = 0.2.
    String experimentId = rest.post("/api/2.0/mlflow/experiments/create", "{\"name\": \"refusals\"}")
        .path("experiment_id").asText();
    String runId = rest.post("/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"" + experimentId
        + "\", \"start_time\": 1}").path("run").path("info").path("run_id").asText();
    rest.post("/api/2.0/mlflow/runs/log-batch", "{\"run_id\": \"" + runId
        + "\", \"params\": [{\"key\": \"lr\", \"value\": \"0.1\"}]}");
    // Fine locally (a file a__b); MLflow refuses names that a file system would normalise ("//").
    String badKey = "a//b";
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(null), out, "refusals", "refusals");
    run.logParam("lr", 0.2);
    run.logParam("batch", 32);
    List<Point> loss = new ArrayList<>();
    for (int step = 0; step < 1200; step++) {
      run.logMetric("loss", step, Context.TRAINING, step, false, 1_700_000_000_000L + step);
      loss.add(new Point(step, step, 1_700_000_000_000L + step));
      if (step % 100 == 0) {
        run.logMetric(badKey, step, Context.TRAINING, step, false, 1_700_000_000_000L + step);
      }
    }
    run.close();

    MlflowReplica.Result result = MlflowTestRuns.sync(run.runDirectory(), server.uri(),
        Map.of("MLFLOW_RUN_ID", runId));
    assertTrue(result.complete(), String.valueOf(result));
    assertEquals(runId, result.runId());
    assertEquals(2, result.left().refused());
    assertEquals(Map.of("lr", "0.1", "batch", "32"), rest.params(runId));
    assertHistory(loss, rest.history(runId, "training/loss"));
    assertEquals("FINISHED", rest.run(runId).path("info").path("status").asText());
    Map<String, String> refused = MlflowTestRuns.cursor(run).rejected;
    assertEquals(2, refused.size(), refused.toString());
    assertTrue(refused.get("param lr").contains("Changing param values is not allowed"), refused.toString());
    assertTrue(refused.get("metric training/" + badKey).contains("training/" + badKey), refused.toString());
  }

  @Test
  void mlflowsPythonAndJavaClientsReadTheRunAndItsRegisteredModelVersionsBack() throws Exception {
    Path file = Files.writeString(out.resolve("weights.bin"), "0123456789");
    Properties settings = MlflowTestRuns.settings(server.uri());
    settings.setProperty("prov4ml.mlflow.register-models", "true");
    Run run = MlflowTestRuns.start(settings, out, "clients-read", "for clients");
    run.logParam("optimizer", "adam");
    for (int step = 0; step < 50; step++) {
      run.logMetric("loss", 1.0 / (step + 1), Context.TRAINING, step, false, 1_700_000_000_000L + step);
    }
    run.logArtifact(file);
    try (ai.djl.Model mlp = ModelRegistrationTest.mlp()) {
      run.saveModelVersion(mlp, "clients-mlp", Context.TRAINING, 1);
      run.saveModelVersion(mlp, "clients-mlp", Context.VALIDATION, 2);
    }
    run.close();
    UploadCursor cursor = MlflowTestRuns.cursor(run);
    String runId = cursor.runId;
    String script = """
        import json, sys
        import mlflow
        from mlflow import MlflowClient
        mlflow.set_tracking_uri(sys.argv[1])  # mlflow-artifacts: URIs resolve through the global one
        c = MlflowClient(tracking_uri=sys.argv[1])
        r = c.get_run(sys.argv[2])
        h = c.get_metric_history(sys.argv[2], "training/loss")
        versions = sorted(c.search_model_versions("name='clients-mlp'"), key=lambda v: int(v.version))
        print(json.dumps({"status": r.info.status, "params": r.data.params, "source": r.data.tags["mlflow.source.type"],
            "loss": [[m.step, m.value, m.timestamp] for m in h],
            "artifacts": sorted(f.path for f in c.list_artifacts(sys.argv[2])),
            "versions": [{"version": v.version, "source": v.source, "run_id": v.run_id, "tags": v.tags}
                for v in versions]}))
        """;
    String json = org.prov4ml.testing.PythonEnv.runScript(script, 120, server.uri(), runId)
        .requireSuccess("python mlflow client").stdout();
    JsonNode read = new ObjectMapper().readTree(json);
    assertEquals("FINISHED", read.path("status").asText());
    assertEquals("adam", read.path("params").path("optimizer").asText());
    assertEquals("JOB", read.path("source").asText());
    JsonNode points = read.path("loss");
    assertEquals(50, points.size());
    for (int step = 0; step < 50; step++) {
      assertEquals(step, points.get(step).get(0).asLong());
      assertEquals(1.0 / (step + 1), points.get(step).get(1).asDouble());
      assertEquals(1_700_000_000_000L + step, points.get(step).get(2).asLong());
    }
    assertEquals("[\"clients-mlp\",\"prov4ml\",\"weights.bin\"]", read.path("artifacts").toString());
    JsonNode versions = read.path("versions");
    assertEquals(2, versions.size(), versions.toString());
    String artifactRoot = rest.run(runId).path("info").path("artifact_uri").asText();
    for (int i = 0; i < 2; i++) {
      JsonNode v = versions.get(i);
      String file2 = String.format("clients-mlp-%04d.params", i + 1);
      assertEquals(Integer.toString(i + 1), v.path("version").asText());
      // On 3.x a version is made from its checkpoint's LoggedModel: its source is the LoggedModel's artifacts.
      String modelId = MlflowTestRuns.cursor(run).loggedModels.get("clients-mlp/" + file2).modelId;
      assertEquals(artifactRoot.substring(0, artifactRoot.indexOf(runId)) + "models/" + modelId + "/artifacts",
          v.path("source").asText());
      assertEquals(runId, v.path("run_id").asText());
      assertEquals(Integer.toString(i + 1), v.path("tags").path("prov4ml.step").asText());
      assertEquals(i == 0 ? "TRAINING" : "VALIDATION", v.path("tags").path("prov4ml.context").asText());
      assertEquals(org.prov4ml.internal.format.FileDigests.sha256(
          run.runDirectory().resolve("artifacts_GR0/clients-mlp/" + file2)), v.path("tags").path("prov4ml.sha256").asText());
    }
    assertTrue(MlflowTestRuns.sync(run.runDirectory(), server.uri(), Map.of()).complete());
    String again = org.prov4ml.testing.PythonEnv.runScript(script, 120, server.uri(), runId).stdout();
    assertEquals(2, new ObjectMapper().readTree(again).path("versions").size(), "a second sync adds no version");

    // MLflow's own Java client, what a JVM user's code sees: the same run.
    org.mlflow.tracking.MlflowClient java = new org.mlflow.tracking.MlflowClient(server.uri());
    try {
      org.mlflow.api.proto.Service.Run javaRun = java.getRun(runId);
      assertEquals(org.mlflow.api.proto.Service.RunStatus.FINISHED, javaRun.getInfo().getStatus());
      assertEquals("for clients", javaRun.getInfo().getRunName());
      Map<String, String> params = new TreeMap<>();
      javaRun.getData().getParamsList().forEach(p -> params.put(p.getKey(), p.getValue()));
      assertEquals(Map.of("optimizer", "adam"), params);
      List<org.mlflow.api.proto.Service.Metric> history = java.getMetricHistory(runId, "training/loss");
      assertEquals(50, history.size());
      for (org.mlflow.api.proto.Service.Metric m : history) {
        assertEquals(1.0 / (m.getStep() + 1), m.getValue());
        assertEquals(1_700_000_000_000L + m.getStep(), m.getTimestamp());
      }
      // (Not its listArtifacts: for an mlflow-artifacts: store it forks `python -m mlflow.store.artifact.cli`.)
      org.mlflow.api.proto.ModelRegistry.ModelVersion second = java.getModelVersion("clients-mlp", "2");
      assertEquals(runId, second.getRunId());
      assertEquals(versions.get(1).path("source").asText(), second.getSource(), "the LoggedModel's, as Python reads");
      Map<String, String> tags = new TreeMap<>();
      second.getTagsList().forEach(t -> tags.put(t.getKey(), t.getValue()));
      assertEquals("2", tags.get("prov4ml.step"));
      assertEquals("VALIDATION", tags.get("prov4ml.context"));
    } finally {
      java.close();
    }
  }

  @Test
  void artifactsStayLocalWhenTheRunsStoreIsNotTheServersProxy() throws Exception {
    Path elsewhere = out.resolve("server-side-store");
    rest.post("/api/2.0/mlflow/experiments/create", "{\"name\": \"file-store\", \"artifact_location\": \""
        + elsewhere.toUri() + "\"}");
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(null), out, "local-name", "file store");
    run.logParam("lr", 0.1);
    run.logMetric("loss", 0.5, Context.TRAINING, 0, false, 1_700_000_000_000L);
    run.logArtifact(Files.writeString(out.resolve("a.txt"), "a"));
    run.close();
    MlflowReplica.Result result = MlflowTestRuns.sync(run.runDirectory(), server.uri(),
        Map.of("MLFLOW_EXPERIMENT_NAME", "file-store"));
    assertTrue(result.complete(), String.valueOf(result));
    String runId = result.runId();
    assertTrue(rest.runsOf("file-store").containsValue(runId), "MLFLOW_EXPERIMENT_NAME chose the experiment");
    assertEquals(Map.of("lr", "0.1"), rest.params(runId));
    assertEquals("FINISHED", rest.run(runId).path("info").path("status").asText());
    UploadCursor cursor = MlflowTestRuns.cursor(run);
    assertTrue(cursor.artifactsNotUploadable.startsWith("file:"), cursor.artifactsNotUploadable);
    assertTrue(cursor.artifacts.isEmpty());
    assertFalse(Files.exists(elsewhere));
  }

  @Test
  void aFullRequestsWorthOfPointsIsSentWithoutWaitingForTheUploadInterval() throws Exception {
    Properties settings = MlflowTestRuns.settings(server.uri());
    settings.setProperty("prov4ml.mlflow.upload-interval", "1h");
    Run run = MlflowTestRuns.start(settings, out, "full-batch", "full batch");
    run.logMetric("warm-up", 0.0, Context.TRAINING, 0, true, 1_700_000_000_000L); // binds the run, waits for it
    String runId = MlflowTestRuns.cursor(run).runId;
    for (int step = 0; step < LogBatchRequest.MAX_METRICS; step++) {
      run.logMetric("loss", step, Context.TRAINING, step, false, 1_700_000_000_000L + step);
    }
    // No flush and an hour's interval: only a full request's worth sends them.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    int delivered = 0;
    while (delivered < LogBatchRequest.MAX_METRICS && System.nanoTime() < deadline) {
      Thread.sleep(100);
      delivered = rest.history(runId, "training/loss").size();
    }
    assertEquals(LogBatchRequest.MAX_METRICS, delivered);
    run.close();
  }

  /**
   * The document is rewritten at most once per interval, so a param can reach it with no event after
   * it: the uploader follows the document's replacement too, not only new events.
   */
  @Test
  void aParamLoggedInAQuietRunReachesMlflowWithoutAFlushOrAnotherEvent() throws Exception {
    Properties settings = MlflowTestRuns.settings(server.uri());
    settings.setProperty("prov4ml.document.rewrite-interval", "4s"); // longer than the upload interval
    Run run = MlflowTestRuns.start(settings, out, "quiet", "quiet");
    run.logMetric("warm-up", 0.0, Context.TRAINING, 0, true, 1_700_000_000_000L); // binds the run, waits for it
    String runId = MlflowTestRuns.cursor(run).runId;
    run.logParam("late", "yes"); // within the interval of the rewrite the warm-up's flush made; nothing follows
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (!rest.params(runId).containsKey("late") && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals("yes", rest.params(runId).get("late"));
    run.close();
  }

  @Test
  void aRunThatEndsFailedIsFailedInMlflow() throws Exception {
    // What the JVM exit hook does when the main thread died on an uncaught exception.
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(server.uri()), out, "failing", "failing");
    run.logMetric("loss", 1.0, Context.TRAINING, 0, false, 1_700_000_000_000L);
    run.end(RunStatus.FAILED);
    JsonNode info = rest.run(MlflowTestRuns.cursor(run).runId).path("info");
    assertEquals("FAILED", info.path("status").asText());
    assertTrue(info.path("end_time").asLong() > 0);
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
