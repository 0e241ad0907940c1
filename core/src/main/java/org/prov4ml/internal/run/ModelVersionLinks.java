package org.prov4ml.internal.run;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Model versions of the application's own saves, recorded without a copy: the version is a hard
 * link to the {@code .params} file DJL wrote, one directory entry made on the training thread, where
 * a copy would allocate and fill a file there or keep the run's background busy for every save (see
 * {@code docs/benchmarks.md}, "model versions"). The application may delete its file or replace it by
 * a new one: the version keeps its inode either way.
 *
 * <p>What a link alone cannot survive is a rewrite of the same inode, and DJL does that: when the
 * model's {@code Epoch} property names an existing {@code <name>-<epoch>.params}, {@code
 * BaseModel.save} truncates it and writes it again. The agent sees every save's entry and calls
 * {@link #beforeOverwrite} first, which removes the application's name for a still-linked file, so
 * the save creates a new file under that name and the version keeps the old content; one unlink on
 * the training thread, never a copy. A save that then fails before it writes the file gets its name
 * linked back ({@link #saveEnded}), so the application finds its earlier file as it would have. A
 * rewrite in place by something other than DJL's save is not seen; {@code verify} reports such a
 * version by its digest. Where the file system cannot link (another device), the version is copied
 * at once.
 *
 * <p>JVM-wide, not per run: a version of a run that has ended is protected the same way. The map
 * holds one entry per file the application saved and the agent linked, replaced when the same file
 * is saved again.
 */
public final class ModelVersionLinks {

  /** The application's file (absolute, normalized) → the version sharing its inode. */
  private static final Map<Path, Path> LINKED = new ConcurrentHashMap<>();

  /** The file whose name {@link #beforeOverwrite} removed for the save running on this thread, with its version. */
  private static final ThreadLocal<Path[]> UNLINKED_FOR_SAVE = new ThreadLocal<>();

  private ModelVersionLinks() {}

  /**
   * Records {@code source} as {@code target}: a hard link where the file system allows, else a copy.
   *
   * @return whether {@code target} is a link
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
   * A save is about to write {@code file}: if a version is linked to it, the application's name for
   * it is removed, so the save writes a new file and the version keeps its content. Costs one map
   * lookup when {@code file} is not linked.
   */
  public static void beforeOverwrite(Path file) throws IOException {
    if (LINKED.isEmpty()) {
      return;
    }
    Path key = key(file);
    Path version = LINKED.remove(key);
    if (version != null && Files.exists(key) && Files.exists(version) && Files.isSameFile(key, version)) {
      Files.delete(key);
      UNLINKED_FOR_SAVE.set(new Path[] {key, version});
    }
  }

  /**
   * The save on this thread has ended: if it {@code failed} after {@link #beforeOverwrite} removed its
   * file's name and before it wrote a new file, the name is linked back to the version, the content
   * the application had there.
   */
  public static void saveEnded(boolean failed) throws IOException {
    Path[] unlinked = UNLINKED_FOR_SAVE.get();
    if (unlinked == null) {
      return;
    }
    UNLINKED_FOR_SAVE.remove();
    if (failed && !Files.exists(unlinked[0]) && Files.exists(unlinked[1])) {
      Files.createLink(unlinked[0], unlinked[1]);
      LINKED.put(unlinked[0], unlinked[1]);
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

  private static Path key(Path file) {
    return file.toAbsolutePath().normalize();
  }
}
