package org.prov4ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prov4ml.testing.ReadBack.points;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.ForkedJvm;
import org.prov4ml.testing.ProgramKilledMidRun;
import org.prov4ml.testing.ProgramWithoutEndRun;
import org.prov4ml.testing.PythonEnv;
import org.prov4ml.testing.ReadBack;

/** A program that never calls endRun still leaves a complete run directory when its JVM exits. */
class JvmExitTest {

  @TempDir Path out;

  private RunDirectory runProgram(String... args) throws Exception {
    PythonEnv.Result result = ForkedJvm.run(ProgramWithoutEndRun.class,
        List.of("-Dprov4ml.output-dir=" + out, "-Dprov4ml.experiment-name=noend"), args);
    assertEquals(args.length == 0 ? 0 : 1, result.exitCode(), result.stderr());
    if (args.length > 0) {
      // The app's own failure report is untouched by the handler that watches for it.
      assertTrue(result.stderr().contains("Exception in thread \"main\" java.lang.IllegalStateException: "
          + "training diverged"), result.stderr());
    }
    return ReadBack.onlyRun(out);
  }

  @Test
  void normalExitWithoutEndRun() throws Exception {
    RunDirectory dir = runProgram();
    assertEquals(RunStatus.FINISHED, dir.run().status().orElseThrow());
    assertTrue(dir.run().endTime().isPresent());
    assertEquals("32", dir.params().get("batch_size"));
    assertEquals(1000, points(dir, "loss", Context.TRAINING).size());
    assertEquals("1000", ReadBack.entity(dir, "loss//TRAINING").get("yprov:points"));
  }

  /** How {@link #stopMidRun} ended the program: its exit code and everything it printed. */
  private record Stopped(int exitCode, String output) {}

  /**
   * Runs {@link ProgramKilledMidRun}, lets it log on for 300 ms once it has flushed its first 1000
   * points, then stops it with {@code stop}.
   */
  private Stopped stopMidRun(String experiment, Consumer<ProcessHandle> stop) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dprov4ml.output-dir=" + out, "-Dprov4ml.experiment-name=" + experiment, "-cp",
        System.getProperty("java.class.path"), ProgramKilledMidRun.class.getName())
        .redirectErrorStream(true).start();
    StringBuilder output = new StringBuilder();
    try (var lines = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      String line;
      while ((line = lines.readLine()) != null && !line.equals("FLUSHED")) {
        output.append(line).append('\n');
      }
      Thread.sleep(300);
      // Through the handle: Process.destroy would also close the stream whose rest is read below.
      stop.accept(p.toHandle());
      while ((line = lines.readLine()) != null) {
        output.append(line).append('\n');
      }
    }
    return new Stopped(p.waitFor(), output.toString());
  }

  @Test
  void killMinusNineKeepsEveryWholeRowUpToTheLastDrainedBatch() throws Exception {
    stopMidRun("killed", ProcessHandle::destroyForcibly); // SIGKILL: no shutdown hook, no endRun
    RunDirectory dir = ReadBack.onlyRun(out);
    assertEquals("42", dir.params().get("seed"));
    assertTrue(dir.run().endTime().isEmpty() && dir.run().status().isEmpty(), "the run never ended");
    List<MetricPoint> points = points(dir, "loss", Context.TRAINING); // parses every row: none is half
    assertTrue(points.size() >= 1000, "everything flushed before the kill is there: " + points.size());
    for (int i = 0; i < points.size(); i++) {
      assertEquals(i, points.get(i).step());
      assertEquals(i * 0.5, points.get(i).value());
    }
  }

  @Test
  void sigtermMarksTheRunKilledKeepsEverythingAndStartsNoOtherRun() throws Exception {
    // SIGTERM, as Ctrl-C or a scheduler stops a training: the shutdown hooks run.
    Stopped stopped = stopMidRun("stopped", ProcessHandle::destroy);
    assertEquals(143, stopped.exitCode(), stopped.output());
    // The main thread logs on while the hooks run: it must not start a run that nothing would end.
    RunDirectory dir = ReadBack.onlyRun(out);
    assertEquals(RunStatus.KILLED, dir.run().status().orElseThrow(), stopped.output());
    assertTrue(dir.run().endTime().isPresent());
    List<MetricPoint> points = points(dir, "loss", Context.TRAINING);
    assertTrue(points.size() >= 1000, "everything logged before the signal is there: " + points.size());
    for (int i = 0; i < points.size(); i++) {
      assertEquals(i, points.get(i).step());
    }
    assertTrue(stopped.output().lines().filter(l -> l.contains("what the application logs from now on is not "
        + "recorded")).count() <= 1, stopped.output());
  }

  @Test
  void uncaughtExceptionInMainMarksTheRunFailedAndKeepsEverything() throws Exception {
    RunDirectory dir = runProgram("fail");
    assertEquals(RunStatus.FAILED, dir.run().status().orElseThrow());
    assertEquals(1000, points(dir, "loss", Context.TRAINING).size());
  }
}
