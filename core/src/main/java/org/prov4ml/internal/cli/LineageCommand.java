package org.prov4ml.internal.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.format.FileDigests;
import org.prov4ml.internal.lineage.IndexEntry;
import org.prov4ml.internal.lineage.Lineage;
import org.prov4ml.internal.lineage.RunIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lineage <file|sha256> [--in <output-dir>]... [--json]}: which runs made and used this content. */
@Command(name = "lineage",
    description = {"Which run made a file (a model version or an artifact), from which code and data, what that run "
        + "started from (its input models, followed upstream), and which runs used it.",
        "Reads the run index kept beside the runs of each output directory (.prov4ml-index), rebuilding what is "
            + "missing or out of date, and checks everything it shows against the run's own document.",
        "Exit code 0 when a run knows the content, 1 when none does, 2 for bad input."})
final class LineageCommand extends CliCommand {

  @Parameters(paramLabel = "<file|sha256>",
      description = "a file (it is hashed) or a SHA-256 (64 hex digits)")
  String content;

  @Option(names = "--in", paramLabel = "<output-dir>",
      description = "a directory holding run directories; may be given more than once (default: prov4ml.output-dir)")
  List<Path> in = new ArrayList<>();

  @Option(names = "--json", description = "print the answer as one JSON document")
  boolean json;

  @Override
  public Integer call() throws IOException {
    String sha256 = sha256Of(content);
    List<Path> dirs = in.isEmpty() ? List.of(configuration().get(ConfigKeys.OUTPUT_DIR)) : in;
    List<RunIndex> indexes = new ArrayList<>();
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        throw new BadInputException(dir + " is not a directory" + (in.isEmpty()
            ? " (prov4ml.output-dir; pass --in <output-dir>, the directory that holds the run directories)" : ""));
      }
      try {
        indexes.add(RunIndex.of(dir).refresh());
      } catch (IOException e) {
        throw new BadInputException(dir + " cannot be read: " + Prov4mlCli.describe(e), e);
      }
    }
    Lineage.Result result = Lineage.over(indexes).of(sha256);
    if (json) {
      Lineage.printJson(result, out());
    } else {
      Lineage.printText(result, out());
    }
    out().flush();
    return result.found() ? Prov4mlCli.OK : Prov4mlCli.FAILED;
  }

  /** The argument's SHA-256: an existing regular file is hashed; else it must be a SHA-256 itself. */
  private static String sha256Of(String argument) throws IOException {
    Path file;
    try {
      file = Path.of(argument);
    } catch (java.nio.file.InvalidPathException e) {
      file = null;
    }
    if (file != null && Files.exists(file)) {
      if (!Files.isRegularFile(file)) {
        // A FIFO would block the read, a directory has no one digest.
        throw new BadInputException(argument + " is not a regular file");
      }
      try {
        return FileDigests.sha256(file);
      } catch (IOException e) {
        throw new BadInputException(argument + " cannot be read: " + Prov4mlCli.describe(e), e);
      }
    }
    String lower = argument.toLowerCase(Locale.ROOT);
    if (IndexEntry.isSha256(lower)) {
      return lower;
    }
    throw new BadInputException(argument + " is neither a file nor a SHA-256 (64 hex digits)");
  }
}
