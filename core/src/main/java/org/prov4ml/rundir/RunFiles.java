package org.prov4ml.rundir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * The one way prov4ml opens a file that a run directory names. A run directory is untrusted input (it may come
 * from a colleague, a shared file system or a CI artifact), so a name in it must never make prov4ml read a file
 * outside it, nor block on a FIFO or a device:
 *
 * <ul>
 *   <li>the file's real path, every link resolved, must lie inside the run directory's real path: a link that
 *       stays inside is followed, one that leads out is refused;
 *   <li>the file must be a regular file; anything else is refused without being opened (opening a FIFO blocks
 *       until a writer comes, which may be never).
 * </ul>
 *
 * <p>The check and the open are two steps, so a process that swaps files inside the directory between them can
 * still win the race; the directory's writer is not that process, and a reader that must defeat it would need
 * {@code openat} with {@code O_NOFOLLOW} on each segment, which the JDK does not offer.
 */
public final class RunFiles {

  private RunFiles() {}

  /**
   * Why a file a run directory names must not be read. A file that does not exist is not refused here: the
   * caller reports a missing file in its own words.
   *
   * @param runDir the run directory
   * @param file a file it names
   * @return why it is refused, or empty when it may be read
   */
  public static Optional<String> refusal(Path runDir, Path file) {
    Path real;
    try {
      real = file.toRealPath();
    } catch (NoSuchFileException e) {
      return Files.isSymbolicLink(file) ? Optional.of("a link to nothing (dangling)") : Optional.empty();
    } catch (IOException e) {
      return Optional.of("cannot be resolved: " + MetricCsv.reason(e));
    }
    Path root;
    try {
      root = runDir.toRealPath();
    } catch (IOException e) {
      return Optional.of("the run directory cannot be resolved: " + MetricCsv.reason(e));
    }
    if (!real.startsWith(root)) {
      return Optional.of("a link out of the run directory (to " + real + "), not followed");
    }
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return Optional.of("cannot be read: " + MetricCsv.reason(e));
    }
    if (!attributes.isRegularFile()) {
      return Optional.of(attributes.isDirectory() ? "a directory, not a file"
          : "not a regular file (a FIFO, device or socket), not opened");
    }
    return Optional.empty();
  }

  /**
   * Whether a file a run directory names exists and may be read, as {@link #refusal} decides.
   *
   * @param runDir the run directory
   * @param file a file it names
   * @return whether it may be read
   */
  public static boolean readable(Path runDir, Path file) {
    return Files.exists(file) && refusal(runDir, file).isEmpty();
  }

  /**
   * Opens a file a run directory names, for reading.
   *
   * @param runDir the run directory
   * @param file a file it names
   * @return the open stream
   *
   * @throws RunDirectoryException naming the file and why, when {@link #refusal} refuses it
   * @throws IOException when it cannot be opened (no such file, permission denied)
   */
  public static InputStream open(Path runDir, Path file) throws IOException {
    Optional<String> refused = refusal(runDir, file);
    if (refused.isPresent()) {
      throw new RunDirectoryException(file, refused.get());
    }
    return Files.newInputStream(file);
  }
}
