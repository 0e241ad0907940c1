package org.prov4ml.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.QuietTrainingJvm;

/**
 * The listener in the training JVM, with no agent: what a run records of a real DJL training
 * (PyTorch engine, offline). The integration tests run the same applications with the listener and
 * under the agent and hold both to one suite; this is the listener's own contract.
 */
class Prov4mlTrainingListenerTest {

  private static final int SAMPLES = 64;
  private static final int BATCH = 16;
  private static final int BATCHES = SAMPLES / BATCH;
  private static final float LR = 0.01f;

  @TempDir Path out;

  @RegisterExtension
  static final QuietTrainingJvm JVM = QuietTrainingJvm.with();

  @Test
  void recordsTheAgentsNamesStepsAndValuesOfEverythingAListenerSees() throws Exception {
    EpochValues djl = new EpochValues();
    Prov4mlTrainingListener listener = new Prov4mlTrainingListener().optRunOptions(options("listener"));
    Path runDir = train(2, listener, djl);

    RunDirectory run = RunDirectory.open(runDir);
    List<Long> everyBatch = LongStream.range(0, 2L * BATCHES).boxed().toList();
    assertEquals(everyBatch, steps(run, "batch_loss", Context.TRAINING));
    assertEquals(everyBatch, steps(run, "learning_rate", Context.TRAINING));
    points(run, "learning_rate", Context.TRAINING).forEach(p -> assertEquals(LR, (float) p.value()));
    for (int epoch = 1; epoch <= 2; epoch++) {
      Map<String, Float> values = djl.epochs.get(epoch - 1);
      for (String name : List.of("loss", "Accuracy")) {
        assertEquals(values.get("train_" + name), valueAt(run, name, Context.TRAINING, epoch), name);
        assertEquals(values.get("validate_" + name), valueAt(run, name, Context.VALIDATION, epoch), name);
      }
    }
    assertEquals(List.of(1L, 2L), steps(run, "epoch_time_ms", Context.TRAINING));

    Map<String, String> params = run.params();
    Map<String, String> expected = Map.of("optimizer_name", "Adam", "optimizer_lr", "0.01", "loss",
        "SoftmaxCrossEntropyLoss", "evaluators", "Accuracy", "initializers", "XavierInitializer,ZEROS",
        "model_name", "mlp", "model_total_params", "195", "epochs_done", "2", "final_validate_Accuracy",
        djl.epochs.get(1).get("validate_Accuracy").toString());
    for (Map.Entry<String, String> e : expected.entrySet()) {
      assertEquals(e.getValue(), params.get(e.getKey()), e.getKey() + " in " + params);
    }
    assertTrue(params.containsKey("devices") && params.containsKey("model_memory_bytes"), params.toString());
    assertFalse(params.containsKey("epochs"), "fit's epochs are the agent's: a listener cannot see fit");
    assertTrue(Files.isRegularFile(runDir.resolve("artifacts_GR0/model_summary.txt")));
    assertEquals(List.of(), run.modelVersions());
  }

  @Test
  void aTrainerWithTwoProv4mlListenersIsRecordedOnce() throws Exception {
    Prov4mlTrainingListener first = new Prov4mlTrainingListener().optRunOptions(options("twice"));
    Path runDir = train(1, first, new Prov4mlTrainingListener());
    RunDirectory run = RunDirectory.open(runDir);
    assertEquals(LongStream.range(0, BATCHES).boxed().toList(), steps(run, "batch_loss", Context.TRAINING));
    assertEquals(List.of(1L), steps(run, "loss", Context.TRAINING));
    assertFalse(run.params().keySet().stream().anyMatch(k -> k.startsWith("trainer2.")), run.params().toString());
  }

  @Test
  void optionsOverrideTheConfiguration() throws Exception {
    Prov4mlTrainingListener listener = new Prov4mlTrainingListener().optRunOptions(options("thinned"))
        .optBatchMetrics(false).optLearningRateEvery(3);
    Path runDir = train(2, listener);
    assertTrue(runDir.getFileName().toString().startsWith("thinned_"), runDir.toString());
    RunDirectory run = RunDirectory.open(runDir);
    assertEquals(List.of(), steps(run, "batch_loss", Context.TRAINING));
    assertEquals(List.of(0L, 3L, 6L), steps(run, "learning_rate", Context.TRAINING));
    assertThrows(IllegalArgumentException.class, () -> listener.optLearningRateEvery(0));
  }

  @Test
  void aTrainerInTheActiveRunJoinsIt() throws Exception {
    Run active = Prov4ml.startRun(options("joined"));
    Path runDir = train(1, new Prov4mlTrainingListener());
    assertEquals(active.runDirectory(), runDir);
    assertFalse(active.isEnded(), "the listener leaves a run it did not start to its owner");
  }

  @Test
  void perTrainerRunsEndWithTheirTrainer() throws Exception {
    Prov4mlTrainingListener listener = new Prov4mlTrainingListener().optRunOptions(options("own"))
        .optRunPerTrainer(true);
    Path first = train(1, listener);
    Path second = train(1, listener);
    assertFalse(first.equals(second));
    assertFalse(Prov4ml.activeRun().isPresent());
    for (Path dir : List.of(first, second)) {
      assertEquals("FINISHED", RunDirectory.open(dir).run().status().map(Enum::name).orElse("running"));
    }
  }

  private RunOptions options(String experiment) {
    return RunOptions.builder().experimentName(experiment).outputDir(out).build();
  }

  /** Trains a 20 -> 8 -> 3 MLP for {@code epochs} with validation; returns the run directory. */
  private static Path train(int epochs, TrainingListener... listeners) throws Exception {
    Engine.getInstance().setRandomSeed(7);
    try (NDManager manager = NDManager.newBaseManager(); Model model = Model.newInstance("mlp")) {
      model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(8).build()).add(Activation::relu)
          .add(Linear.builder().setUnits(3).build()));
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
          .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(LR)).build())
          .addEvaluator(new Accuracy())
          .addTrainingListeners(TrainingListener.Defaults.basic())
          .addTrainingListeners(listeners);
      Path runDir;
      try (Trainer trainer = model.newTrainer(config)) {
        runDir = Prov4ml.activeRun().map(Run::runDirectory).orElseThrow();
        trainer.initialize(new Shape(BATCH, 20));
        EasyTrain.fit(trainer, epochs, dataset(manager), dataset(manager));
      }
      Prov4ml.flush();
      return runDir;
    }
  }

  private static ArrayDataset dataset(NDManager manager) {
    NDArray x = manager.randomNormal(new Shape(SAMPLES, 20));
    NDArray y = x.get(":, 0:3").argMax(1).toType(DataType.FLOAT32, false);
    return new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(BATCH, true).build();
  }

  private static List<MetricPoint> points(RunDirectory run, String key, Context context) {
    return run.metric(key, context).map(s -> s.points().toList()).orElse(List.of());
  }

  private static List<Long> steps(RunDirectory run, String key, Context context) {
    return points(run, key, context).stream().map(MetricPoint::step).toList();
  }

  private static float valueAt(RunDirectory run, String key, Context context, long step) {
    return (float) points(run, key, context).stream().filter(p -> p.step() == step).findFirst().orElseThrow()
        .value();
  }

  /** What DJL itself reports after each epoch, read by a listener ahead of prov4ml's. */
  private static final class EpochValues extends TrainingListenerAdapter {
    final List<Map<String, Float>> epochs = new ArrayList<>();

    @Override
    public void onEpoch(Trainer trainer) {
      epochs.add(new HashMap<>(trainer.getTrainingResult().getEvaluations()));
    }
  }
}
