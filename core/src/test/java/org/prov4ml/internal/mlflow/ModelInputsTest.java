package org.prov4ml.internal.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.Run;
import org.prov4ml.rundir.InputModel;
import org.prov4ml.rundir.ModelVersion;
import org.prov4ml.rundir.RunDirectory;

/** The models a run started from as model inputs of its MLflow run ({@link ModelInputs}), against the emulator. */
class ModelInputsTest extends EmulatedMlflowTest {

  /** A pre-training in {@code outputDir} that saves two checkpoints of different content, synced. */
  private Run preTrain(Path outputDir, String experiment) throws Exception {
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(null), outputDir, experiment, "pretrain");
    try (Model mlp = ModelRegistrationTest.mlp()) {
      for (int epoch = 1; epoch <= 2; epoch++) {
        mlp.getBlock().getParameters().valueAt(0).getArray().addi(1); // each checkpoint its own content
        run.logMetric("loss", 1.0 / epoch, Context.TRAINING, epoch);
        run.saveModelVersion(mlp, "mlp", Context.TRAINING, epoch);
      }
    }
    run.close();
    assertTrue(MlflowTestRuns.sync(run.runDirectory(), mlflow.uri(), Map.of()).complete());
    return run;
  }

  /** A fine-tuning in {@code outputDir} that starts from {@code file} and saves a checkpoint of its own. */
  private Run fineTune(Path outputDir, String experiment, Path file) throws Exception {
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(null), outputDir, experiment, "finetune");
    run.logInputModel("mlp", file);
    try (Model mlp = ModelRegistrationTest.mlp()) {
      run.logMetric("loss", 0.1, Context.TRAINING, 1);
      run.saveModelVersion(mlp, "mlp", Context.TRAINING, 1);
    }
    run.close();
    List<InputModel> inputs = RunDirectory.open(run.runDirectory()).inputModels();
    assertEquals(1, inputs.size());
    assertTrue(inputs.get(0).sha256().isPresent(), "hashed by the time the run closed");
    return run;
  }

  private String modelIdOf(Run producer, ModelVersion v) throws Exception {
    return MlflowTestRuns.cursor(producer).loggedModels.values().stream().filter(c -> c.step == v.step())
        .findFirst().orElseThrow().modelId;
  }

  private List<String> searchFilters() {
    return mlflow.received().stream().filter(r -> r.path().endsWith("logged-models/search"))
        .map(r -> new String(r.body(), StandardCharsets.UTF_8)).filter(b -> b.contains("prov4ml.sha256")).toList();
  }

  @Test
  void aCheckpointOfAnotherRunInTheOutputDirectoryIsAModelInputWhateverItsExperiment() throws Exception {
    mlflow.loggedModels();
    Run pre = preTrain(out, "pretraining");
    ModelVersion loaded = RunDirectory.open(pre.runDirectory()).modelVersions().get(1);
    Run fine = fineTune(out, "finetuning", loaded.file());

    MlflowReplica.Result result = MlflowTestRuns.sync(fine.runDirectory(), mlflow.uri(), Map.of());
    assertTrue(result.complete(), result.toString());
    String runId = result.runIds().get(0);
    assertEquals(List.of(modelIdOf(pre, loaded)), mlflow.modelInputs(runId),
        "the pre-training's LoggedModel of the loaded checkpoint, found through the run index and the pre-training's "
            + "cursor, though it is in another experiment than the tag search covers");
    assertEquals(1, MlflowTestRuns.cursor(fine).loggedModels.size(), "its own checkpoint is an output, not an input");

    int logInputs = mlflow.requests("runs/log-inputs");
    int searches = mlflow.requests("logged-models/search");
    assertTrue(MlflowTestRuns.sync(fine.runDirectory(), mlflow.uri(), Map.of()).complete());
    assertEquals(logInputs, mlflow.requests("runs/log-inputs"), "a second sync sends nothing: the cursor kept it");
    assertEquals(searches, mlflow.requests("logged-models/search"), "nor looks for it again");
    assertEquals(List.of(modelIdOf(pre, loaded)), mlflow.modelInputs(runId));
  }

  @Test
  void aCheckpointFromAnotherOutputDirectoryIsFoundByItsShaTagInTheRunsExperiment(@TempDir Path elsewhere)
      throws Exception {
    mlflow.loggedModels();
    Run pre = preTrain(elsewhere, "shared");
    ModelVersion loaded = RunDirectory.open(pre.runDirectory()).modelVersions().get(0);
    Run fine = fineTune(out, "shared", loaded.file());

    MlflowReplica.Result result = MlflowTestRuns.sync(fine.runDirectory(), mlflow.uri(), Map.of());
    assertTrue(result.complete(), result.toString());
    assertEquals(List.of(modelIdOf(pre, loaded)), mlflow.modelInputs(result.runIds().get(0)));
    // JSON escapes nothing in it: the filter as MLflow's parser reads it
    assertTrue(searchFilters().stream().anyMatch(b -> b.contains(
        "tags.`prov4ml.sha256` = '" + loaded.sha256().orElseThrow() + "'")), searchFilters().toString());
  }

  @Test
  void aCraftedCursorCannotNameAnotherLoggedModel() throws Exception {
    mlflow.loggedModels();
    Run pre = preTrain(out, "pretraining");
    List<ModelVersion> versions = RunDirectory.open(pre.runDirectory()).modelVersions();
    UploadCursor crafted = UploadCursor.load(pre.runDirectory(), 0, mlflow.uri());
    String otherModel = modelIdOf(pre, versions.get(0));
    crafted.loggedModels.values().forEach(c -> c.modelId = otherModel); // every checkpoint "is" the first one
    crafted.save();
    Run fine = fineTune(out, "finetuning", versions.get(1).file());

    MlflowReplica.Result result = MlflowTestRuns.sync(fine.runDirectory(), mlflow.uri(), Map.of());
    assertTrue(result.complete(), result.toString());
    assertEquals(List.of(), mlflow.modelInputs(result.runIds().get(0)),
        "the server's LoggedModel has another SHA-256 than the file loaded, and the run's experiment has none");
    assertEquals(Map.of(RunDirectory.open(fine.runDirectory()).inputModels().get(0).id(), ModelInputs.NONE),
        MlflowTestRuns.cursor(fine).modelInputs, "settled by the last pass: a second sync does not look again");
  }

  @Test
  void aFileNoRunRecordedSendsNoModelInput() throws Exception {
    mlflow.loggedModels();
    Path weights = Files.write(out.resolve("downloaded.params"), new byte[] {1, 2, 3});
    Run fine = fineTune(out, "finetuning", weights);
    MlflowReplica.Result result = MlflowTestRuns.sync(fine.runDirectory(), mlflow.uri(), Map.of());
    assertTrue(result.complete(), result.toString());
    assertEquals(List.of(), mlflow.modelInputs(result.runIds().get(0)));
    assertTrue(mlflow.received().stream().filter(r -> r.path().endsWith("runs/log-inputs"))
        .noneMatch(r -> new String(r.body(), StandardCharsets.UTF_8).contains("\"models\"")));
    int searches = mlflow.requests("logged-models/search");
    assertTrue(MlflowTestRuns.sync(fine.runDirectory(), mlflow.uri(), Map.of()).complete());
    assertEquals(searches, mlflow.requests("logged-models/search"), "the cursor says none was found");
  }

  @Test
  void aServerBeforeLoggedModelsGetsNoModelInputs() throws Exception {
    Run pre = preTrain(out, "pretraining"); // the emulator answers logged-models with 404, as 2.17.2 does
    Run fine = fineTune(out, "pretraining", RunDirectory.open(pre.runDirectory()).modelVersions().get(1).file());
    MlflowReplica.Result result = MlflowTestRuns.sync(fine.runDirectory(), mlflow.uri(), Map.of());
    assertTrue(result.complete() && result.left().isEmpty(), result.toString());
    for (var r : mlflow.received()) {
      String body = new String(r.body(), StandardCharsets.UTF_8);
      assertTrue(!r.path().endsWith("runs/log-inputs") || !body.contains("\"models\""), body);
    }
    JsonNode cursorInputs = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(UploadCursor.fileOf(fine.runDirectory(), 0).toFile()).path("model_inputs");
    assertTrue(cursorInputs.isMissingNode() || cursorInputs.isEmpty(), cursorInputs.toString());
  }
}
