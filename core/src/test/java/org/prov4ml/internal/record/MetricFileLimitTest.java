package org.prov4ml.internal.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.RunStatus;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.ForkedJvm;
import org.prov4ml.testing.ProgramOfManySeries;
import org.prov4ml.testing.PythonEnv;
import org.prov4ml.testing.ReadBack;

/**
 * {@link MetricCsvFiles} keeps its open files within {@code prov4ml.metrics.max-open-files}: 20,000
 * series in a program under {@code ulimit -n 512} end FINISHED with every point in the CSVs, and
 * the application can still open files of its own.
 */
class MetricFileLimitTest {

  @TempDir Path out;

  @Test
  void twentyThousandSeriesUnderUlimit512EndFinishedWithEveryPoint() throws Exception {
    int series = 20_000;
    int points = 3;
    PythonEnv.Result result = ForkedJvm.runWithOpenFileLimit(512, 300, ProgramOfManySeries.class,
        List.of("-Xmx640m", "-XX:TieredStopAtLevel=1", "-Dprov4ml.output-dir=" + out,
            "-Dprov4ml.experiment-name=many", "-Dprov4ml.system-metrics.interval=0"),
        Map.of(), Integer.toString(series), Integer.toString(points));
    assertEquals(0, result.exitCode(), result.stderr());
    assertTrue(result.stdout().contains("LISTED"), result.stdout() + result.stderr());
    RunDirectory run = ReadBack.onlyRun(out);
    assertEquals(RunStatus.FINISHED, run.run().status().orElseThrow(), result.stdout() + result.stderr());
    long rows = 0;
    int files = 0;
    try (Stream<Path> csvs = Files.list(run.path().resolve("metrics_GR0"))) {
      for (Path csv : csvs.toList()) {
        files++;
        rows += Files.readAllLines(csv).size() - 1; // less the header
      }
    }
    assertEquals(series, files);
    assertEquals((long) series * points, rows);
  }
}
