package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prov4ml.testing.ReadBack.steps;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.it.apps.BrokenLossApp;
import org.prov4ml.it.apps.ConflictingLibrariesApp;
import org.prov4ml.it.apps.DemoApp;
import org.prov4ml.it.apps.DemoTraining;
import org.prov4ml.it.apps.explicit.ExplicitApiApp;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.ReadBack;

/** The agent never changes what the application does or sees, even when prov4ml fails. */
class AgentIsolationTest {

  private static final int BATCHES = DemoTraining.TRAIN_SAMPLES / DemoTraining.BATCH;

  @TempDir
  Path work;

  @Test
  void trainingIsIdenticalWithAndWithoutTheAgentAndWhenEveryRecordFails() throws Exception {
    String without = new ForkedApp(work.resolve("without")).withoutAgent().appClassPath()
        .runMain(DemoApp.class, "--epochs", "2").requireSuccess().stdout();
    String with = new ForkedApp(work.resolve("with")).appClassPath()
        .runMain(DemoApp.class, "--epochs", "2").requireSuccess().stdout();
    // A run directory that cannot be created: every hook fails to record, the app must not notice.
    ForkedApp.Result failing = new ForkedApp(work.resolve("failing")).appClassPath()
        .property("prov4ml.output-dir", "/proc/prov4ml-cannot-be-here")
        .runMain(DemoApp.class, "--epochs", "2").requireSuccess();
    assertEquals(without, with);
    assertEquals(without, failing.stdout());
    // Said once, in one line, and not tried again by the next hook.
    assertEquals(List.of("ERROR: prov4ml: cannot create a run directory in /proc/prov4ml-cannot-be-here: No such "
        + "file or directory; the application runs on without provenance"),
        failing.stderr().lines().filter(l -> l.contains("prov4ml")).toList(), failing.stderr());
  }

  @Test
  void aHookAndASinkThatThrowAreLoggedOnceAndTheRestIsRecorded() throws Exception {
    ForkedApp.Result app = new ForkedApp(work).appClassPath().runMain(BrokenLossApp.class).requireSuccess();
    assertEquals(1, app.stderrLines("agent batch_loss failed"), app.stderr());
    assertEquals(1, app.stderrLines("this loss does not tell its per-batch value"), app.stderr());
    assertTrue(app.stderr().contains("agent batch_loss=" + 2 * BATCHES), app.stderr());
    // The accuracy metric file is blocked (TRAINING, a point at each epoch): told once, counted, and the
    // run ends INCOMPLETE saying what was not written and where.
    assertEquals(1, app.stderrLines("cannot write "), app.stderr());
    assertEquals(1, app.stderrLines("INCOMPLETE: 2 metric points not written to "
        + "metrics_GR0/Accuracy_TRAINING_None_GR0.csv (File exists); "), app.stderr());
    RunDirectory run = app.onlyRun();
    assertEquals(List.of(), steps(run, "batch_loss", Context.TRAINING));
    assertEquals(List.of(1L, 2L), steps(run, "loss", Context.TRAINING));
    assertEquals(2 * BATCHES, steps(run, "learning_rate", Context.TRAINING).size());
  }

  @Test
  void anAppWithItsOwnByteBuddySlf4jProtobufAndGuavaKeepsThemAndIsRecorded() throws Exception {
    // And its own tinylog.properties, which the agent's relocated tinylog must never read.
    Path resources = Files.createDirectories(work.resolve("app-resources"));
    Files.writeString(resources.resolve("tinylog.properties"), "writer = console\nwriter.format = APP {message}\n");
    ForkedApp.Result app = new ForkedApp(work).appClassPath()
        .prependClassPath(ForkedApp.TARGET.resolve("conflict-lib") + File.separator + "*")
        .prependClassPath(resources.toString())
        .runMain(ConflictingLibrariesApp.class, "--models", "models").requireSuccess();
    for (String jar : List.of("byte-buddy-1.14.19", "guava-31.1-jre", "protobuf-java-3.21.12", "slf4j-api-1.7.36")) {
      assertTrue(app.stdout().contains(jar + ".jar"), jar + " in\n" + app.stdout());
    }
    assertTrue(app.stdout().contains("BYTEBUDDY made java.lang.Object"), app.stdout());
    assertTrue(app.stderr().contains("the application's own slf4j"), app.stderr()); // slf4j-simple 1.7 logs to stderr
    assertTrue(app.stderr().contains(" started, provenance in "), app.stderr());
    assertEquals(0, app.stderrLines("APP "), app.stderr());
    RunDirectory run = app.onlyRun();
    assertEquals(LongStream.range(0, 2L * BATCHES).boxed().toList(), steps(run, "batch_loss", Context.TRAINING));
    assertEquals(2, ReadBack.versionSteps(run).size());
  }

  @Test
  void anAppThatAlsoCallsTheApiGetsOneRunHoldingBoth() throws Exception {
    ForkedApp.Result app = new ForkedApp(work).appClassPath().runMain(ExplicitApiApp.class).requireSuccess();
    RunDirectory run = app.onlyRun();
    assertTrue(run.path().getFileName().toString().startsWith("explicit_"), run.toString());
    Map<String, String> params = run.params();
    assertEquals("42", params.get("dataset_seed"));
    assertEquals("Adam", params.get("optimizer_name"));
    assertEquals(List.of(0L), steps(run, "custom_score", Context.TESTING));
    assertEquals(LongStream.range(0, BATCHES).boxed().toList(), steps(run, "batch_loss", Context.TRAINING));
    assertEquals("FINISHED", ReadBack.status(run));
  }
}
