package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prov4ml.testing.ReadBack.steps;

import com.sun.tools.attach.VirtualMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.it.apps.DemoApp;
import org.prov4ml.it.apps.DemoTraining;
import org.prov4ml.it.apps.HelloApp;
import org.prov4ml.it.apps.ListenerOption;
import org.prov4ml.it.apps.SmallEpochsApp;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.ReadBack;

/**
 * What only the agent has: its switches, its one training listener per trainer, and its cost to a
 * JVM that never trains. What it records of a training is {@link AgentRecordingTest}'s.
 */
class DemoUnderAgentTest {

  private static final int BATCHES = DemoTraining.TRAIN_SAMPLES / DemoTraining.BATCH;

  @TempDir
  Path work;

  @Test
  void configFileSwitchesInstrumentationsOffAndNamesAnUnknownOne() throws Exception {
    Path config = Files.writeString(work.resolve("prov4ml.properties"), String.join("\n",
        "prov4ml.instrument.model-save.enabled=false", "prov4ml.instrument.fit.enabled=false",
        "prov4ml.instrument.trainer.enabled=false", "prov4ml.system-metrics.interval=0"));
    ForkedApp.Result app = new ForkedApp(work).agentArgument("config=" + config)
        .runJar(ForkedApp.DEMO_JAR, "--epochs", "2", "--models", "models").requireSuccess();
    RunDirectory run = app.onlyRun();
    assertEquals(Map.of(), ReadBack.versionSteps(run));
    assertFalse(run.params().containsKey("epochs"), run.params().toString());
    assertEquals(LongStream.range(0, 2L * BATCHES).boxed().toList(), steps(run, "batch_loss", Context.TRAINING));
    assertEquals(1, app.stderrLines("instrumentation 'model-save' is off"), app.stderr());
    assertEquals(1, app.stderrLines("prov4ml.instrument.trainer.enabled names no instrumentation and is ignored"),
        app.stderr());
  }

  @Test
  void theAgentGivenTwiceIsInstalledOnceAndTheTrainingRecordedOnce() throws Exception {
    // As with -javaagent on the command line and again in JAVA_TOOL_OPTIONS: two premains, one set of classes.
    ForkedApp.Result app = new ForkedApp(work).jvmOption("-javaagent:" + ForkedApp.AGENT_JAR)
        .startJar(ForkedApp.DEMO_JAR, "--epochs", "2", "--models", "models").await(120).requireSuccess();
    assertEquals(1, app.stderrLines("prov4ml agent: already installed in this JVM; the second -javaagent (or attach) "
        + "is ignored"), app.stderr());
    RunDirectory run = app.onlyRun();
    List<Long> everyBatch = LongStream.range(0, 2L * BATCHES).boxed().toList();
    assertEquals(everyBatch, steps(run, "batch_loss", Context.TRAINING));
    assertEquals(everyBatch, steps(run, "learning_rate", Context.TRAINING));
    assertEquals(List.of(1L, 2L), steps(run, "loss", Context.TRAINING));
    assertEquals(2, ReadBack.versionSteps(run).size(), ReadBack.versionSteps(run).toString());
  }

  @Test
  void attachedMidTrainingItRecordsTheRestWithTheValidationAsValidation() throws Exception {
    ForkedApp.Started app = new ForkedApp(work).withoutAgent().appClassPath()
        .startMain(SmallEpochsApp.class, "--epochs", "400", "--models", "models");
    Path stdout = work.resolve("stdout.txt");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.readString(stdout).contains("EPOCH 100")) {
      assertTrue(app.process().isAlive() && System.nanoTime() < deadline,
          () -> read(stdout) + read(work.resolve("stderr.txt")));
      Thread.sleep(50);
    }
    VirtualMachine jvm = VirtualMachine.attach(String.valueOf(app.process().pid()));
    try {
      jvm.loadAgent(ForkedApp.AGENT_JAR.toAbsolutePath().toString());
    } finally {
      jvm.detach();
    }
    RunDirectory run = app.await(120).requireSuccess().onlyRun();
    assertEquals("FINISHED", ReadBack.status(run));
    // fit was running when the agent came: its epoch-end validation is VALIDATION, and nothing is a test.
    List<String> contexts = run.metrics().stream().filter(m -> m.key().equals("loss"))
        .map(m -> m.context().name()).sorted().toList();
    assertEquals(List.of("TRAINING", "VALIDATION"), contexts);
    // Counted from the attach: the run began there.
    List<Long> validation = steps(run, "loss", Context.VALIDATION);
    assertTrue(validation.size() >= 100, validation.toString());
    assertEquals(LongStream.rangeClosed(1, validation.size()).boxed().toList(), validation);
    assertTrue(steps(run, "batch_loss", Context.TRAINING).size() >= 100 * SmallEpochsApp.TRAIN_BATCHES);
  }

  @Test
  void aTrainerWithTheApplicationsOwnListenerIsRecordedOnceWithWhatOnlyTheAgentSees() throws Exception {
    // The app adds Prov4mlTrainingListener itself, linked against the agent jar's API, as a provided dependency.
    ForkedApp.Result app = new ForkedApp(work).appClassPath().property(ListenerOption.PROPERTY, "true")
        .runMain(DemoApp.class, "--epochs", "2", "--models", "models").requireSuccess();
    RunDirectory run = app.onlyRun();
    List<Long> everyBatch = LongStream.range(0, 2L * BATCHES).boxed().toList();
    assertEquals(everyBatch, steps(run, "batch_loss", Context.TRAINING));
    assertEquals(everyBatch, steps(run, "learning_rate", Context.TRAINING));
    assertEquals(List.of(1L, 2L), steps(run, "loss", Context.TRAINING));
    assertTrue(run.params().keySet().stream().noneMatch(k -> k.startsWith("trainer2.")), run.params().toString());
    assertEquals("2", run.params().get("epochs"));
    assertEquals(2, ReadBack.versionSteps(run).size());
  }

  @Test
  void aJvmThatNeverTrainsLoadsNeitherByteBuddyNorARun() throws Exception {
    ForkedApp.Result app = new ForkedApp(work).appClassPath().jvmOption("-Xlog:class+load=info:file=classes.txt")
        .runMain(HelloApp.class).requireSuccess();
    assertEquals(List.of(), app.runs());
    assertEquals("", app.stderr());
    try (Stream<String> lines = Files.lines(work.resolve("classes.txt"))) {
      assertEquals(List.of(), lines.filter(l -> l.contains(" org.prov4ml.shaded.net.bytebuddy.")).limit(3).toList());
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
