package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.ModelVersion;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.Chromium;

/**
 * The user's first run: the demo under the agent, then {@code java -jar prov4ml.jar report}, and the report
 * opened in a real headless Chromium. What the page shows is read through uPlot's and Cytoscape's own objects.
 */
class DemoReportTest {

  @TempDir
  Path work;

  @Test
  void theDemoRunsReportShowsEveryMetricParamAndModelVersion() throws Exception {
    new ForkedApp(work).property("prov4ml.system-metrics.interval", "100ms")
        .runJar(ForkedApp.DEMO_JAR, "--epochs", "3", "--models", "models").requireSuccess();
    // As the README's main command does it: no argument, the newest run of the default output directory.
    ForkedApp.Result report = new ForkedApp(work).withoutAgent().runJar(ForkedApp.AGENT_JAR, "report");
    assertEquals(0, report.exitCode(), report.stderr());
    RunDirectory run = RunDirectory.open(work.resolve("prov4ml-runs").resolve("default_0"));
    Path html = run.path().resolve("report.html");
    assertEquals(html.toString(), report.stdout().strip());

    try (Chromium browser = Chromium.start(1400, 1000)) {
      browser.openReport(html);
      assertEquals(List.of(), browser.consoleErrors());

      // A chart per metric key, a series per context, every point (the demo's series are short: none is reduced).
      Map<String, Map<String, Long>> expected = new TreeMap<>();
      for (MetricSeries s : run.metrics()) {
        expected.computeIfAbsent(s.key(), k -> new LinkedHashMap<>()).put(s.context().name(), s.pointCount());
      }
      assertTrue(expected.keySet().stream().anyMatch(k -> k.startsWith("system/")), "system metrics recorded");
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> charts = (List<Map<String, Object>>) browser.script("return prov4ml.charts.map("
          + "function (c) { var m = {}; c.plot.series.slice(1).forEach(function (s, i) { m[s.label] ="
          + " c.plot.data[i + 1].filter(function (v) { return v !== undefined; }).length; });"
          + " return { key: c.key, series: m }; })");
      Map<String, Map<String, Long>> shown = new TreeMap<>();
      charts.forEach(c -> shown.put((String) c.get("key"), new LinkedHashMap<>(castCounts(c.get("series")))));
      assertEquals(expected, shown);

      List<WebElement> rows = browser.driver().findElements(By.cssSelector("#param-table tbody tr"));
      Map<String, String> params = new LinkedHashMap<>();
      rows.forEach(r -> params.put(r.findElement(By.cssSelector("td.name")).getText(),
          r.findElement(By.cssSelector("td.value")).getText()));
      assertEquals(run.params(), params);
      assertFalse(params.isEmpty());

      assertEquals(Boolean.TRUE, browser.script("return prov4ml.graph.cy.getElementById(arguments[0]).nonempty()",
          run.run().id()), "the run activity");
      assertEquals(3, run.modelVersions().size());
      for (ModelVersion v : run.modelVersions()) {
        assertEquals(Boolean.TRUE, browser.script("return prov4ml.graph.cy.getElementById(arguments[0])"
            + ".nonempty()", v.id()), v.id());
        assertTrue(browser.driver().findElement(By.cssSelector("[data-version='" + v.id() + "']")).getText()
            .contains("step " + v.step() + " · " + v.context().name()), v.id());
      }
      assertEquals("FINISHED", browser.driver().findElement(By.id("status")).getText());
      Path screenshot = browser.screenshotOfPage(ForkedApp.TARGET.resolve("screenshots/demo-report.png"));
      assertTrue(java.nio.file.Files.size(screenshot) > 50_000);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Long> castCounts(Object counts) {
    return (Map<String, Long>) counts;
  }
}
