package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prov4ml.testing.ReadBack.points;
import static org.prov4ml.testing.ReadBack.steps;
import static org.prov4ml.testing.ReadBack.valueAt;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.it.apps.CustomLoopApp;
import org.prov4ml.it.apps.DemoTraining;
import org.prov4ml.it.apps.HelloApp;
import org.prov4ml.it.apps.TwoTrainersApp;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.ReadBack;

/** Trainings that are not the demo's shape: a loop of its own, two trainers in one JVM, no training. */
class TrainingShapesTest {

  private static final int BATCHES = DemoTraining.TRAIN_SAMPLES / DemoTraining.BATCH;

  @TempDir
  Path work;

  @Test
  void customLoopWithoutEasyTrainGetsEveryStepsLearningRateAndWhatItsListenersFire() throws Exception {
    ForkedApp.Result app = new ForkedApp(work).appClassPath().runMain(CustomLoopApp.class, "--epochs", "2")
        .requireSuccess();
    RunDirectory run = app.onlyRun();
    Map<String, Float> printed = AppOutput.values(app.stdout().replaceAll("(?m)^LR (\\d+) ", "LR $1="), "LR");
    List<MetricPoint> rates = points(run, "learning_rate", Context.TRAINING);
    assertEquals(2 * BATCHES, rates.size());
    for (MetricPoint p : rates) {
      assertEquals(printed.get(Long.toString(p.step())), (float) p.value(), "learning rate at step " + p.step());
    }
    assertTrue(rates.get(0).value() > rates.get(rates.size() - 1).value(), "the rate decays");
    assertEquals(LongStream.range(0, 2L * BATCHES).boxed().toList(), steps(run, "batch_loss", Context.TRAINING));
    List<Map<String, Float>> epochs = AppOutput.epochs(app.stdout());
    assertEquals(epochs.get(1).get("train_loss"), valueAt(run, "loss", Context.TRAINING, 2));
    assertEquals(List.of(), steps(run, "loss", Context.VALIDATION), "no validation set: NaN is not recorded");
    assertEquals("Sgd", run.params().get("optimizer_name"));
    assertEquals("0.5", run.params().get("optimizer_momentum"));
  }

  @Test
  void secondTrainerContinuesTheRunsCountsUnderItsOwnPrefix() throws Exception {
    ForkedApp.Result app = new ForkedApp(work).appClassPath().runMain(TwoTrainersApp.class, "--epochs", "2")
        .requireSuccess();
    RunDirectory run = app.onlyRun();
    assertEquals(LongStream.range(0, 4L * BATCHES).boxed().toList(), steps(run, "batch_loss", Context.TRAINING));
    assertEquals(LongStream.range(0, 4L * BATCHES).boxed().toList(), steps(run, "learning_rate", Context.TRAINING));
    List<Map<String, Float>> printed = AppOutput.epochs(app.stdout());
    assertEquals(4, printed.size());
    for (int epoch = 1; epoch <= 4; epoch++) {
      assertEquals(printed.get(epoch - 1).get("train_loss"), valueAt(run, "loss", Context.TRAINING, epoch));
    }
    assertEquals((float) TwoTrainersApp.FINE_TUNE_LR, valueAt(run, "learning_rate", Context.TRAINING, 2L * BATCHES));
    Map<String, String> expected = Map.of("optimizer_name", "Adam", "trainer2.optimizer_name", "Sgd",
        "trainer2.optimizer_lr", "0.05", "trainer2.optimizer_momentum", "0.9", "trainer2.epochs_done", "2",
        "trainer2.model_total_params", "451");
    assertEquals(expected, ReadBack.params(run, expected));
  }

  @Test
  void perTrainerRunsGiveEachTrainerItsOwnRun() throws Exception {
    ForkedApp.Result app = new ForkedApp(work).appClassPath().property("prov4ml.run.per-trainer", "true")
        .runMain(TwoTrainersApp.class, "--epochs", "1").requireSuccess();
    List<RunDirectory> runs = app.runs();
    assertEquals(2, runs.size(), runs.toString());
    for (RunDirectory run : runs) {
      assertEquals(LongStream.range(0, BATCHES).boxed().toList(), steps(run, "batch_loss", Context.TRAINING));
      assertEquals(List.of(1L), steps(run, "loss", Context.TRAINING));
      assertEquals("FINISHED", ReadBack.status(run));
    }
    assertEquals("Adam", runs.get(0).params().get("optimizer_name"));
    assertEquals("Sgd", runs.get(1).params().get("optimizer_name"));
  }

  @Test
  void aJvmThatNeverTrainsGetsAtMostTheStartLineAndNoRun() throws Exception {
    ForkedApp.Result app = new ForkedApp(work).appClassPath().runMain(HelloApp.class).requireSuccess();
    assertEquals(List.of(), app.runs());
    // The agent starts in the background: a JVM this short may be gone before it logs its start line.
    assertTrue(app.stderr().lines().count() <= 1, app.stderr());
    assertFalse(app.stderr().contains("WARN") || app.stderr().contains("ERROR"), app.stderr());
  }
}
