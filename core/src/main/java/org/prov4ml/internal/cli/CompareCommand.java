package org.prov4ml.internal.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.prov4ml.internal.report.HtmlReport;
import org.prov4ml.rundir.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code compare <run-dir> <run-dir>... [-o FILE]}: several runs side by side in one HTML file. */
@Command(name = "compare",
    description = {"Compares runs in one self-contained HTML file: params side by side (differences highlighted), "
        + "every run's series overlaid per metric, and the final values. Prints the file's path."})
final class CompareCommand extends CliCommand {

  @Parameters(paramLabel = "<run-dir>", arity = "1..*", description = "two or more run directories")
  List<Path> runDirs;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "default: compare.html in the working "
      + "directory; a directory gets compare.html in it; never a file already inside a run directory")
  Path output;

  @Override
  public Integer call() throws IOException {
    if (runDirs.size() < 2) {
      throw new BadInputException("compare needs at least two run directories, got " + runDirs.size());
    }
    List<RunDirectory> runs = runDirs.stream().map(CliCommand::openRun).toList();
    Path target = outputFile(output != null ? output : Path.of("compare.html"), "compare.html");
    Path file = reading(() -> HtmlReport.writeComparison(runs, target));
    out().println(file);
    return Prov4mlCli.OK;
  }
}
