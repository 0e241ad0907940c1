package org.prov4ml.internal.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Model versions of the application's own saves, recorded without a copy on the training thread:
 * the training thread makes a hard link to the {@code .params} file DJL wrote (one directory entry,
 * where a copy allocates a file; see {@code docs/benchmarks.md}, "model versions"), and the run's
 * background replaces the link by a copy of its own soon after ({@link #unshare}), so that the run
 * directory never depends on the application's file for longer than that.
 *
 * <p>In between, the version shares the application's file. The agent sees every later
 * {@code BaseModel.save} and calls {@link #beforeOverwrite} first, so a save that would rewrite a
 * still-linked file in place (DJL truncates and rewrites {@code <name>-<epoch>.params} when the
 * model's {@code Epoch} property names an existing file) un-shares the version beforehand, on the
 * training thread, and no recorded version changes. Where the file system cannot link (another
 * device, no hard links), the version is copied at once, as {@link ModelFiles#copyVersion} does.
 *
 * <p>The map holds only the versions still linked: an entry lives from a save until the background
 * has copied it. Each un-share runs inside the map's {@code compute} for its file, so the background's
 * copy and a save's {@link #beforeOverwrite} of that file never overlap: the save waits for a copy in
 * progress rather than truncating the file under it. JVM-wide, not per run: a version of a run that
 * has just ended is protected the same way.
 */
public final class ModelVersionLinks {

  /** The application's file (absolute, normalized) → the version sharing its inode, not yet copied. */
  private static final Map<Path, Path> LINKED = new ConcurrentHashMap<>();

  private ModelVersionLinks() {}

  /**
   * Records {@code source} as {@code target}: a hard link where the file system allows (then the
   * caller has {@link #unshare} run in the background), else a copy.
   *
   * @return whether {@code target} is a link, to be un-shared
   */
  public static boolean link(Path source, Path target) throws IOException {
    try {
      createLink(target, source);
    } catch (UnsupportedOperationException | IOException linkFailed) {
      Files.createDirectories(target.getParent());
      Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
      return false;
    }
    LINKED.put(key(source), target);
    return true;
  }

  /**
   * Gives {@code target}, linked to {@code source} by {@link #link}, an inode of its own: a copy, then
   * an atomic rename over the link. Nothing to do when a save has un-shared it already.
   */
  public static void unshare(Path source, Path target) throws IOException {
    try {
      LINKED.computeIfPresent(key(source), (file, version) -> {
        if (!version.equals(target)) {
          return version; // a later version of the same file is linked now: its own task copies it
        }
        copyOver(file, version);
        return null;
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * A save is about to write {@code file}: a version still linked to it is un-shared first, so the
   * save changes only the application's file. Costs one map lookup when {@code file} is not linked.
   */
  public static void beforeOverwrite(Path file) throws IOException {
    if (LINKED.isEmpty()) {
      return;
    }
    try {
      LINKED.computeIfPresent(key(file), (source, version) -> {
        copyOver(source, version);
        return null;
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** A link replacing any earlier {@code target}, its folder created on first need: one system call as a rule. */
  private static void createLink(Path target, Path source) throws IOException {
    try {
      Files.createLink(target, source);
    } catch (NoSuchFileException e) {
      if (!Files.exists(source)) {
        throw e;
      }
      Files.createDirectories(target.getParent());
      Files.createLink(target, source);
    } catch (FileAlreadyExistsException e) {
      Files.delete(target);
      Files.createLink(target, source);
    }
  }

  private static void copyOver(Path source, Path version) {
    try {
      if (!Files.exists(version) || !Files.exists(source) || !Files.isSameFile(source, version)) {
        return; // the version was replaced or deleted, or the application's file replaced by a new one
      }
      Path copy = version.resolveSibling(version.getFileName() + ".copy.tmp");
      Files.copy(version, copy, StandardCopyOption.REPLACE_EXISTING);
      try {
        Files.move(copy, version, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(copy, version, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path key(Path file) {
    return file.toAbsolutePath().normalize();
  }
}
