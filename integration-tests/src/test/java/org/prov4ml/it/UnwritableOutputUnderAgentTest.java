package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo under the agent with an output directory that cannot be created: every hook that would
 * start a run finds none, yet the application hears of it once, in one line naming the directory and
 * the reason, and trains to its end.
 */
class UnwritableOutputUnderAgentTest {

  @TempDir
  Path work;

  @Test
  void oneLineAndTheApplicationTrainsOn() throws Exception {
    Path file = Files.writeString(Files.createDirectories(work).resolve("afile"), "x");
    Path outputDir = file.resolve("runs");
    ForkedApp.Result app = new ForkedApp(work).property("prov4ml.output-dir", outputDir.toString())
        .property("prov4ml.system-metrics.interval", "100ms")
        .runJar(ForkedApp.DEMO_JAR, "--epochs", "2", "--models", "models").requireSuccess();
    List<String> lines = app.stderr().lines().filter(l -> l.contains("prov4ml")).toList();
    assertEquals(List.of("ERROR: prov4ml: cannot create a run directory in " + outputDir + ": Not a directory; the "
        + "application runs on without provenance"), lines, app.stderr());
    assertTrue(app.stderr().lines().noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")), app.stderr());
    assertTrue(app.stdout().contains("TEST Accuracy="), app.stdout());
    assertEquals(List.of(), app.runs());
    // The application saved its models itself: the model-save hook found no run and left them alone.
    assertTrue(Files.exists(work.resolve("models/mlp-0002.params")), "the app's own model file");
  }
}
