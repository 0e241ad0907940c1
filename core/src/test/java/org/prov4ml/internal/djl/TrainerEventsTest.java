package org.prov4ml.internal.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.djl.Prov4mlTrainingListener;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.QuietTrainingJvm;

/**
 * The agent's {@code Engine.setRandomSeed} event on a real training: what the advice hands over is
 * called here as the advice would, next to the real {@code setRandomSeed}.
 */
class TrainerEventsTest {

  private static final int SAMPLES = 32;
  private static final int BATCH = 8;

  @TempDir Path out;

  @RegisterExtension
  static final QuietTrainingJvm JVM =
      QuietTrainingJvm.with("prov4ml.code.enabled", "false", "prov4ml.environment.enabled", "false");

  @Test
  void aSeedSetWithNoActiveRunStartsNoneAndTheRunsFirstTrainerRecordsIt() throws Exception {
    seed(42); // before any run, as applications usually do
    assertFalse(Prov4ml.activeRun().isPresent(), "a seed alone starts no run");
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(List.of(), files.toList());
    }
    Path dir = train(1, null);
    Prov4ml.endRun();
    RunDirectory run = RunDirectory.open(dir);
    assertEquals("42", run.params().get("random_seed"));
    assertFalse(run.params().containsKey("random_seed_2"), run.params().toString());
    assertEquals(List.of(), run.metric("random_seed", Context.TRAINING).map(s -> s.points().toList())
        .orElse(List.of()), "no seed was set while the run was active");
  }

  @Test
  void seedsSetMidRunAreParamsInOrderAndPointsAtTheBatchTheyHoldFrom() throws Exception {
    seed(42);
    // Seeded again after each epoch: 7, then 42 again (no new param, but a point), then 9 after training.
    int[] reseeds = {7, 42};
    TrainingListener reseeding = new TrainingListenerAdapter() {
      private int epoch;

      @Override
      public void onEpoch(Trainer trainer) {
        seed(reseeds[epoch++]);
      }
    };
    Path dir = train(2, reseeding);
    seed(9);
    Prov4ml.endRun();
    RunDirectory run = RunDirectory.open(dir);
    Map<String, String> params = run.params();
    assertEquals("42", params.get("random_seed"));
    assertEquals("7", params.get("random_seed_2"));
    assertEquals("9", params.get("random_seed_3"));
    assertFalse(params.containsKey("random_seed_4"), params.toString());
    int batches = SAMPLES / BATCH;
    List<MetricPoint> points = run.metric("random_seed", Context.TRAINING).orElseThrow().points().toList();
    assertEquals(List.of((long) batches, 2L * batches, 2L * batches), points.stream().map(MetricPoint::step).toList());
    assertEquals(List.of(7.0, 42.0, 9.0), points.stream().map(MetricPoint::value).toList());
  }

  /** What {@code Engine.setRandomSeed} does under the agent: the engine's seed, then the advice's call. */
  private static void seed(int seed) {
    Engine.getInstance().setRandomSeed(seed);
    TrainerEvents.seedSet(seed);
  }

  /** Trains a 4 -> 1 linear model in a run of its own that stays active; returns its directory. */
  private Path train(int epochs, TrainingListener extra) throws Exception {
    Run run = Prov4ml.startRun(RunOptions.builder().experimentName("seeds").outputDir(out).build());
    try (NDManager manager = NDManager.newBaseManager(); Model model = Model.newInstance("linear")) {
      model.setBlock(Linear.builder().setUnits(1).build());
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
          .addTrainingListeners(TrainingListener.Defaults.basic())
          .addTrainingListeners(new Prov4mlTrainingListener());
      if (extra != null) {
        config.addTrainingListeners(extra);
      }
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(BATCH, 4));
        NDArray x = manager.randomNormal(new Shape(SAMPLES, 4));
        NDArray y = x.sum(new int[] {1}).toType(DataType.FLOAT32, false);
        ArrayDataset data = new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(BATCH, false).build();
        EasyTrain.fit(trainer, epochs, data, null);
      }
    }
    return run.runDirectory();
  }
}
