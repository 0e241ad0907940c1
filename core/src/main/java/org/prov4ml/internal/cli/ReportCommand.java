package org.prov4ml.internal.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.report.HtmlReport;
import org.prov4ml.internal.report.RunListing;
import org.prov4ml.rundir.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code report [<run-dir>] [-o FILE]}: one self-contained HTML file of a run, by default the newest one. */
@Command(name = "report",
    description = {"Writes a run's report: one self-contained HTML file (opens offline) with its header, params, "
        + "metric and system charts, artifacts, model versions and provenance graph. Prints the file's path."})
final class ReportCommand extends CliCommand {

  @Parameters(paramLabel = "<run-dir>", arity = "0..1",
      description = "the run directory (default: the newest run in prov4ml.output-dir)")
  Path runDir;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "default: <run-dir>/report.html; a "
      + "directory gets report.html in it; never a file already inside a run directory")
  Path output;

  @Override
  public Integer call() throws IOException {
    RunDirectory run;
    if (runDir != null) {
      run = openRun(runDir);
    } else {
      Path outputDir = configuration().get(ConfigKeys.OUTPUT_DIR);
      run = reading(() -> RunListing.newest(outputDir)).orElseThrow(() -> new BadInputException("no run directory "
          + "given, and no run in " + outputDir.toAbsolutePath() + " (prov4ml.output-dir)"));
    }
    Path target = output != null ? outputFile(output, "report.html") : run.path().resolve("report.html");
    Path file = reading(() -> HtmlReport.writeRun(run, target));
    if (!run.run().ended()) {
      err().println("report: " + run.run().name() + " has not ended (still in progress, or its process died); "
          + "the report shows it as it is now");
    }
    out().println(file);
    return Prov4mlCli.OK;
  }
}
