package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.prov4ml.testing.ReadBack.steps;
import static org.prov4ml.testing.ReadBack.valueAt;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.it.apps.SmallEpochsApp;
import org.prov4ml.rundir.ModelVersion;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.ReadBack;

/**
 * Many short epochs, each saved by DJL's {@code SaveModelTrainingListener}: the workload of the
 * per-epoch benchmark (docs/benchmarks.md). The document is rewritten once per interval rather than
 * per version; at the end it must still hold every version, each derived from the one before.
 */
class SmallEpochsUnderAgentTest {

  private static final int EPOCHS = 30;

  @TempDir
  Path work;

  @Test
  void everyEpochsVersionAndPointsAreInTheRunDirectory() throws Exception {
    ForkedApp.Result app = new ForkedApp(work).appClassPath()
        .property("prov4ml.document.rewrite-interval", "200ms") // several rewrites within the run
        .runMain(SmallEpochsApp.class, "--epochs", Integer.toString(EPOCHS), "--models", "models").requireSuccess();
    RunDirectory run = app.onlyRun();
    assertEquals("FINISHED", ReadBack.status(run));

    Map<String, Long> expectedVersions = new TreeMap<>();
    for (long epoch = 1; epoch <= EPOCHS; epoch++) {
      expectedVersions.put(String.format(Locale.ROOT, "mlp-%04d.params", epoch), epoch);
    }
    assertEquals(expectedVersions, ReadBack.versionSteps(run));
    for (ModelVersion v : run.modelVersions()) {
      assertEquals(v.step() == 1 ? null : v.step() - 1, v.previous().map(ModelVersion::step).orElse(null),
          "the version before " + v.id());
    }

    long batches = (long) EPOCHS * SmallEpochsApp.TRAIN_BATCHES;
    assertEquals(LongStream.range(0, batches).boxed().toList(), steps(run, "batch_loss", Context.TRAINING));
    assertEquals(LongStream.rangeClosed(1, EPOCHS).boxed().toList(), steps(run, "loss", Context.VALIDATION));
    Map<String, Float> last = AppOutput.epochs(app.stdout()).get(0); // printed for the last epoch only
    assertEquals(last.get("train_loss"), valueAt(run, "loss", Context.TRAINING, EPOCHS));
    assertEquals(last.get("validate_loss"), valueAt(run, "loss", Context.VALIDATION, EPOCHS));
    Map<String, String> params = Map.of("train_batch_size", String.valueOf(SmallEpochsApp.BATCH),
        "train_size", String.valueOf(SmallEpochsApp.TRAIN_BATCHES * SmallEpochsApp.BATCH),
        "model_total_params", String.valueOf(16 * 32 + 32 + 32 * 3 + 3));
    assertEquals(new TreeMap<>(params), ReadBack.params(run, params));
  }
}
