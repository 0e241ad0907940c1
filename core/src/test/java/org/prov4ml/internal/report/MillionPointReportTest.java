package org.prov4ml.internal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.cli.Prov4mlCli;
import org.prov4ml.testing.Chromium;
import org.prov4ml.testing.ForkedJvm;
import org.prov4ml.testing.PythonEnv;

/**
 * A run with one series of 1,000,000 points: its report is written by the command line in a JVM of 256 MB
 * heap, stays under 5 MB, and draws about two points per pixel column with its spikes and NaN. The render time
 * is measured and written to {@code target/million-point-report.txt} for docs/benchmarks.md, not asserted:
 * a shared machine's timing is no test.
 */
class MillionPointReportTest {

  static final int POINTS = 1_000_000;

  @TempDir
  Path work;

  @Test
  void aMillionPointSeriesGivesASmallReportInBoundedMemory() throws Exception {
    Path dir;
    try (Run run = Prov4ml.startRun(RunOptions.builder().experimentName("million").outputDir(work).build())) {
      for (int i = 0; i < POINTS; i++) {
        double v = i == 654_321 ? 50.0 : i == 900_000 ? Double.NaN : 1.0 / (1 + i * 1e-4) + (i % 97) * 1e-3;
        run.logMetric("loss", v, Context.TRAINING, i, false, 1_790_000_000_000L + i);
      }
      dir = run.runDirectory();
    }
    Path html = work.resolve("million.html");
    long started = System.nanoTime();
    PythonEnv.Result cli = ForkedJvm.run(Prov4mlCli.class, List.of("-Xmx256m"), "report", dir.toString(),
        "-o", html.toString());
    long writeMillis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(0, cli.exitCode(), cli.stderr());
    long size = Files.size(html);
    assertTrue(size <= 5L * 1024 * 1024, "report of " + size + " bytes");

    try (Chromium browser = Chromium.start(1400, 1000)) {
      browser.openReport(html);
      assertEquals(List.of(), browser.consoleErrors());
      Number readyAt = (Number) browser.script("return prov4ml.readyAt");
      Number drawn = (Number) browser.script("var d = prov4ml.charts[0].plot.data[1];"
          + " return d.filter(function (v) { return v !== undefined; }).length");
      assertTrue(drawn.intValue() <= 2 * ReportData.BUCKETS + 2 && drawn.intValue() > ReportData.BUCKETS,
          drawn + " points drawn");
      assertEquals(Boolean.TRUE, browser.script("var u = prov4ml.charts[0].plot;"
          + " return u.data[1].some(function (v, i) { return v === 50 && u.data[0][i] === 654321; })"), "the spike");
      assertEquals(Boolean.TRUE, browser.script("var u = prov4ml.charts[0].plot;"
          + " return u.data[1].some(function (v, i) { return v === null && u.data[0][i] === 900000; })"), "the NaN");
      String note = browser.driver().findElement(By.cssSelector(".chart-card[data-key='loss']")).getText();
      assertTrue(note.contains("of 1,000,000 points") && note.contains("metrics_GR0/loss_TRAINING_None_GR0.csv"),
          note);
      String line = String.format(Locale.ROOT, "%d points: report %.2f MB written in %d ms (forked JVM, -Xmx256m,"
          + " JVM start included); page built in %.0f ms after navigation start (headless Chromium)%n", POINTS,
          size / 1048576.0, writeMillis, readyAt.doubleValue());
      Files.writeString(Path.of("target", "million-point-report.txt"), line);
      System.out.print(line);
    }
  }
}
