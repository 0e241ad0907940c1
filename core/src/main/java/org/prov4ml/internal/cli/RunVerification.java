package org.prov4ml.internal.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.prov4ml.internal.format.FileDigests;
import org.prov4ml.rundir.Artifact;
import org.prov4ml.rundir.DatasetRecord;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.rundir.RunDirectoryException;
import org.prov4ml.rundir.RunFiles;
import org.prov4ml.rundir.SourceCode;

/**
 * Re-computes the digests a run recorded and compares them: every artifact of the run directory (copies,
 * model files and versions, the bill of materials, the data sets' manifests), the application's jar or
 * classes folder, and every file of every data set's source. The files the application logged from
 * elsewhere ({@code Original_...}) are not checked: the application owns them, and their copies are.
 *
 * <p>A run directory is untrusted input, and verifying one must neither read a file outside it through it nor
 * hang. A file the run names inside itself is read only as {@link RunFiles} allows (a regular file whose real
 * path lies inside the directory); a link out of it, a FIFO, a device or a socket there is {@link
 * Outcome#REFUSED}, named, and counts as not matching. Re-hashing the files the run names outside itself (its
 * jar, its data sets' files) is what verify is for, so those are read, but only when they are regular files (or
 * directories, whose regular files are hashed): a FIFO or a device is refused without being opened. Each check
 * says whether its file lies outside the run directory.
 */
public final class RunVerification {

  /** What became of one recorded file. */
  public enum Outcome { MATCHES, DIFFERS, MISSING, NOT_CHECKED, REFUSED }

  /**
   * One file, its digest as recorded and as computed now.
   *
   * @param what what the file is to the run ({@code artifact}, {@code model version}, {@code data set
   *     train_dataset}, {@code application code})
   * @param outside whether the file lies outside the run directory (the run names it, it does not hold it)
   * @param recorded the digest recorded, or null when none was (beyond the hash limit)
   * @param current the digest now, or null when the file is missing or was not checked
   * @param reason why it was not checked or was refused, or what else differs
   */
  public record Check(String what, Path file, boolean outside, Outcome outcome, String recorded, String current,
      String reason) {

    /** One line for a person: {@code DIFFERS artifact model/mlp-0001.params: recorded ..., now ...}. */
    public String line() {
      String named = what + " " + file + (outside ? " (outside the run directory)" : "");
      return switch (outcome) {
        case MATCHES -> "matches " + named;
        case DIFFERS -> "DIFFERS " + named + ": recorded " + recorded + ", now "
            + (current != null ? current : "?") + (reason != null ? " (" + reason + ")" : "");
        case MISSING -> "MISSING " + named + ": recorded " + (recorded != null ? recorded : "?")
            + ", now no such file";
        case NOT_CHECKED -> "not checked: " + named + " (" + reason + ")";
        case REFUSED -> "REFUSED " + named + ": " + reason;
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
    Path runDir = run.path();
    for (RankRecord rank : run.ranks()) {
      for (Artifact artifact : rank.artifacts()) {
        if (artifact.sha256().isPresent()) {
          checks.add(check(runDir, artifact.model() ? "model file" : "artifact", artifact.file(),
              artifact.sha256().get()));
        }
      }
      Optional<SourceCode> code = rank.sourceCode();
      if (code.isPresent() && code.get().location().isPresent() && code.get().sha256().isPresent()) {
        Path location = code.get().location().get();
        checks.add(check(runDir, "application code", location, code.get().sha256().get()));
      }
      for (DatasetRecord dataset : rank.datasets()) {
        dataset(runDir, dataset, checks, manifestsChecked);
      }
    }
    return checks;
  }

  private static void dataset(Path runDir, DatasetRecord dataset, List<Check> checks, Set<Path> manifests)
      throws IOException {
    String what = "data set " + dataset.label();
    List<DatasetRecord.DataFile> files;
    try {
      files = dataset.files();
    } catch (RunDirectoryException unreadable) {
      // The manifest's own check (it is an artifact) says whether it is missing or changed; the data set's
      // one digest still says whether its only file or folder is what it was.
      if (dataset.sha256().isPresent() && dataset.sources().size() == 1) {
        checks.add(check(runDir, what, Path.of(dataset.sources().get(0)), dataset.sha256().get()));
      } else {
        Path manifest = dataset.manifest().orElse(null);
        checks.add(new Check(what, manifest, manifest != null && outside(runDir, manifest), Outcome.NOT_CHECKED,
            null, null, "its manifest cannot be read: " + unreadable.getMessage()));
      }
      return;
    }
    for (DatasetRecord.DataFile file : files) {
      Path path = file.path();
      boolean outside = outside(runDir, path);
      if (file.sha256().isPresent()) {
        checks.add(check(runDir, what, path, file.sha256().get()));
      } else if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        checks.add(new Check(what, path, outside, Outcome.MISSING, null, null, null));
      } else {
        Optional<String> refused = refusal(runDir, path, outside);
        if (refused.isPresent()) {
          checks.add(new Check(what, path, outside, Outcome.REFUSED, null, null, refused.get()));
        } else if (Files.size(path) != file.bytes()) {
          checks.add(new Check(what, path, outside, Outcome.DIFFERS, "(not hashed, " + file.bytes() + " bytes)",
              "(" + Files.size(path) + " bytes)", "its size changed"));
        } else {
          checks.add(new Check(what, path, outside, Outcome.NOT_CHECKED, null, null,
              "beyond prov4ml.data.hash-limit when the run was recorded: only its size was, and it is the same"));
        }
      }
    }
  }

  private static Check check(Path runDir, String what, Path file, String recorded) throws IOException {
    boolean outside = outside(runDir, file);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return new Check(what, file, outside, Outcome.MISSING, recorded, null, null);
    }
    Optional<String> refused = refusal(runDir, file, outside);
    if (refused.isPresent()) {
      return new Check(what, file, outside, Outcome.REFUSED, recorded, null, refused.get());
    }
    String current = FileDigests.sha256OfFileOrDirectory(file); // a folder's every entry was allowed above
    return new Check(what, file, outside, current.equals(recorded) ? Outcome.MATCHES : Outcome.DIFFERS, recorded,
        current, null);
  }

