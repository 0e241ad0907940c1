package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.RunStatus;
import org.prov4ml.it.apps.DemoApp;

/**
 * The demo under the agent given bad input (a configuration value, the agent's own argument): the
 * user hears of it in one line that names the input and what is allowed, with no stack trace, and
 * the application trains to its end; a bad setting keeps its default and the run is recorded, a bad
 * agent argument installs no agent.
 */
class BadAgentInputTest {

  @TempDir
  Path work;

  @Test
  void anInvalidSettingIsOneLineAndTheRunIsRecordedWithItsDefault() throws Exception {
    ForkedApp.Result app = new ForkedApp(work).property("prov4ml.buffer.size", "lots")
        .property("prov4ml.buffer.overflow", "maybe")
        .runJar(ForkedApp.DEMO_JAR, "--epochs", "1", "--models", "models").requireSuccess();
    assertTrue(app.stderr().lines().noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")), app.stderr());
    assertEquals(1, app.outputLines("prov4ml.buffer.size = 'lots' (from system property prov4ml.buffer.size) is "
        + "invalid: expected a power of two from 64 to 16777216; using the default 65536"), app.stderr());
    assertEquals(1, app.outputLines("prov4ml.buffer.overflow = 'maybe' (from system property "
        + "prov4ml.buffer.overflow) is invalid: expected block or drop; using the default block"), app.stderr());
    assertTrue(app.stdout().contains("TEST Accuracy="), app.stdout());
    assertEquals(RunStatus.FINISHED, app.onlyRun().run().status().orElseThrow());
  }

  @Test
  void anInvalidAgentArgumentIsOneLineAndTheApplicationTrainsOn() throws Exception {
    ForkedApp.Result app = new ForkedApp(work).agentArgument("experiment=x")
        .runJar(ForkedApp.DEMO_JAR, "--epochs", "1", "--models", "models").requireSuccess();
    assertEquals("prov4ml agent: not started, the application runs without provenance: agent argument "
        + "'experiment=x' is invalid: expected config=/path/prov4ml.properties (other settings are prov4ml.* "
        + "system properties)", onlyProv4mlLine(app));
    assertTrainedWithoutRuns(app);
  }

  @Test
  void aProv4mlCoreOfAnotherVersionOnTheClassPathMakesTheAgentStandDownInOneLine() throws Exception {
    // What Prov4mlVersion reads: the first org/prov4ml/version.properties, here an older prov4ml-core's.
    Path olderCore = work.resolve("older-core");
    Files.createDirectories(olderCore.resolve("org/prov4ml"));
    Files.writeString(olderCore.resolve("org/prov4ml/version.properties"), "version=0.0.9\n");
    ForkedApp.Result app = new ForkedApp(work).appClassPath().prependClassPath(olderCore.toString())
        .runMain(DemoApp.class, "--epochs", "1", "--models", "models").requireSuccess();
    String line = onlyProv4mlLine(app);
    assertTrue(line.matches("prov4ml agent \\S+: stands down, the application has prov4ml-core 0\\.0\\.9 on its "
        + "class path, which records as it is configured"), line);
    assertTrainedWithoutRuns(app);
  }

  private static String onlyProv4mlLine(ForkedApp.Result app) {
    List<String> lines = app.stderr().lines().filter(l -> l.contains("prov4ml")).toList();
    assertEquals(1, lines.size(), app.stderr());
    assertTrue(app.stderr().lines().noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")), app.stderr());
    return lines.get(0);
  }

  private static void assertTrainedWithoutRuns(ForkedApp.Result app) throws Exception {
    assertTrue(app.stdout().contains("TEST Accuracy="), app.stdout());
    assertEquals(List.of(), app.runs());
  }
}
