package org.prov4ml.internal.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.prov4ml.internal.cli.RunVerification.Check;
import org.prov4ml.internal.cli.RunVerification.Outcome;
import org.prov4ml.rundir.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code verify <run-dir>}: are the run's files, code and data what the run recorded? */
@Command(name = "verify",
    description = {"Re-computes the SHA-256 of everything a run recorded one of (its artifacts and model "
        + "versions, the application's jar or classes folder, every file of its data sets) and compares them.",
        "One line for each file that differs or is missing, with its recorded and current digests; data sets' "
        + "files beyond prov4ml.data.hash-limit are reported as not checked. A file outside the run directory is "
        + "marked so.",
        "Only regular files are read: a FIFO or device, or a file of the run directory that is a link out of it, "
        + "is refused without being opened, and counts as not matching.",
        "Exit code 0 when everything checked matches, 1 when anything differs, is missing or is refused, 2 for bad "
            + "input."})
final class VerifyCommand extends CliCommand {

  @Parameters(paramLabel = "<run-dir>", description = "the run directory")
  Path runDir;

  @Option(names = "--all", description = "list the files that match too")
  boolean all;

  @Override
  public Integer call() throws IOException {
    RunDirectory run = openRun(runDir);
    List<Check> checks = reading(() -> RunVerification.of(run));
    Map<Outcome, Integer> counts = new TreeMap<>();
    for (Check check : checks) {
      counts.merge(check.outcome(), 1, Integer::sum);
      if (all || check.outcome() != Outcome.MATCHES) {
        out().println(check.line());
      }
    }
    int matching = counts.getOrDefault(Outcome.MATCHES, 0);
    int differing = counts.getOrDefault(Outcome.DIFFERS, 0);
    int missing = counts.getOrDefault(Outcome.MISSING, 0);
    int notChecked = counts.getOrDefault(Outcome.NOT_CHECKED, 0);
    int refused = counts.getOrDefault(Outcome.REFUSED, 0);
    out().println("verify: " + run.path() + ": " + matching + " match" + (differing > 0 ? ", " + differing
        + " differ" : "") + (missing > 0 ? ", " + missing + " missing" : "")
        + (refused > 0 ? ", " + refused + " refused (not read)" : "")
        + (notChecked > 0 ? ", " + notChecked + " not checked" : ""));
    out().flush();
    return differing + missing + refused > 0 ? Prov4mlCli.FAILED : Prov4mlCli.OK;
  }
}
