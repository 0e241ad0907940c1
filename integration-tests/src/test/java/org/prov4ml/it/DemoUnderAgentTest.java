package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prov4ml.testing.ReadBack.points;
import static org.prov4ml.testing.ReadBack.steps;
import static org.prov4ml.testing.ReadBack.valueAt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.it.apps.DemoTraining;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.ReadBack;

/** The demo, an unmodified DJL app, under the agent: what its local run directory must hold. */
class DemoUnderAgentTest {

  private static final int EPOCHS = 3;
  private static final int BATCHES = DemoTraining.TRAIN_SAMPLES / DemoTraining.BATCH;

  @TempDir
  Path work;

  @Test
  void recordsEveryBatchEpochTestAndSaveOfTheDemoJar() throws Exception {
    ForkedApp.Result app = new ForkedApp(work).property("prov4ml.system-metrics.interval", "100ms")
        .jvmOption("-Xlog:class+load=info:file=classes.txt")
        .runJar(ForkedApp.DEMO_JAR, "--epochs", Integer.toString(EPOCHS), "--models", "models").requireSuccess();
    RunDirectory run = app.onlyRun();
    // DJL 0.36.0's classes were woven when the agent jar was built: Byte Buddy is never loaded.
    assertEquals(0, byteBuddyClassesLoaded(), "Byte Buddy classes loaded");

    List<Long> everyBatch = LongStream.range(0, (long) EPOCHS * BATCHES).boxed().toList();
    assertEquals(everyBatch, steps(run, "batch_loss", Context.TRAINING));
    assertEquals(everyBatch, steps(run, "learning_rate", Context.TRAINING));
    points(run, "learning_rate", Context.TRAINING)
        .forEach(p -> assertEquals(DemoTraining.LEARNING_RATE, (float) p.value()));

    List<Map<String, Float>> printed = AppOutput.epochs(app.stdout());
    assertEquals(EPOCHS, printed.size());
    for (int epoch = 1; epoch <= EPOCHS; epoch++) {
      Map<String, Float> djl = printed.get(epoch - 1);
      for (String name : List.of("loss", "Accuracy", "SoftmaxCrossEntropyLoss")) {
        assertEquals(djl.get("train_" + name), valueAt(run, name, Context.TRAINING, epoch), name + " epoch " + epoch);
        assertEquals(djl.get("validate_" + name), valueAt(run, name, Context.VALIDATION, epoch),
            name + " epoch " + epoch);
      }
    }
    assertEquals(List.of(1L, 2L, 3L), steps(run, "epoch_time_ms", Context.TRAINING));

    Map<String, Float> test = AppOutput.values(app.stdout(), "TEST");
    assertEquals(test.get("Accuracy"), valueAt(run, "Accuracy", Context.TESTING, EPOCHS));
    assertEquals(test.get("SoftmaxCrossEntropyLoss"), valueAt(run, "loss", Context.TESTING, EPOCHS));

    assertEquals(Map.of("mlp-0001.params", 1L, "mlp-0002.params", 2L, "mlp-0003.params", 3L),
        ReadBack.versionSteps(run));
    for (int epoch = 1; epoch <= EPOCHS; epoch++) {
      String file = String.format("mlp-%04d.params", epoch);
      assertEquals(Files.size(work.resolve("models").resolve(file)),
          Files.size(run.path().resolve("artifacts_GR0/mlp").resolve(file)));
    }
    assertTrue(Files.exists(run.path().resolve("artifacts_GR0/model_summary.txt")));

    Map<String, String> expected = new TreeMap<>(Map.of("optimizer_name", "Adam", "optimizer_lr", "0.01",
        "optimizer_weight_decay", "1.0E-4", "optimizer_beta1", "0.9", "optimizer_beta2", "0.999",
        "loss", "SoftmaxCrossEntropyLoss", "evaluators", "Accuracy", "model_name", "mlp", "epochs", "3"));
    expected.putAll(Map.of("train_size", "256", "train_batch_size", "32", "validation_size", "64",
        "model_total_params", "451", // 10*32+32 + 32*3+3
        "epochs_done", "3", "final_validate_loss", printed.get(EPOCHS - 1).get("validate_loss").toString()));
    assertEquals(expected, ReadBack.params(run, expected));
    assertEquals("FINISHED", ReadBack.status(run));

    assertFalse(points(run, "system/cpu_utilization_percentage", Context.SYSTEM).isEmpty()
        && points(run, "system/jvm_heap_used_megabytes", Context.SYSTEM).isEmpty(), "system metrics");
    // One line at the start, one at the end, nothing else from prov4ml.
    assertEquals(1, app.stderrLines("prov4ml 0.1.0-SNAPSHOT: run " + run.path().getFileName()
        + " started, provenance in " + run.path()), app.stderr());
    assertEquals(1, app.stderrLines("FINISHED: "), app.stderr());
    assertEquals(2, app.stderrLines("prov4ml"), app.stderr());
  }

