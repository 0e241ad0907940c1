package org.prov4ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.ReadBack;

/** logModel, saveModelVersion and logOptimizer on real DJL objects (PyTorch engine, offline). */
class ModelLoggingTest {

  @TempDir Path out;

  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  @AfterEach
  void end() {
    Prov4ml.endRun();
  }

  /** 20 -> 8 -> 3: (20*8 + 8) + (8*3 + 3) = 195 float32 scalars, 780 bytes. */
  private static Model mlp(boolean initialise) {
    Model model = Model.newInstance("mlp");
    model.setBlock(new SequentialBlock()
        .add(Linear.builder().setUnits(8).build())
        .add(Activation::relu)
        .add(Linear.builder().setUnits(3).build()));
    if (initialise) {
      model.getBlock().initialize(model.getNDManager(), model.getDataType(), new Shape(1, 20));
    }
    return model;
  }

  private Run start() {
    return Prov4ml.startRun(RunOptions.builder().experimentName("models").outputDir(out).build());
  }

  @Test
  void logModelRecordsSizeSummaryAndSavedModel() throws Exception {
    Run run = start();
    try (Model model = mlp(true)) {
      run.logModel(model, "mlp");
    }
    run.close();
    RunDirectory dir = RunDirectory.open(run.runDirectory());
    assertEquals("195", dir.params().get("mlp_total_params"));
    assertEquals("780", dir.params().get("mlp_memory_bytes"));
    Path artifacts = run.runDirectory().resolve("artifacts_GR0");
    String summary = Files.readString(artifacts.resolve("mlp_summary.txt"));
    assertTrue(summary.startsWith("SequentialBlock"), summary);
    assertTrue(Files.exists(artifacts.resolve("mlp/mlp-0000.params")));
    Map<String, String> model = ReadBack.entity(dir, "mlp//models_GR0_0");
    assertEquals("provml:Model", model.get("prov:type"));
    assertEquals("195", model.get("yprov:total_params"));
    assertEquals("780", model.get("yprov:memory_bytes"));
    org.prov4ml.rundir.Model logged = dir.models().get(0);
    assertEquals("mlp//models_GR0_0", logged.id());
    assertEquals("mlp", logged.name());
    assertEquals(195, logged.totalParams().orElseThrow());
    assertEquals(780, logged.memoryBytes().orElseThrow());
    // The summary and the saved parameters derive from the model.
    assertEquals(List.of("mlp/mlp-0000.params", "mlp_summary.txt"),
        logged.files().stream().map(org.prov4ml.rundir.Artifact::path).toList());
    assertEquals(List.of("mlp_summary.txt//models_GR0_0", "mlp/mlp-0000.params//models_GR0_0"),
        dir.artifacts().stream().map(org.prov4ml.rundir.Artifact::id).toList());
    assertTrue(dir.artifacts().get(1).model());
  }

  @Test
  void logModelRefusesAnUninitialisedBlock() {
    Run run = start();
    try (Model model = mlp(false)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run.logModel(model, "mlp"));
      assertTrue(e.getMessage().contains("'mlp'") && e.getMessage().contains("not initialised"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> run.saveModelVersion(model, "mlp", Context.TRAINING));
    }
  }

  @Test
  void modelVersionsAreSavedWithTheStepAsEpochAndDerivedFromEachOther() throws Exception {
    Run run = start();
    try (Model model = mlp(true)) {
      model.setProperty("Epoch", "42");
      run.saveModelVersion(model, "mlp", Context.TRAINING, 1);
      run.saveModelVersion(model, "mlp", Context.TRAINING, 2);
      run.saveModelVersion(model, "mlp", Context.VALIDATION, 3);
      assertEquals("42", model.getProperty("Epoch"), "the app's own Epoch property is put back");
    }
    run.close();
    Path dir = run.runDirectory().resolve("artifacts_GR0/mlp");
    for (int step = 1; step <= 3; step++) {
      assertTrue(Files.exists(dir.resolve(String.format("mlp-%04d.params", step))), "version " + step);
    }
    RunDirectory reader = RunDirectory.open(run.runDirectory());
    Map<String, String> v2 = ReadBack.entity(reader, "mlp-0002.params//TRAINING");
    assertEquals("provml:Model", v2.get("prov:type"));
    assertEquals("2", v2.get("yprov:step"));
    assertEquals("195", v2.get("yprov:total_params"));
    assertEquals(Long.toString(Files.size(dir.resolve("mlp-0002.params"))), v2.get("yprov:file_size"));
    List<org.prov4ml.rundir.ModelVersion> versions = reader.modelVersions();
    assertEquals(List.of(1L, 2L, 3L), versions.stream().map(org.prov4ml.rundir.ModelVersion::step).toList());
    org.prov4ml.rundir.ModelVersion v3 = versions.get(2);
    assertEquals("mlp", v3.name());
    assertEquals(Context.VALIDATION, v3.context());
    assertEquals(dir.resolve("mlp-0003.params"), v3.file());
    assertEquals(Files.size(v3.file()), v3.size());
    assertEquals(org.prov4ml.internal.format.FileDigests.sha256(v3.file()), v3.sha256().orElseThrow());
    // Each version derives from the one before.
    assertEquals(versions.get(1), v3.previous().orElseThrow());
    assertEquals(versions.get(0), versions.get(1).previous().orElseThrow());
    assertTrue(versions.get(0).previous().isEmpty());
  }

  @Test
  void optimizerHyperParametersAreRecorded() throws Exception {
    Run run = start();
    Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).optBeta1(0.8f).optBeta2(0.99f)
        .optEpsilon(1e-7f).optWeightDecays(0.001f).optClipGrad(5f).build();
    run.logOptimizer(adam);
    Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).optMomentum(0.9f).build();
    run.close();
    Map<String, String> params = RunDirectory.open(run.runDirectory()).params();
    assertEquals("Adam", params.get("optimizer_name"));
    assertEquals("0.01", params.get("optimizer_lr"));
    assertEquals("0.8", params.get("optimizer_beta1"));
    assertEquals("0.99", params.get("optimizer_beta2"));
    assertEquals("1.0E-7", params.get("optimizer_epsilon"));
    assertEquals("0.001", params.get("optimizer_weight_decay"));
    assertEquals("5.0", params.get("optimizer_clip_grad"));
    assertEquals("1.0", params.get("optimizer_rescale_grad"));
    assertEquals(Map.of("optimizer_name", "Sgd", "optimizer_lr", "0.1", "optimizer_momentum", "0.9",
        "optimizer_weight_decay", "0.0", "optimizer_clip_grad", "-1.0", "optimizer_rescale_grad", "1.0"),
        org.prov4ml.internal.run.OptimizerParams.of(sgd, "").entrySet().stream().collect(
            java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue()))));
  }

  @Test
  void learningRateFollowsTheTrackerDuringTraining() {
    Optimizer sgd = Optimizer.sgd().setLearningRateTracker(
        Tracker.factor().setBaseValue(1f).setFactor(0.5f).build()).build();
    try (Model model = mlp(false);
        Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(sgd))) {
      trainer.initialize(new Shape(1, 20));
      assertEquals(1f, org.prov4ml.internal.run.OptimizerParams.currentLearningRate(sgd));
    }
  }
}