  /** Whether the run names {@code file} outside itself: where the path points, before any link is followed. */
  private static boolean outside(Path runDir, Path file) {
    return !file.toAbsolutePath().normalize().startsWith(runDir);
  }

  /**
   * Why {@code file} must not be read, or empty when it may. Inside the run directory, as {@link RunFiles} says,
   * for a directory's every entry too (a link out or a FIFO in an artifact folder refuses the folder, named);
   * outside it, anything but a regular file or a directory.
   */
  private static Optional<String> refusal(Path runDir, Path file, boolean outside) throws IOException {
    if (outside) {
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(file, BasicFileAttributes.class);
      } catch (IOException e) {
        return Optional.empty(); // a dangling link or a file that cannot be read: the digest says why
      }
      return attributes.isRegularFile() || attributes.isDirectory() ? Optional.empty()
          : Optional.of("not a regular file (a FIFO, device or socket), not opened");
    }
    if (!Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
      return RunFiles.refusal(runDir, file);
    }
    if (!file.toRealPath().startsWith(runDir.toRealPath())) {
      return Optional.of("a folder reached through a link out of the run directory, not followed");
    }
    try (Stream<Path> entries = Files.walk(file)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        Optional<String> refused = RunFiles.refusal(runDir, entry);
        if (refused.isPresent() && !(Files.isDirectory(entry) && entry.toRealPath().startsWith(runDir.toRealPath()))) {
          return Optional.of(FileDigests.relativeName(file, entry) + " in it is " + refused.get());
        }
      }
    }
    return Optional.empty();
  }
}
