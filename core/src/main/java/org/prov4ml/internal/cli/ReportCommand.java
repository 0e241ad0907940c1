package org.prov4ml.internal.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.prov4ml.internal.report.HtmlReport;
import org.prov4ml.rundir.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code report <run-dir> [-o FILE]}: one self-contained HTML file of a run. */
@Command(name = "report",
    description = {"Writes a run's report: one self-contained HTML file (opens offline) with its header, params, "
        + "metric and system charts, artifacts, model versions and provenance graph. Prints the file's path."})
final class ReportCommand extends CliCommand {

  @Parameters(paramLabel = "<run-dir>", description = "the run directory")
  Path runDir;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "default: <run-dir>/report.html")
  Path output;

  @Override
  public Integer call() throws IOException {
    RunDirectory run = openRun(runDir);
    Path file = reading(() -> HtmlReport.writeRun(run,
        output != null ? output : run.path().resolve("report.html")));
    if (!run.run().ended()) {
      err().println("report: " + run.run().name() + " has not ended (still in progress, or its process died); "
          + "the report shows it as it is now");
    }
    out().println(file);
    return Prov4mlCli.OK;
  }
}
