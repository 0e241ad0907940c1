package org.prov4ml.internal.cli;

import java.nio.file.Path;
import org.prov4ml.internal.report.RunDiff;
import org.prov4ml.rundir.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code diff <run-dir> <run-dir>}: what {@code compare} shows, as text. */
@Command(name = "diff",
    description = {"Prints how two runs differ, for terminals and CI: params that differ (name, left, right), "
        + "params only one run has, and the final metric values side by side. Exits 0 whatever differs."})
final class DiffCommand extends CliCommand {

  @Parameters(index = "0", paramLabel = "<left-run-dir>", description = "a run directory")
  Path left;

  @Parameters(index = "1", paramLabel = "<right-run-dir>", description = "another run directory")
  Path right;

  @Override
  public Integer call() throws java.io.IOException {
    RunDirectory l = openRun(left);
    RunDirectory r = openRun(right);
    reading(() -> {
      RunDiff.of(l, r).print(out());
      return null;
    });
    out().flush();
    return Prov4mlCli.OK;
  }
}
