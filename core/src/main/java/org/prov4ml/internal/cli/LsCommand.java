package org.prov4ml.internal.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.report.RunListing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ls [<output-dir>]}: one line per run, newest first. */
@Command(name = "ls",
    description = {"Lists the runs of an output directory, newest first: name, status, start, duration, point "
        + "count and the last value of up to three headline metrics."})
final class LsCommand extends CliCommand {

  @Parameters(paramLabel = "<output-dir>", arity = "0..1",
      description = "the directory holding run directories (default: prov4ml.output-dir)")
  Path outputDir;

  @Override
  public Integer call() throws IOException {
    Path dir = outputDir != null ? outputDir : configuration().get(ConfigKeys.OUTPUT_DIR);
    if (!Files.isDirectory(dir)) {
      throw new BadInputException(dir + " is not a directory" + (outputDir == null
          ? " (prov4ml.output-dir; pass the directory that holds the run directories)" : ""));
    }
    RunListing.of(dir).print(out());
    out().flush();
    return Prov4mlCli.OK;
  }
}
