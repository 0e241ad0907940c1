package org.prov4ml.internal.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.prov4ml.internal.format.AtomicFile;
import org.prov4ml.rundir.RunDirectory;

/**
 * A self-contained HTML report: one file that opens offline, with the chart library (uPlot), the graph
 * libraries (Cytoscape.js laid out by dagre), the page's own script and style inlined, and the runs' data in a
 * JSON island (see {@link ReportData}). The page is {@code report.html}, a template; its script builds every
 * section from the data, so a report of one run and a comparison of several are the same page.
 *
 * <p>The file is written next to its destination and moved into place, so a report being rewritten is never
 * seen half-written.
 */
public final class HtmlReport {

  private static final HtmlTemplate PAGE = HtmlTemplate.resource("report.html");
  private static final HtmlTemplate.Slot NONE = out -> { };

  private HtmlReport() {}

  /** The report of one run: header, params, metrics, system metrics, artifacts and models, provenance graph. */
  public static Path writeRun(RunDirectory run, Path file) throws IOException {
    return write(new ReportData(ReportData.Kind.RUN, List.of(run)), run.run().name() + " · prov4ml report", file);
  }

  /** The comparison of several runs: params side by side, every run's series overlaid, final values. */
  public static Path writeComparison(List<RunDirectory> runs, Path file) throws IOException {
    if (runs.size() < 2) {
      throw new IllegalArgumentException("a comparison needs at least two runs, got " + runs.size());
    }
    String title = "Comparing " + String.join(", ", runs.stream().map(r -> r.run().name()).toList());
    return write(new ReportData(ReportData.Kind.COMPARE, runs), title + " · prov4ml", file);
  }

  private static Path write(ReportData data, String title, Path file) throws IOException {
    boolean graph = data.kind() == ReportData.Kind.RUN;
    Path target = file.toAbsolutePath().normalize();
    Files.createDirectories(target.getParent());
    AtomicFile.write(target, bytes -> {
      Writer out = new BufferedWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), 1 << 16);
      PAGE.render(out, Map.of(
          "title", HtmlTemplate.text(title),
          "uplot.css", HtmlTemplate.ReportResources.inline("lib/uplot/dist/uPlot.min.css", "style"),
          "report.css", HtmlTemplate.ReportResources.inline("report.css", "style"),
          "uplot.js", HtmlTemplate.ReportResources.inline("lib/uplot/dist/uPlot.iife.min.js", "script"),
          // A comparison draws no graph: it carries neither graph library (two thirds of a report's script).
          "dagre.js", graph ? HtmlTemplate.ReportResources.inline("lib/dagre/dist/dagre.min.js", "script") : NONE,
          "cytoscape.js", graph ? HtmlTemplate.ReportResources.inline("lib/cytoscape/dist/cytoscape.min.js",
              "script") : NONE,
          "report.js", HtmlTemplate.ReportResources.inline("report.js", "script"),
          "data", data::write));
      out.flush();
    });
    return target;
  }
}
