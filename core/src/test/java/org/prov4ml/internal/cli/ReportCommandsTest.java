package org.prov4ml.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prov4ml.internal.cli.Prov4mlCliTest.assertOneLineUsageError;
import static org.prov4ml.internal.cli.Prov4mlCliTest.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.cli.Prov4mlCliTest.Result;
import org.prov4ml.internal.report.ReportTestRuns;

/** report, compare, diff and ls on the command line: what they print, their files, their bad inputs. */
class ReportCommandsTest {

  @TempDir
  Path work;

  private Path run(String experiment, int epochs, String extraParam) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("optimizer_lr", 0.01);
    params.put("epochs", epochs);
    if (extraParam != null) {
      params.put(extraParam, "yes");
    }
    return ReportTestRuns.training(work.resolve("runs"), experiment, params);
  }

  @Test
  void reportWritesOneSelfContainedFileAndPrintsItsPath() throws Exception {
    Path dir = run("rep", 3, null);
    Result r = cli("report", dir.toString());
    assertEquals(0, r.code(), r.err());
    Path html = dir.resolve("report.html");
    assertEquals(html.toString(), r.out().strip());
    assertEquals("", r.err());
    String page = Files.readString(html);
    // Offline: nothing is loaded from anywhere; every script and style is inline.
    assertTrue(!page.matches("(?s).*<(script|link|img|iframe)\\b[^>]*\\b(src|href)=.*"), "no external resource");
    assertTrue(page.contains("\"name\":\"rep_0\""));

    Path other = work.resolve("elsewhere/r.html");
    assertEquals(0, cli("report", dir.toString(), "-o", other.toString()).code());
    assertTrue(Files.size(other) > 100_000);
  }

  @Test
  void reportWithoutARunDirectoryReportsTheNewestRun() {
    run("first", 3, null);
    Path newest = run("second", 3, null);
    System.setProperty("prov4ml.output-dir", work.resolve("runs").toString());
    try {
      Result r = cli("report");
      assertEquals(0, r.code(), r.err());
      assertEquals(newest.resolve("report.html").toString(), r.out().strip());
    } finally {
      System.clearProperty("prov4ml.output-dir");
    }
  }

  @Test
  void compareWritesOneFileForSeveralRuns() {
    Path a = run("cmp", 3, null);
    Path b = run("cmp", 5, null);
    Path c = run("cmp", 7, null);
    Path out = work.resolve("cmp.html");
    Result r = cli("compare", a.toString(), b.toString(), c.toString(), "-o", out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(out.toString(), r.out().strip());
    assertTrue(Files.exists(out));
  }

  @Test
  void diffPrintsDifferingParamsOneSidedParamsAndFinalValues() {
    Path a = run("diff", 3, "only_left");
    Path b = run("diff", 5, null);
    Result r = cli("diff", a.toString(), b.toString());
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.get(0).startsWith("left:  diff_0 (FINISHED) "), r.out());
    assertTrue(lines.get(1).startsWith("right: diff_1 (FINISHED) "), r.out());
    int at = lines.indexOf("params that differ (1, 1 the same):");
    assertTrue(at > 0, r.out());
    assertEquals(List.of("name", "left", "right"), List.of(lines.get(at + 1).trim().split("\\s+")));
    assertEquals(List.of("epochs", "3", "5"), List.of(lines.get(at + 2).trim().split("\\s+")));
    assertTrue(r.out().contains("params only in left (1):\n  name        value\n  only_left   yes\n")
        || r.out().contains("params only in left (1):\n  name       value\n  only_left  yes\n"), r.out());
    assertTrue(r.out().contains("params only in right: none"), r.out());
    assertTrue(lines.stream().anyMatch(l -> l.matches("  accuracy\\s+VALIDATION\\s+0\\.9 \\[5]\\s+0\\.9 \\[5]\\s+0")),
        r.out());
    assertTrue(lines.stream().anyMatch(l -> l.matches("  loss\\s+TRAINING\\s+\\S+ \\[499]\\s+\\S+ \\[499]\\s+0")),
        r.out());
  }

  @Test
  void lsListsRunsNewestFirstWithHeadlineValues() {
    run("ls", 3, null);
    run("ls", 5, null);
    Result r = cli("ls", work.resolve("runs").toString());
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(List.of("NAME", "STATUS", "START", "DURATION", "POINTS", "LAST", "VALUES"),
        List.of(lines.get(0).split("\\s+")));
    assertEquals(3, lines.size(), r.out());
    assertTrue(lines.get(1).startsWith("ls_1 ") && lines.get(2).startsWith("ls_0 "), r.out());
    String[] cells = lines.get(1).split("\\s{2,}");
    assertEquals("FINISHED", cells[1]);
    assertEquals(Integer.toString(ReportTestRuns.TRAINING_POINTS + 5 + 5 + 20), cells[4]);
    assertTrue(lines.get(1).contains("loss/VALIDATION=0.3  accuracy/VALIDATION=0.9"), lines.get(1));
  }

  @Test
  void lsListsAJobOfSeveralRanksAsOneRunInTheJobsStatus() {
    Path runs = work.resolve("runs");
    for (int rank : new int[] {2, 1}) {
      try (Run run = Prov4ml.startRun(RunOptions.builder().experimentName("job").outputDir(runs).runId("j7")
          .rank(rank).worldSize(3).build())) {
        run.logMetric("loss", rank, Context.TRAINING);
      }
    }
    Result partial = cli("ls", runs.toString());
    assertEquals(0, partial.code(), partial.err());
    String[] cells = partial.out().lines().toList().get(1).split("\\s{2,}");
    assertEquals("job_j7 [2/3 ranks]", cells[0], partial.out());
    assertEquals("INCOMPLETE", cells[1], "rank 0 is missing");
    assertEquals("2", cells[4]);

    try (Run run = Prov4ml.startRun(RunOptions.builder().experimentName("job").outputDir(runs).runId("j7")
        .rank(0).worldSize(3).build())) {
      run.logMetric("loss", 0, Context.TRAINING);
    }
    cells = cli("ls", runs.toString()).out().lines().toList().get(1).split("\\s{2,}");
    assertEquals("job_j7 [3/3 ranks]", cells[0]);
    assertEquals("FINISHED", cells[1]);
    assertEquals("3", cells[4]);
  }

  @Test
  void aRunInProgressIsReportedAsItIsNow() throws Exception {
    try (Run run = Prov4ml.startRun(RunOptions.builder().experimentName("live").outputDir(work).build())) {
      run.logMetric("loss", 1.0, Context.TRAINING);
      run.flush();
      Result r = cli("report", run.runDirectory().toString());
      assertEquals(0, r.code(), r.err());
      assertTrue(r.err().startsWith("report: live_0 has not ended (still in progress"), r.err());
      assertTrue(Files.readString(run.runDirectory().resolve("report.html")).contains("\"status\":\"RUNNING\""));
    }
  }

  @Test
  void badInputIsOneLineAndExitCodeTwo() throws Exception {
    Path notRun = Files.createDirectories(work.resolve("not-a-run"));
    assertOneLineUsageError(cli("report", notRun.toString()), "report: " + notRun.toAbsolutePath()
        + ": not a run directory");
    assertOneLineUsageError(cli("report", work.resolve("absent").toString()), "report: "
        + work.resolve("absent").toAbsolutePath() + ": no such directory");
    System.setProperty("prov4ml.output-dir", work.resolve("empty").toString());
    try {
      assertOneLineUsageError(cli("report"), "report: no run directory given, and no run in "
          + work.resolve("empty").toAbsolutePath());
    } finally {
      System.clearProperty("prov4ml.output-dir");
    }

    Path cut = run("cut", 3, null);
    Path doc;
    try (var files = Files.list(cut)) {
      doc = files.filter(f -> f.getFileName().toString().startsWith("prov_")).findFirst().orElseThrow();
    }
    byte[] whole = Files.readAllBytes(doc);
    Files.write(doc, java.util.Arrays.copyOf(whole, whole.length / 2));
    assertOneLineUsageError(cli("report", cut.toString()), "report: " + doc + ": the PROV document is cut short");
    assertOneLineUsageError(cli("diff", cut.toString(), cut.toString()), "diff: " + doc);
    assertOneLineUsageError(cli("compare", cut.toString(), notRun.toString()), "compare: " + doc);

    Path badRow = run("badrow", 3, null);
    Path csv = badRow.resolve("metrics_GR0/accuracy_VALIDATION_None_GR0.csv");
    Files.writeString(csv, "three,point,five\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    assertOneLineUsageError(cli("report", badRow.toString()), "report: " + csv);

    Path one = run("one", 3, null);
    assertOneLineUsageError(cli("compare", one.toString()), "compare: compare needs at least two run "
        + "directories, got 1");
    assertOneLineUsageError(cli("compare"), "compare: Missing required parameter");
    assertOneLineUsageError(cli("diff", one.toString()), "diff: Missing required parameter: '<right-run-dir>'");
    assertOneLineUsageError(cli("ls", work.resolve("absent").toString()), "ls: " + work.resolve("absent")
        + " is not a directory");
  }
}
