package org.prov4ml.internal.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.prov4ml.Context;
import org.prov4ml.Run;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.rundir.ModelVersion;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.MlflowEmulator.Fault;
import org.prov4ml.testing.MlflowEmulator.Point;

/** Checkpoints as MLflow 3 LoggedModels ({@link LoggedModelUpload}, {@link CheckpointLinks}) against the emulator. */
class LoggedModelUploadTest extends EmulatedMlflowTest {

  /** Three epochs, each with its values and a checkpoint of a model whose name MLflow refuses as it is. */
  private Run recordOffline() throws Exception {
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(null), out, "checkpoints", "checkpoints");
    try (Model mlp = ModelRegistrationTest.mlp()) {
      for (int epoch = 1; epoch <= 3; epoch++) {
        for (int batch = 0; batch < 4; batch++) {
          run.logMetric("batch_loss", 1.0 / (epoch * 4 + batch), Context.TRAINING, epoch * 4 + batch);
        }
        run.logMetric("accuracy", epoch == 2 ? 0.9 : 0.5 + epoch / 10.0, Context.VALIDATION, epoch);
        run.logMetric("loss", 1.0 / epoch, Context.TRAINING, epoch);
        run.saveModelVersion(mlp, "mlp.v1", Context.TRAINING, epoch);
      }
    }
    run.close();
    return run;
  }

  private MlflowReplica.Result sync(Run run) throws Exception {
    Properties settings = MlflowTestRuns.settings(mlflow.uri());
    settings.setProperty("prov4ml.mlflow.register-models", "true");
    return MlflowReplica.sync(run.runDirectory(), MlflowSettings.from(Prov4mlConfig.load(settings, Map.of(), null),
        Map.of(), mlflow.uri()), Duration.ofSeconds(30));
  }

  @Test
  void everyCheckpointIsAReadyLoggedModelOutputAtItsStepWithItsEpochsValues() throws Exception {
    mlflow.loggedModels();
    Run run = recordOffline();
    MlflowReplica.Result result = sync(run);
    assertTrue(result.complete() && result.left().isEmpty(), result.toString());
    String runId = result.runIds().get(0);
    String experiment = MlflowTestRuns.cursor(run).experimentId;

    List<JsonNode> models = mlflow.loggedModelsCreated();
    assertEquals(3, models.size());
    Map<String, Long> outputs = mlflow.outputs(runId);
    List<ModelVersion> local = RunDirectory.open(run.runDirectory()).modelVersions();
    for (int i = 0; i < 3; i++) {
      JsonNode info = models.get(i).path("info");
      ModelVersion v = local.get(i);
      String id = info.path("model_id").asText();
      assertEquals("mlp_v1", info.path("name").asText(), "MLflow refuses / : . % \" ' in a LoggedModel's name");
      assertEquals(runId, info.path("source_run_id").asText());
      assertEquals("LOGGED_MODEL_READY", info.path("status").asText());
      Map<String, String> tags = tags(info.path("tags"));
      assertEquals("[{\"name\":\"mlp.v1\",\"version\":\"" + (i + 1) + "\"}]", tags.remove("mlflow.modelVersions"),
          "the registry's version is made from the LoggedModel");
      assertEquals(Map.of("prov4ml.step", Long.toString(v.step()), "prov4ml.context", "TRAINING",
          "prov4ml.sha256", v.sha256().orElseThrow()), tags);
      assertEquals(v.step(), outputs.get(id), "an output of the run at its step");
      String file = experiment + "/models/" + id + "/artifacts/" + v.file().getFileName();
      assertTrue(mlflow.artifacts().containsKey(file), "its file under its own artifact location: " + file);
      Map<String, List<Point>> metrics = mlflow.modelMetrics(id);
      assertEquals(List.of(v.step()), metrics.get("validation/accuracy").stream().map(Point::step).toList(),
          "the epoch's point carries the epoch's checkpoint's model_id");
      assertEquals(List.of(v.step()), metrics.get("training/loss").stream().map(Point::step).toList());
      assertFalse(metrics.containsKey("training/batch_loss"), "per-batch points belong to no checkpoint");
      JsonNode registered = mlflow.modelVersions("mlp.v1").get(i);
      assertEquals(info.path("artifact_uri").asText(), registered.path("source").asText());
    }
    assertEquals(3, mlflow.history(runId, "validation/accuracy").size(), "the run's history has each point once");

    int creates = mlflow.requests("POST /api/2.0/mlflow/logged-models");
    assertTrue(sync(run).complete());
    assertEquals(creates, mlflow.requests("POST /api/2.0/mlflow/logged-models"), "a second sync creates none");
    assertEquals(3, mlflow.loggedModelsCreated().size());
    assertEquals(3, mlflow.outputs(runId).size());
    assertEquals(3, mlflow.modelVersions("mlp.v1").size());
  }

  @Test
  void aCreateOrOutputWhoseAnswerWasLostIsFoundNotMadeTwice() throws Exception {
    mlflow.loggedModels();
    Run run = recordOffline();
    mlflow.failNext("/logged-models", 1, Fault.APPLY_THEN_DROP); // the second checkpoint's create
    mlflow.failNext("runs/outputs", 2, Fault.APPLY_THEN_DROP); // the third's output
    MlflowReplica.Result result = sync(run);
    assertTrue(result.complete(), "the sync retried past the lost answers: " + result);
    assertEquals(3, mlflow.loggedModelsCreated().size(), "the created model was found by its tags");
    assertEquals(3, mlflow.outputs(result.runIds().get(0)).size());
    assertEquals(3, mlflow.modelVersions("mlp.v1").size());
  }

  @Test
  void aServerBeforeLoggedModelsGetsNoModelIdAndEverythingElse() throws Exception {
    Run run = recordOffline(); // the emulator answers logged-models with 404, as 2.17.2 does
    MlflowReplica.Result result = sync(run);
    assertTrue(result.complete() && result.left().isEmpty(), result.toString());
    assertEquals(0, mlflow.requests("POST /api/2.0/mlflow/logged-models"));
    assertEquals(0, mlflow.requests("runs/outputs"));
    assertEquals(3, mlflow.history(result.runIds().get(0), "validation/accuracy").size());
    assertEquals(3, mlflow.modelVersions("mlp.v1").size(), "registered from the run's artifacts, as before");
    assertTrue(mlflow.modelVersions("mlp.v1").stream().allMatch(v -> !v.path("source").asText().contains("/models/")));
    assertTrue(mlflow.received().stream().filter(r -> r.path().endsWith("model-versions/create"))
        .noneMatch(r -> new String(r.body(), StandardCharsets.UTF_8).contains("model_id")));
    assertTrue(mlflow.received().stream().filter(r -> r.path().endsWith("runs/log-batch"))
        .noneMatch(r -> new String(r.body(), StandardCharsets.UTF_8).contains("model_id")));
  }

  @Test
  void anEpochsPointsWaitForItsCheckpointUntilTheNextEpochBeginsOrTheRunEnds() throws Exception {
    mlflow.loggedModels();
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(null), out, "holding", "holding");
    try (Model mlp = ModelRegistrationTest.mlp()) {
      run.logMetric("accuracy", 0.5, Context.VALIDATION, 1);
      run.saveModelVersion(mlp, "mlp", Context.TRAINING, 1);
      run.logMetric("accuracy", 0.6, Context.VALIDATION, 2); // epoch 2 saved no checkpoint (yet)
    }
    run.close();
    RunUpload upload = new RunUpload(run.runDirectory(), 0, MlflowTestRuns.syncSettings(mlflow.uri(), Map.of()));
    assertTrue(upload.pass());
    String runId = upload.run().runId();
    assertEquals(List.of(1L), mlflow.history(runId, "validation/accuracy").stream().map(Point::step).toList(),
        "epoch 2's point waits: its checkpoint may still come");
    String checkpoint = mlflow.loggedModelsCreated().get(0).path("info").path("model_id").asText();
    assertEquals(1, mlflow.modelMetrics(checkpoint).get("validation/accuracy").size());

    upload.finish("FINISHED");
    assertEquals(List.of(1L, 2L), mlflow.history(runId, "validation/accuracy").stream().map(Point::step).toList(),
        "at the run's end it goes, without a checkpoint");
    assertEquals(1, mlflow.modelMetrics(checkpoint).get("validation/accuracy").size());
  }

  @Test
  void aPointWaitsNoLongerThanTheDocumentCanLagBehindIt() throws Exception {
    mlflow.loggedModels();
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(null), out, "released", "released");
    long longAgo = System.currentTimeMillis() - 10_000; // older than any document the run writes
    run.logMetric("accuracy", 0.6, Context.VALIDATION, 2, false, longAgo);
    run.close();
    RunUpload upload = new RunUpload(run.runDirectory(), 0, MlflowTestRuns.syncSettings(mlflow.uri(), Map.of()));
    assertTrue(upload.pass());
    assertEquals(1, mlflow.history(upload.run().runId(), "validation/accuracy").size(),
        "a document written since would name its checkpoint: none is to come");
  }

  @Test
  void aSeriesLoggedPerStepWaitsOnlyForTheDocumentsLag() throws Exception {
    mlflow.loggedModels();
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(null), out, "per-step", "per-step");
    try (Model mlp = ModelRegistrationTest.mlp()) {
      run.saveModelVersion(mlp, "mlp", Context.TRAINING, 1);
    }
    long longAgo = System.currentTimeMillis() - 10_000; // older than any document the run writes
    for (int step = 0; step < 2000; step++) { // its last point logged now
      run.logMetric("loss", step, Context.TRAINING, step, false, step < 1999 ? longAgo : System.currentTimeMillis());
    }
    run.close();
    RunUpload upload = new RunUpload(run.runDirectory(), 0, MlflowTestRuns.syncSettings(mlflow.uri(), Map.of()));
    assertTrue(upload.pass());
    assertEquals(1999, mlflow.history(upload.run().runId(), "training/loss").size(), "only the point that its checkpoint may still come for waits");
    upload.finish("FINISHED");
    assertEquals(2000, mlflow.history(upload.run().runId(), "training/loss").size());
    String checkpoint = mlflow.loggedModelsCreated().get(0).path("info").path("model_id").asText();
    assertEquals(List.of(1L), mlflow.modelMetrics(checkpoint).get("training/loss").stream().map(Point::step).toList());
  }

  @Test
  void aLoggedModelNameKeepsWhatMlflowAllows() {
    assertEquals("resnet-50_v2", LoggedModelUpload.name("resnet-50_v2"));
    assertEquals("a_b_c_d_e_f_g", LoggedModelUpload.name("a/b:c.d%e\"f'g"));
    assertEquals("model", LoggedModelUpload.name(""));
  }

  private static Map<String, String> tags(JsonNode tags) {
    Map<String, String> map = new TreeMap<>();
    tags.forEach(t -> map.put(t.path("key").asText(), t.path("value").asText()));
    return map;
  }
}
