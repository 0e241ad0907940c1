package org.prov4ml.internal.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.RunStatus;
import org.prov4ml.testing.ForkedJvm;
import org.prov4ml.testing.ProgramOnAFullDisk;
import org.prov4ml.testing.PythonEnv;
import org.prov4ml.testing.Tmpfs;

/**
 * A run whose disk fills up, on a real file system that does (a 384 KB tmpfs): the application runs
 * to its end, the run ends INCOMPLETE saying what was not written and where, in its end line and
 * in its document, and the run directory holds only whole rows and no temporary file.
 */
class RunDirectoryWriterDiskFullTest {

  private static final int POINTS = 200_000; // ~5 MB of rows

  @TempDir Path work;

  @Test
  void aFullDiskEndsTheRunIncompleteSayingWhatWasNotWrittenAndWhere() throws Exception {
    Path big = Files.write(work.resolve("big.bin"), new byte[600 * 1024]);
    PythonEnv.Result result;
    Path runDir;
    try (Tmpfs disk = Tmpfs.mount(work.resolve("disk"), "384k", false)) {
      result = ForkedJvm.run(ProgramOnAFullDisk.class, List.of(), disk.dir().toString(), Integer.toString(POINTS),
          big.toString());
      runDir = disk.dir().resolve("disk_0");
      result.requireSuccess("the program on a full disk");
      assertTrue(result.stdout().contains("DONE"), result.stdout());

      List<String> prov4mlLines = result.stderr().lines().filter(l -> l.matches("(ERROR|WARN|INFO): prov4ml.*"))
          .toList();
      List<String> endLines = prov4mlLines.stream().filter(l -> l.contains("prov4ml: run disk_0 INCOMPLETE: "))
          .toList();
      assertEquals(1, endLines.size(), result.stderr());
      String end = endLines.get(0);
      assertTrue(end.contains(" metric points not written to metrics_GR0/loss_TRAINING_None_GR0.csv "
          + "(No space left on device)"), end);
      assertTrue(end.contains("artifact " + big + " not copied to artifacts_GR0/big.bin (No space left on device)"),
          end);
      assertTrue(end.endsWith("run directory " + runDir), end);
      assertTrue(result.stderr().lines().noneMatch(l -> l.startsWith("\tat ") || l.contains("FINISHED")),
          result.stderr());
      // On stderr (the start line is INFO, on stdout): the first failure, told once, and the end line.
      assertEquals(2, prov4mlLines.size(), result.stderr());
      String firstFailure = "WARN: prov4ml: run disk_0 cannot write " + runDir.resolve("metrics_GR0");
      assertTrue(prov4mlLines.get(0).startsWith(firstFailure), prov4mlLines.get(0));

      try (Stream<Path> files = Files.walk(disk.dir())) {
        List<String> names = files.map(p -> p.getFileName().toString()).toList();
        assertTrue(names.stream().noneMatch(n -> n.endsWith(".tmp") || n.startsWith(DiskReserve.FILE_PREFIX)),
            names.toString());
        assertTrue(!names.contains("big.bin"), "no half copy: " + names);
      }

      RunDirectory dir = RunDirectory.open(runDir);
      assertEquals(RunStatus.INCOMPLETE, dir.run().status().orElseThrow());
      String detail = dir.run().incompleteDetail().orElseThrow();
      assertTrue(end.contains(detail), detail);
      assertEquals("42", dir.params().get("seed"));
      MetricSeries loss = dir.metric("loss", Context.TRAINING).orElseThrow();
      long written;
      try (Stream<MetricPoint> points = loss.points()) {
        long[] count = {0};
        long[] last = {-1};
        // Every row whole, in order, none twice. Most are the first ones; once space came back (a half
        // copy deleted) later rows may follow a gap: the count of rows not written accounts for it.
        points.forEach(p -> {
          assertTrue(p.step() > last[0] && p.value() == p.step() * 0.5, p.toString());
          last[0] = p.step();
          count[0]++;
        });
        written = count[0];
      }
      assertTrue(written > 1000 && written < POINTS, "written " + written);
      assertEquals(written, loss.pointCount());
      assertEquals(Long.toString(written), loss.attributes().get("yprov:points"));
      Matcher lost = Pattern.compile("(\\d+) metric points not written to metrics_GR0/loss_").matcher(detail);
      assertTrue(lost.find(), detail);
      long acc = dir.metric("acc", Context.VALIDATION).map(MetricSeries::pointCount).orElse(0L);
      long lostAcc = detail.contains("acc_VALIDATION") ? 1 : 0;
      assertEquals(1, acc + lostAcc, "the acc point is written or counted: " + detail);
      assertEquals(POINTS, written + Long.parseLong(lost.group(1)), "every point written or counted: " + detail);
    }
  }
}
