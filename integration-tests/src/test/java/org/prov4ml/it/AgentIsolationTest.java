package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prov4ml.testing.ReadBack.steps;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prov4ml.Context;
import org.prov4ml.it.apps.ChildLoaderLauncher;
import org.prov4ml.it.apps.ConflictingLibrariesApp;
import org.prov4ml.it.apps.DemoTraining;
import org.prov4ml.it.apps.SmallEpochsApp;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.ReadBack;

/**
 * The agent never changes what the application has or does beyond recording it: its own libraries,
 * and a DJL the agent does not know. (That the training is the same, and that failures stay inside
 * prov4ml, is the shared suite's: {@link TrainingRecordingSuite}.)
 */
class AgentIsolationTest {

  private static final int BATCHES = DemoTraining.TRAIN_SAMPLES / DemoTraining.BATCH;

  @TempDir
  Path work;

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

  /**
   * DJL in a class loader of its own, which the agent's classes on the system class path cannot reach
   * (here the loader delegates to the platform loader, then to the system one): one line saying so
   * and what would record it, DJL's classes untouched, and the training as it would be without the
   * agent. Woven, every hook would fail on a class it cannot link, or do nothing without a word.
   */
  @ParameterizedTest
  @ValueSource(strings = {"platform", "app"})
  void djlInAClassLoaderTheAgentCannotReachGetsOneLineAndRunsUntouched(String parent) throws Exception {
    // The launcher alone on the system class path: DJL and the app only in the launcher's loader.
    String launcher = ChildLoaderLauncher.class.getName().replace('.', '/') + ".class";
    Path launcherOnly = work.resolve("launcher");
    Files.createDirectories(launcherOnly.resolve(launcher).getParent());
    Files.copy(ForkedApp.TARGET.resolve("classes").resolve(launcher), launcherOnly.resolve(launcher));
    String appClassPath = ForkedApp.TARGET.resolve("classes") + File.pathSeparator
        + ForkedApp.TARGET.resolve("lib") + File.separator + "*";
    ForkedApp.Result app = new ForkedApp(work).appendClassPath(launcherOnly.toString())
        .runMain(ChildLoaderLauncher.class, parent, appClassPath, SmallEpochsApp.class.getName(), "--epochs", "3",
            "--models", "models")
        .requireSuccess();
    List<String> lines = app.stderr().lines().filter(l -> l.contains("prov4ml")).toList();
    assertEquals(1, lines.size(), app.stderr());
    assertTrue(lines.get(0).startsWith("WARN: prov4ml agent: DJL 0.36.0 cannot be recorded by the agent: its class "
        + "loader (java.net.URLClassLoader) ") && lines.get(0).endsWith("add Prov4mlTrainingListener to it "
        + "(prov4ml-core, in the same class loader as DJL)"), lines.get(0));
    assertTrue(app.stderr().lines().noneMatch(l -> l.startsWith("\tat ")), app.stderr());
    assertTrue(app.stdout().contains("EPOCH 3 "), app.stdout());
    assertEquals(List.of(), app.runs());
  }

  /**
   * A DJL whose {@code Trainer} has another shape (here {@code step(int)}, not {@code step()}): one
   * warning naming its version, and none of its classes changed; a woven {@code notifyListeners}
   * would hand the event to the agent's listener too, and its trainer would start a run.
   */
  @Test
  void aDjlOfAnotherShapeGetsOneWarningNamingItsVersionAndRunsUntouched() throws Exception {
    ForkedApp.Result result = runOnOddDjl("ai.djl.training.Trainer", String.join("\n",
        "package ai.djl.training;",
        "public class Trainer {",
        "  public final void notifyListeners(java.util.function.Consumer<Object> event) { event.accept(\"app\"); }",
        "  public void step(int times) { System.out.println(\"STEP \" + times); }",
        "}"),
        "ai.djl.training.Trainer trainer = new ai.djl.training.Trainer();",
        "trainer.notifyListeners(l -> System.out.println(\"NOTIFIED \" + l));",
        "trainer.step(3);");
    assertEquals("NOTIFIED app\nSTEP 3\nDONE\n", result.stdout());
    assertEquals(1, result.stderrLines("DJL 0.1.0-odd is not supported (ai.djl.training.Trainer has no public step())"),
        result.stderr());
    assertEquals(1, result.stderr().lines().count(), result.stderr());
    assertEquals(List.of(), result.runs());
  }

  /** The same for the seed's hook: a DJL whose {@code Engine.setRandomSeed} takes a long. */
  @Test
  void aDjlWhoseEngineTakesAnotherSeedGetsOneWarningAndRunsUntouched() throws Exception {
    ForkedApp.Result result = runOnOddDjl("ai.djl.engine.Engine", String.join("\n",
        "package ai.djl.engine;",
        "public class Engine {",
        "  public void setRandomSeed(long seed) { System.out.println(\"SEED \" + seed); }",
        "}"),
        "new ai.djl.engine.Engine().setRandomSeed(7L);");
    assertEquals("SEED 7\nDONE\n", result.stdout());
    assertEquals(1, result.stderrLines(
        "DJL 0.1.0-odd is not supported (ai.djl.engine.Engine has no public setRandomSeed(int))"), result.stderr());
    assertEquals(1, result.stderr().lines().count(), result.stderr());
    assertEquals(List.of(), result.runs());
  }

  /**
   * Runs, under the agent, an app whose {@code main} is {@code mainLines} on the real DJL with one
   * class ({@code djlClass}, compiled from {@code source}) replaced, after loading a class of the
   * real DJL of the expected shape ({@code EasyTrain}), with {@code api.properties} saying 0.1.0-odd.
   */
  private ForkedApp.Result runOnOddDjl(String djlClass, String source, String... mainLines) throws Exception {
    Path djlSource = work.resolve("src").resolve(djlClass.replace('.', '/') + ".java");
    Files.createDirectories(djlSource.getParent());
    Files.writeString(djlSource, source);
    Path app = Files.createDirectories(work.resolve("src/odd"));
    Files.writeString(app.resolve("OddDjlApp.java"), String.join("\n",
        "package odd;",
        "public class OddDjlApp {",
        "  public static void main(String[] args) throws Exception {",
        "    Class.forName(\"ai.djl.training.EasyTrain\");",
        String.join("\n", mainLines),
        "    System.out.println(\"DONE\");",
        "  }",
        "}"));
    Path classes = Files.createDirectories(work.resolve("odd-classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), djlSource.toString(),
        app.resolve("OddDjlApp.java").toString()));
    Files.createDirectories(classes.resolve("ai/djl/engine"));
    Files.writeString(classes.resolve("ai/djl/engine/api.properties"), "djl_version=0.1.0-odd\n");
    return new ForkedApp(work).prependClassPath(classes.toString()).appClassPath()
        .runMain("odd.OddDjlApp").requireSuccess();
  }
}
