package org.prov4ml.it;

import org.prov4ml.testing.RunDirectoryReader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.it.apps.DemoTraining;

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
    RunDirectoryReader run = app.onlyRun();
    // DJL 0.36.0's classes were woven when the agent jar was built: Byte Buddy is never loaded.
    assertEquals(0, byteBuddyClassesLoaded(), "Byte Buddy classes loaded");

    List<Long> everyBatch = LongStream.range(0, (long) EPOCHS * BATCHES).boxed().toList();
    assertEquals(everyBatch, run.steps("batch_loss", "TRAINING"));
    assertEquals(everyBatch, run.steps("learning_rate", "TRAINING"));
    run.metric("learning_rate", "TRAINING").forEach(p -> assertEquals(DemoTraining.LEARNING_RATE, (float) p.value()));

    List<Map<String, Float>> printed = AppOutput.epochs(app.stdout());
    assertEquals(EPOCHS, printed.size());
    for (int epoch = 1; epoch <= EPOCHS; epoch++) {
      Map<String, Float> djl = printed.get(epoch - 1);
      for (String name : List.of("loss", "Accuracy", "SoftmaxCrossEntropyLoss")) {
        assertEquals(djl.get("train_" + name), run.valueAt(name, "TRAINING", epoch), name + " epoch " + epoch);
        assertEquals(djl.get("validate_" + name), run.valueAt(name, "VALIDATION", epoch), name + " epoch " + epoch);
      }
    }
    assertEquals(List.of(1L, 2L, 3L), run.steps("epoch_time_ms", "TRAINING"));

    Map<String, Float> test = AppOutput.values(app.stdout(), "TEST");
    assertEquals(test.get("Accuracy"), run.valueAt("Accuracy", "TESTING", EPOCHS));
    assertEquals(test.get("SoftmaxCrossEntropyLoss"), run.valueAt("loss", "TESTING", EPOCHS));

    assertEquals(Map.of("mlp-0001.params", 1L, "mlp-0002.params", 2L, "mlp-0003.params", 3L), run.modelVersions());
    for (int epoch = 1; epoch <= EPOCHS; epoch++) {
      String file = String.format("mlp-%04d.params", epoch);
      assertEquals(Files.size(work.resolve("models").resolve(file)),
          Files.size(run.runDir().resolve("artifacts_GR0/mlp").resolve(file)));
    }
    assertTrue(Files.exists(run.runDir().resolve("artifacts_GR0/model_summary.txt")));

    Map<String, String> expected = new TreeMap<>(Map.of("optimizer_name", "Adam", "optimizer_lr", "0.01",
        "optimizer_weight_decay", "1.0E-4", "optimizer_beta1", "0.9", "optimizer_beta2", "0.999",
        "loss", "SoftmaxCrossEntropyLoss", "evaluators", "Accuracy", "model_name", "mlp", "epochs", "3"));
    expected.putAll(Map.of("train_size", "256", "train_batch_size", "32", "validation_size", "64",
        "model_total_params", "451", // 10*32+32 + 32*3+3
        "epochs_done", "3", "final_validate_loss", printed.get(EPOCHS - 1).get("validate_loss").toString()));
    assertEquals(expected, run.params(expected));
    assertEquals("FINISHED", run.status());

    assertFalse(run.metric("system/cpu_utilization_percentage", "SYSTEM").isEmpty()
        && run.metric("system/jvm_heap_used_megabytes", "SYSTEM").isEmpty(), "system metrics");
    // One line at the start, one at the end, nothing else from prov4ml.
    assertEquals(1, app.stderrLines("prov4ml 0.1.0-SNAPSHOT: run " + run.runDir().getFileName()
        + " started, provenance in " + run.runDir()), app.stderr());
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
    RunDirectoryReader run = app.onlyRun();
    assertTrue(run.runDir().getFileName().toString().startsWith("configured_"), run.toString());
    assertEquals(List.of(0L, 5L, 10L, 15L), run.steps("learning_rate", "TRAINING"));
    assertEquals(List.of(), run.steps("batch_loss", "TRAINING"));
    assertEquals(Map.of(), run.modelVersions());
    assertEquals(List.of(1L, 2L), run.steps("loss", "TRAINING"));
    assertTrue(run.metric("system/jvm_heap_used_megabytes", "SYSTEM").isEmpty());
  }

  @Test
  void anAppThatDiesInEpochTwoLeavesAFailedRunWithEverythingBefore() throws Exception {
    ForkedApp.Result app = new ForkedApp(work)
        .runJar(ForkedApp.DEMO_JAR, "--epochs", "3", "--models", "models", "--fail-at-epoch", "2");
    assertNotEquals(0, app.exitCode());
    assertTrue(app.stderr().contains("simulated failure at the end of epoch 2"), app.stderr());
    RunDirectoryReader run = app.onlyRun();
    assertEquals("FAILED", run.status());
    assertEquals(LongStream.range(0, 2L * BATCHES).boxed().toList(), run.steps("batch_loss", "TRAINING"));
    assertEquals(List.of(1L), run.steps("loss", "TRAINING")); // epoch 2's end never completed
    assertEquals(Map.of("mlp-0001.params", 1L, "mlp-0002.params", 2L), run.modelVersions());
  }

  @Test
  void withoutEvaluatorTrainingListenerWarnsOnceAndRecordsTheRest() throws Exception {
    ForkedApp.Result app = new ForkedApp(work)
        .runJar(ForkedApp.DEMO_JAR, "--epochs", "2", "--models", "models", "--no-evaluator-listener")
        .requireSuccess();
    assertEquals(1, app.stderrLines("has no EvaluatorTrainingListener"), app.stderr());
    RunDirectoryReader run = app.onlyRun();
    assertEquals(List.of(), run.steps("batch_loss", "TRAINING"));
    assertEquals(2L * BATCHES, run.steps("learning_rate", "TRAINING").size());
    assertEquals(List.of(1L, 2L), run.steps("epoch_time_ms", "TRAINING"));
    assertEquals("451", run.params().get("model_total_params"));
    assertEquals(2, run.modelVersions().size());
    assertEquals(0, app.stderrLines("failed;"), app.stderr());
  }

  /** Byte Buddy classes (relocated in the agent jar) the last forked JVM loaded, from its class-load log. */
  private long byteBuddyClassesLoaded() throws java.io.IOException {
    try (java.util.stream.Stream<String> lines = Files.lines(work.resolve("classes.txt"))) {
      return lines.filter(l -> l.contains(" org.prov4ml.shaded.net.bytebuddy.")).count();
    }
  }
}
