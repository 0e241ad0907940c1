package org.prov4ml.internal.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.prov4ml.rundir.Artifact;
import org.prov4ml.rundir.DatasetRecord;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.rundir.RunDirectoryException;
import org.prov4ml.rundir.SourceCode;
import org.prov4ml.internal.format.FileDigests;

/**
 * Re-computes the digests a run recorded and compares them: every artifact of the run directory (copies,
 * model files and versions, the bill of materials, the data sets' manifests), the application's jar or
 * classes folder, and every file of every data set's source. The files the application logged from
 * elsewhere ({@code Original_...}) are not checked: the application owns them, and their copies are.
 */
public final class RunVerification {

  /** What became of one recorded file. */
  public enum Outcome { MATCHES, DIFFERS, MISSING, NOT_CHECKED }

  /**
   * One file, its digest as recorded and as computed now.
   *
   * @param what what the file is to the run ({@code artifact}, {@code model version}, {@code data set
   *     train_dataset}, {@code application code})
   * @param recorded the digest recorded, or null when none was (beyond the hash limit)
   * @param current the digest now, or null when the file is missing or was not checked
   * @param reason why it was not checked, or what else differs
   */
  public record Check(String what, Path file, Outcome outcome, String recorded, String current, String reason) {

    /** One line for a person: {@code DIFFERS artifact model/mlp-0001.params: recorded ..., now ...}. */
    public String line() {
      return switch (outcome) {
        case MATCHES -> "matches " + what + " " + file;
        case DIFFERS -> "DIFFERS " + what + " " + file + ": recorded " + recorded + ", now "
            + (current != null ? current : "?") + (reason != null ? " (" + reason + ")" : "");
        case MISSING -> "MISSING " + what + " " + file + ": recorded " + (recorded != null ? recorded : "?")
            + ", now no such file";
        case NOT_CHECKED -> "not checked: " + what + " " + file + " (" + reason + ")";
      };
    }
  }

  private RunVerification() {}

  /**
   * Checks every recorded digest of the run.
   *
   * @throws RunDirectoryException when a data set's manifest cannot be read at all (it is then reported
   *     as a missing or differing artifact first)
   */
  public static List<Check> of(RunDirectory run) throws IOException {
    List<Check> checks = new ArrayList<>();
    Set<Path> manifestsChecked = new LinkedHashSet<>();
    for (RankRecord rank : run.ranks()) {
      for (Artifact artifact : rank.artifacts()) {
        if (artifact.sha256().isPresent()) {
          checks.add(check(artifact.model() ? "model file" : "artifact", artifact.file(), artifact.sha256().get()));
        }
      }
      Optional<SourceCode> code = rank.sourceCode();
      if (code.isPresent() && code.get().location().isPresent() && code.get().sha256().isPresent()) {
        Path location = code.get().location().get();
        checks.add(check("application code", location, code.get().sha256().get()));
      }
      for (DatasetRecord dataset : rank.datasets()) {
        dataset(dataset, checks, manifestsChecked);
      }
    }
    return checks;
  }

  private static void dataset(DatasetRecord dataset, List<Check> checks, Set<Path> manifests) throws IOException {
    String what = "data set " + dataset.label();
    List<DatasetRecord.DataFile> files;
    try {
      files = dataset.files();
    } catch (RunDirectoryException unreadable) {
      // The manifest's own check (it is an artifact) says whether it is missing or changed; the data set's
      // one digest still says whether its only file or folder is what it was.
      if (dataset.sha256().isPresent() && dataset.sources().size() == 1) {
        checks.add(check(what, Path.of(dataset.sources().get(0)), dataset.sha256().get()));
      } else {
        checks.add(new Check(what, dataset.manifest().orElse(null), Outcome.NOT_CHECKED, null, null,
            "its manifest cannot be read: " + unreadable.getMessage()));
      }
      return;
    }
    for (DatasetRecord.DataFile file : files) {
      if (file.sha256().isPresent()) {
        checks.add(check(what, file.path(), file.sha256().get()));
      } else if (!Files.exists(file.path())) {
        checks.add(new Check(what, file.path(), Outcome.MISSING, null, null, null));
      } else if (Files.size(file.path()) != file.bytes()) {
        checks.add(new Check(what, file.path(), Outcome.DIFFERS, "(not hashed, " + file.bytes() + " bytes)",
            "(" + Files.size(file.path()) + " bytes)", "its size changed"));
      } else {
        checks.add(new Check(what, file.path(), Outcome.NOT_CHECKED, null, null,
            "beyond prov4ml.data.hash-limit when the run was recorded: only its size was, and it is the same"));
      }
    }
  }

  private static Check check(String what, Path file, String recorded) throws IOException {
    if (!Files.exists(file)) {
      return new Check(what, file, Outcome.MISSING, recorded, null, null);
    }
    String current = FileDigests.sha256OfFileOrDirectory(file);
    return new Check(what, file, current.equals(recorded) ? Outcome.MATCHES : Outcome.DIFFERS, recorded, current,
        null);
  }
}
