package org.prov4ml.internal.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.prov4ml.internal.merge.JobDocumentWriter;
import org.prov4ml.rundir.RunDirectoryException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code merge <run-dir>}: writes a job's one document from its ranks' documents, as rank 0 does at
 * its end. Exit codes: 0 when every rank is in it, 1 when a rank is missing or not ended (the
 * document is written with the others, marked INCOMPLETE), 2 for bad input.
 */
@Command(name = "merge",
    description = {"Merges the documents of a job's ranks in one run directory into "
        + "prov_<experiment>_<run-id>.json: one PROV bundle per rank, and the job's activity.",
        "Rank 0 does it at its end; run it again when a rank ended later.",
        "Exit code 0 when every rank is merged, 1 when a rank is missing or not ended (the others are merged), "
            + "2 for bad input."})
final class MergeCommand extends CliCommand {

  @Parameters(paramLabel = "<run-dir>", description = "the job's run directory, <experiment>_<run-id>")
  Path runDir;

  @Override
  public Integer call() throws IOException {
    if (!Files.isDirectory(runDir)) {
      throw new BadInputException(runDir + " is not a directory");
    }
    JobDocumentWriter.Result r;
    try {
      r = JobDocumentWriter.write(runDir);
    } catch (RunDirectoryException e) {
      throw new BadInputException(e.getMessage(), e);
    }
    if (r.complete()) {
      out().println("merge: " + r.merged().size() + " ranks, " + r.status() + ", in " + r.file());
      return Prov4mlCli.OK;
    }
    err().println("merge: " + r.file() + " lacks " + r.describeMissing() + " of " + r.worldSize()
        + "; run merge again once they have ended");
    return Prov4mlCli.FAILED;
  }
}
