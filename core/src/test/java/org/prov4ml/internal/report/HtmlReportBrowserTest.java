package org.prov4ml.internal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.format.FileDigests;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.Chromium;
import org.prov4ml.testing.ForkedJvm;
import org.prov4ml.testing.ProgramOfOneRank;

/** Reports of runs recorded through the API, opened in a real headless Chromium. */
class HtmlReportBrowserTest {

  private static Chromium browser;

  @TempDir
  Path work;

  @BeforeAll
  static void startBrowser() throws Exception {
    browser = Chromium.start(1400, 1000);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  private static Map<String, Object> params(int epochs) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("optimizer_name", "Adam");
    p.put("optimizer_lr", 0.01);
    p.put("epochs", epochs);
    p.put("batch_size", 32);
    p.put("note", "<script>alert('not markup')</script>");
    return p;
  }

  static void load(Path html) {
    browser.openReport(html);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> charts() {
    return (List<Map<String, Object>>) browser.script("return prov4ml.charts.map(function (c) { return {"
        + "key: c.key, system: c.system, labels: c.plot.series.slice(1).map(function (s) { return s.label; }),"
        + "points: c.plot.data.slice(1).map(function (d) { return d.filter(function (v) { return v !== undefined; })"
        + ".length; }) }; })");
  }

  @Test
  void aRunReportShowsEverySectionWithoutAConsoleError() throws Exception {
    Path dir = ReportTestRuns.training(work, "browser", params(3));
    Path html = HtmlReport.writeRun(RunDirectory.open(dir), dir.resolve("report.html"));
    load(html);
    assertEquals(List.of(), browser.consoleErrors());

    assertEquals("browser_0", browser.driver().findElement(By.id("title")).getText());
    assertEquals("FINISHED", browser.driver().findElement(By.id("status")).getText());
    List<Map<String, Object>> charts = charts();
    assertEquals(List.of("loss", "accuracy", "system/cpu_utilization_percentage"),
        charts.stream().map(c -> c.get("key")).toList());
    Map<String, Object> loss = charts.get(0);
    assertEquals(List.of("TRAINING", "VALIDATION"), loss.get("labels"));
    assertEquals(List.of((long) ReportTestRuns.TRAINING_POINTS, 5L), loss.get("points"));
    assertEquals(List.of(5L), charts.get(1).get("points"));
    assertEquals(Boolean.TRUE, charts.get(2).get("system"));
    assertEquals(List.of(20L), charts.get(2).get("points"));
    WebElement lossCard = browser.driver().findElement(By.cssSelector(".chart-card[data-key='loss']"));
    assertTrue(lossCard.getText().contains("TRAINING: 2 NaN or infinite points"), lossCard.getText());

    List<WebElement> rows = browser.driver().findElements(By.cssSelector("#param-table tbody tr"));
    Map<String, String> shown = new LinkedHashMap<>();
    rows.forEach(r -> shown.put(r.findElement(By.cssSelector("td.name")).getText(),
        r.findElement(By.cssSelector("td.value")).getText()));
    assertEquals(Map.of("optimizer_name", "Adam", "optimizer_lr", "0.01", "epochs", "3", "batch_size", "32",
        "note", "<script>alert('not markup')</script>"), shown);

    browser.driver().findElement(By.id("param-search")).sendKeys("optim");
    assertEquals(2, rows.stream().filter(WebElement::isDisplayed).count(), "the search filters the params");

    Object hasRun = browser.script("return prov4ml.graph.cy.getElementById(arguments[0]).nonempty()", "browser_GR0_0");
    assertEquals(Boolean.TRUE, hasRun);
    Object grouped = browser.script("return prov4ml.graph.cy.nodes('[kind=\"group\"]').map(function (n) {"
        + " return n.data('label'); }).sort()");
    assertEquals(List.of("1 metric · SYSTEM  ▸", "1 metric · TRAINING  ▸", "2 metrics · VALIDATION  ▸",
        "5 params  ▸"), grouped);
    browser.script("prov4ml.graph.expand('metrics:TRAINING:0')");
    assertEquals(Boolean.TRUE, browser.script("return prov4ml.graph.cy.getElementById('loss//TRAINING').nonempty()"));
    browser.screenshotOfPage(Path.of("target", "screenshots", "run-report.png"));
  }

  @Test
  void theModelARunStartedFromHeadsItsChainAsText() throws Exception {
    // A file name that is markup: the report shows it as text.
    Path file = Files.writeString(Files.createDirectories(work.resolve("pre")).resolve("<img src=x onerror=alert(1)>-0002.params"),
        "weights");
    Path dir;
    try (Run run = Prov4ml.startRun(RunOptions.builder().experimentName("started").outputDir(work).build())) {
      run.logInputModel("mlp", file);
      dir = run.runDirectory();
    }
    Path html = HtmlReport.writeRun(RunDirectory.open(dir), dir.resolve("report.html"));
    load(html);
    assertEquals(List.of(), browser.consoleErrors());
    List<WebElement> inputs = browser.driver().findElements(By.cssSelector("#model-chains .input-model"));
    assertEquals(1, inputs.size());
    String shown = inputs.get(0).getText();
    assertTrue(shown.startsWith("started from <img src=x onerror=alert(1)>-0002.params"), shown);
    assertTrue(shown.contains("sha256 " + FileDigests.sha256(file).substring(0, 16)), shown);
    assertEquals(List.of(), browser.driver().findElements(By.cssSelector("#model-chains img")), "no markup made");
  }

  @Test
  void aServerAddressFromTheDocumentThatIsNoWebAddressIsShownAsTextNeverLinked() throws Exception {
    Path dir = ReportTestRuns.training(work, "hostile", params(1));
    Path document;
    try (var files = Files.list(dir)) {
      document = files.filter(f -> f.getFileName().toString().matches("prov_.*_GR0_.*\\.json")).findFirst()
          .orElseThrow();
    }
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var root = json.readTree(document.toFile());
    root.path("activity").fields().forEachRemaining(a -> {
      if (a.getValue().has("yprov:run_id")) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) a.getValue())
            .put("yprov:mlflow_tracking_uri", "javascript:window.pwned=1;//")
            .put("yprov:mlflow_experiment_id", "1").put("yprov:mlflow_run_id", "r");
      }
    });
    json.writeValue(document.toFile(), root);
    load(HtmlReport.writeRun(RunDirectory.open(dir), dir.resolve("report.html")));

    var driver = browser.driver();
    assertEquals(List.of(), driver.findElements(By.cssSelector("a[href]")).stream()
        .map(a -> a.getAttribute("href")).filter(h -> !h.startsWith("http") && !h.startsWith("file:")).toList(),
        "only web and in-page links");
    WebElement mlflow = driver.findElement(By.xpath("//dt[text()='MLflow']/following-sibling::dd"));
    assertTrue(mlflow.getText().startsWith("javascript:window.pwned=1;//#/experiments/1/runs/r"), mlflow.getText());
    assertTrue(mlflow.getText().endsWith("(not a web address, not linked)"), mlflow.getText());
    mlflow.click();
    assertEquals(null, browser.script("return window.pwned === undefined ? null : window.pwned"));
  }

  @Test
  void hoverShowsStepValueAndTimeAndAUserCanZoomAndSwitchToALogScale() throws Exception {
    Path dir = ReportTestRuns.training(work, "touch", params(3));
    load(HtmlReport.writeRun(RunDirectory.open(dir), dir.resolve("report.html")));
    var driver = browser.driver();

    WebElement accuracy = driver.findElement(By.cssSelector(".chart-card[data-key='accuracy'] .u-over"));
    new Actions(driver).moveToElement(accuracy).perform(); // the middle: epoch 3 of 1..5
    WebElement tooltip = driver.findElement(By.id("tooltip"));
    String time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC)
        .format(Instant.ofEpochMilli(ReportTestRuns.START_MILLIS + 3000));
    assertEquals("step 3 · " + time + "\nVALIDATION\n0.74", tooltip.getText());

    String range = "var u = prov4ml.charts.find(function (c) { return c.key === 'loss'; }).plot;"
        + " return [u.scales.x.min, u.scales.x.max];";
    assertEquals(List.of(0L, 499L), browser.script(range));
    WebElement loss = driver.findElement(By.cssSelector(".chart-card[data-key='loss'] .u-over"));
    int w = loss.getSize().getWidth();
    new Actions(driver).moveToElement(loss, -w / 4, 0).clickAndHold().moveByOffset(w / 4, 0).release().perform();
    @SuppressWarnings("unchecked")
    List<Number> zoomed = (List<Number>) browser.script(range);
    assertTrue(zoomed.get(0).doubleValue() > 50 && zoomed.get(1).doubleValue() < 300, "zoomed to " + zoomed);
    driver.findElement(By.cssSelector(".chart-card[data-key='loss'] button.reset")).click();
    assertEquals(List.of(0L, 499L), browser.script(range));

    driver.findElement(By.cssSelector(".chart-card[data-key='loss'] input.log-scale")).click();
    assertEquals(3L, browser.script("return prov4ml.charts.find(function (c) { return c.key === 'loss'; })"
        + ".plot.scales.y.distr"));
    assertEquals(List.of(), browser.consoleErrors());
  }

  @Test
  void aGraphOfHundredsOfEntitiesShowsGroupsThatExpand() throws Exception {
    Path dir;
    try (org.prov4ml.Run run = org.prov4ml.Prov4ml.startRun(org.prov4ml.RunOptions.builder().experimentName("wide")
        .outputDir(work).build())) {
      for (int i = 0; i < 300; i++) {
        run.logMetric("layer" + i + "/grad_norm", i, org.prov4ml.Context.TRAINING, 0);
        run.logParam("p" + i, i);
      }
      dir = run.runDirectory();
    }
    load(HtmlReport.writeRun(RunDirectory.open(dir), dir.resolve("report.html")));
    assertEquals(List.of(), browser.consoleErrors());
    String visible = "return prov4ml.graph.cy.nodes().filter(function (n) { return !n.isParent(); }).length";
    // The agent, the run, TRAINING, and two groups: 300 metrics and 300 params.
    assertEquals(5L, browser.script(visible));
    browser.script("prov4ml.graph.expand('metrics:TRAINING:0')");
    assertEquals(304L, browser.script(visible));
  }

  @Test
  void theRanksOfAJobAreChartedSideBySide() throws Exception {
    List<ForkedJvm.Started> ranks = new java.util.ArrayList<>();
    for (int rank = 0; rank < 2; rank++) {
      ranks.add(ForkedJvm.start(ProgramOfOneRank.class, List.of("-Xmx64m"), Map.of("RANK", "" + rank,
          "WORLD_SIZE", "2", "PROV4ML_RUN_ID", "job-7"), work.toString(), "300"));
    }
    for (ForkedJvm.Started r : ranks) {
      r.await(180).requireSuccess("a rank");
    }
    RunDirectory run = RunDirectory.open(work.resolve("ranks_job-7"));
    assertEquals(2, run.ranks().size());
    load(HtmlReport.writeRun(run, work.resolve("ranks.html")));
    assertEquals(List.of(), browser.consoleErrors());
    Object lossCharts = browser.script("return prov4ml.charts.filter(function (c) { return c.key === 'loss'; })"
        + ".map(function (c) { return [c.rank, c.plot.data[1].filter(function (v) { return v !== undefined; })"
        + ".length]; })");
    assertEquals(List.of(List.of(0L, 300L), List.of(1L, 300L)), lossCharts);
    assertEquals(2, browser.driver().findElements(By.cssSelector(".chart-card[data-key='loss'] .rank-row .plot"))
        .size());
    for (RankRecordId id : List.of(new RankRecordId(0), new RankRecordId(1))) {
      assertEquals(Boolean.TRUE, browser.script("return prov4ml.graph.cy.getElementById(arguments[0]).nonempty()",
          "GR" + id.rank() + ":" + run.rank(id.rank()).run().id()), "rank " + id.rank() + "'s run activity");
    }
    browser.screenshotOfPage(Path.of("target", "screenshots", "ranks-report.png"));
  }

  private record RankRecordId(int rank) {}

  @Test
  void compareHighlightsExactlyTheParamThatDiffers() throws Exception {
    Path a = ReportTestRuns.training(work, "cmp", params(3));
    Path b = ReportTestRuns.training(work, "cmp", params(5));
    Path html = HtmlReport.writeComparison(List.of(RunDirectory.open(a), RunDirectory.open(b)),
        work.resolve("compare.html"));
    load(html);
    assertEquals(List.of(), browser.consoleErrors());
    List<WebElement> differing = browser.driver().findElements(By.cssSelector("#param-table tbody tr.diff"));
    assertEquals(1, differing.size());
    assertEquals("epochs 3 5", differing.get(0).getText());
    assertEquals(5, browser.driver().findElements(By.cssSelector("#param-table tbody tr")).size());
    browser.driver().findElement(By.id("diff-only")).click();
    assertEquals(1, browser.driver().findElements(By.cssSelector("#param-table tbody tr")).stream()
        .filter(WebElement::isDisplayed).count());

    Map<String, Object> loss = charts().get(0);
    assertEquals(List.of("cmp_0 · TRAINING", "cmp_0 · VALIDATION", "cmp_1 · TRAINING", "cmp_1 · VALIDATION"),
        loss.get("labels"));
    String finals = browser.driver().findElement(By.id("final-table")).getText();
    assertTrue(finals.contains("accuracy VALIDATION 0.9 0.9"), finals);
    browser.screenshotOfPage(Path.of("target", "screenshots", "compare-report.png"));
    assertTrue(Files.size(html) < 400_000, "a comparison carries no graph library: " + Files.size(html));
  }
}
