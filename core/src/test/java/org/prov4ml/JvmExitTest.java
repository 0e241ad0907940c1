package org.prov4ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.testing.ForkedJvm;
import org.prov4ml.testing.ProgramKilledMidRun;
import org.prov4ml.testing.ProgramWithoutEndRun;
import org.prov4ml.testing.PythonEnv;
import org.prov4ml.testing.RunDirectoryReader;

/** A program that never calls endRun still leaves a complete run directory when its JVM exits. */
class JvmExitTest {

  @TempDir Path out;

  private RunDirectoryReader runProgram(String... args) throws Exception {
    PythonEnv.Result result = ForkedJvm.run(ProgramWithoutEndRun.class,
        List.of("-Dprov4ml.output-dir=" + out, "-Dprov4ml.experiment-name=noend"), args);
    assertEquals(args.length == 0 ? 0 : 1, result.exitCode(), result.stderr());
    if (args.length > 0) {
      // The app's own failure report is untouched by the handler that watches for it.
      assertTrue(result.stderr().contains("Exception in thread \"main\" java.lang.IllegalStateException: "
          + "training diverged"), result.stderr());
    }
    return RunDirectoryReader.openOnly(out);
  }

  @Test
  void normalExitWithoutEndRun() throws Exception {
    RunDirectoryReader dir = runProgram();
    Map<String, String> run = dir.runActivity();
    assertEquals("FINISHED", run.get("yprov:status"));
    assertTrue(run.containsKey("prov:endedAtTime"));
    assertEquals("32", dir.param("batch_size"));
    assertEquals(1000, dir.metric("loss", "TRAINING").size());
    assertEquals("1000", dir.entity("loss//TRAINING").get("yprov:points"));
  }

  @Test
  void killMinusNineKeepsEveryWholeRowUpToTheLastDrainedBatch() throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dprov4ml.output-dir=" + out, "-Dprov4ml.experiment-name=killed", "-cp",
        System.getProperty("java.class.path"), ProgramKilledMidRun.class.getName())
        .redirectErrorStream(true).start();
    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
      String line;
      while ((line = lines.readLine()) != null && !line.equals("FLUSHED")) {
        // the program's log lines
      }
      Thread.sleep(300);
      p.destroyForcibly(); // SIGKILL: no shutdown hook, no endRun
      p.waitFor();
    }
    RunDirectoryReader dir = RunDirectoryReader.openOnly(out);
    assertEquals("42", dir.param("seed"));
    assertTrue(!dir.runActivity().containsKey("prov:endedAtTime"), "the run never ended");
    List<RunDirectoryReader.Point> points = dir.metric("loss", "TRAINING"); // parses every row: none is half
    assertTrue(points.size() >= 1000, "everything flushed before the kill is there: " + points.size());
    for (int i = 0; i < points.size(); i++) {
      assertEquals(i, points.get(i).step());
      assertEquals(i * 0.5, points.get(i).value());
    }
  }

  @Test
  void uncaughtExceptionInMainMarksTheRunFailedAndKeepsEverything() throws Exception {
    RunDirectoryReader dir = runProgram("fail");
    assertEquals("FAILED", dir.runActivity().get("yprov:status"));
    assertEquals(1000, dir.metric("loss", "TRAINING").size());
  }
}