  @Test
  void configFileSwitchesInstrumentationsAndThinsLearningRates() throws Exception {
    Path config = Files.writeString(work.resolve("prov4ml.properties"), String.join("\n",
        "prov4ml.metrics.lr-every-n-steps=5", "prov4ml.metrics.batch.enabled=false",
        "prov4ml.instrument.model-save.enabled=false", "prov4ml.experiment-name=configured",
        "prov4ml.system-metrics.interval=0"));
    ForkedApp.Result app = new ForkedApp(work).agentArgument("config=" + config)
        .jvmOption("-Xlog:class+load=info:file=classes.txt")
        .runJar(ForkedApp.DEMO_JAR, "--epochs", "2", "--models", "models").requireSuccess();
    // A switch off changes what BaseModel's woven form would be: it goes through Byte Buddy at run time.
    assertTrue(byteBuddyClassesLoaded() > 100, "Byte Buddy classes loaded: " + byteBuddyClassesLoaded());
    RunDirectory run = app.onlyRun();
    assertTrue(run.path().getFileName().toString().startsWith("configured_"), run.toString());
    assertEquals(List.of(0L, 5L, 10L, 15L), steps(run, "learning_rate", Context.TRAINING));
    assertEquals(List.of(), steps(run, "batch_loss", Context.TRAINING));
    assertEquals(Map.of(), ReadBack.versionSteps(run));
    assertEquals(List.of(1L, 2L), steps(run, "loss", Context.TRAINING));
    assertTrue(points(run, "system/jvm_heap_used_megabytes", Context.SYSTEM).isEmpty());
  }

  @Test
  void anAppThatDiesInEpochTwoLeavesAFailedRunWithEverythingBefore() throws Exception {
    ForkedApp.Result app = new ForkedApp(work)
        .runJar(ForkedApp.DEMO_JAR, "--epochs", "3", "--models", "models", "--fail-at-epoch", "2");
    assertNotEquals(0, app.exitCode());
    assertTrue(app.stderr().contains("simulated failure at the end of epoch 2"), app.stderr());
    RunDirectory run = app.onlyRun();
    assertEquals("FAILED", ReadBack.status(run));
    assertEquals(LongStream.range(0, 2L * BATCHES).boxed().toList(), steps(run, "batch_loss", Context.TRAINING));
    assertEquals(List.of(1L), steps(run, "loss", Context.TRAINING)); // epoch 2's end never completed
    assertEquals(Map.of("mlp-0001.params", 1L, "mlp-0002.params", 2L), ReadBack.versionSteps(run));
  }

  @Test
  void withoutEvaluatorTrainingListenerWarnsOnceAndRecordsTheRest() throws Exception {
    ForkedApp.Result app = new ForkedApp(work)
        .runJar(ForkedApp.DEMO_JAR, "--epochs", "2", "--models", "models", "--no-evaluator-listener")
        .requireSuccess();
    assertEquals(1, app.stderrLines("has no EvaluatorTrainingListener"), app.stderr());
    RunDirectory run = app.onlyRun();
    assertEquals(List.of(), steps(run, "batch_loss", Context.TRAINING));
    assertEquals(2L * BATCHES, steps(run, "learning_rate", Context.TRAINING).size());
    assertEquals(List.of(1L, 2L), steps(run, "epoch_time_ms", Context.TRAINING));
    assertEquals("451", run.params().get("model_total_params"));
    assertEquals(2, ReadBack.versionSteps(run).size());
    assertEquals(0, app.stderrLines("failed;"), app.stderr());
  }

  /** Byte Buddy classes (relocated in the agent jar) the last forked JVM loaded, from its class-load log. */
  private long byteBuddyClassesLoaded() throws java.io.IOException {
    try (java.util.stream.Stream<String> lines = Files.lines(work.resolve("classes.txt"))) {
      return lines.filter(l -> l.contains(" org.prov4ml.shaded.net.bytebuddy.")).count();
    }
  }
}
