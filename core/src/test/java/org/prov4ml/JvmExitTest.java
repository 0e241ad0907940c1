package org.prov4ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.testing.ForkedJvm;
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
  void uncaughtExceptionInMainMarksTheRunFailedAndKeepsEverything() throws Exception {
    RunDirectoryReader dir = runProgram("fail");
    assertEquals("FAILED", dir.runActivity().get("yprov:status"));
    assertEquals(1000, dir.metric("loss", "TRAINING").size());
  }
}
