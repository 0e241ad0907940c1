package org.prov4ml.internal.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;

/**
 * Copies a logged artifact into the run's artifacts folder on the caller's thread, so the caller may
 * change or delete its file as soon as {@code logArtifact} returns, as with MLflow's log_artifact.
 *
 * <p>It copies what a user means by a folder, as MLflow's {@code log_artifacts} does: a link is
 * followed and what it reaches is copied as a file or folder. What cannot be copied as a file is
 * skipped, never opened, and reported by name: a link to nothing, a link that loops back to a
 * folder above it, a FIFO, a device or a socket (opening a FIFO blocks until someone writes to it,
 * which for a logged folder is forever). prov4ml's own output directory is skipped too, so that
 * {@code logArtifact(Path.of("."))} from the folder that holds it does not copy the run into itself.
 */
final class ArtifactCopier {

  private ArtifactCopier() {}

  /**
   * What a copy made: the copy, or {@code null} when nothing was copied, and the entries skipped,
   * each named by its path below the logged one and why.
   */
  record Copy(Path target, List<String> skipped) {}

  /**
   * Copies {@code source} (a file, or a directory with everything below it) to
   * {@code artifactsDir/<its name>}, replacing an earlier copy of the same name. A path already
   * inside the artifacts folder is not copied. Nothing of {@code outputDir} (prov4ml's output
   * directory, which holds the artifacts folder) is copied.
   *
   * @throws IOException when a file could not be copied (written), not when an entry was skipped
   */
  static Copy copy(Path source, Path artifactsDir, Path outputDir) throws IOException {
    Path from = source.toAbsolutePath().normalize();
    if (from.startsWith(artifactsDir.toAbsolutePath().normalize())) {
      return new Copy(from, List.of());
    }
    Path name = from.getFileName();
    Path target = artifactsDir.resolve(name == null ? "root" : name.toString());
    BasicFileAttributes top = Files.readAttributes(from, BasicFileAttributes.class);
    if (top.isRegularFile()) {
      return new Copy(Files.copy(from, target, StandardCopyOption.REPLACE_EXISTING), List.of());
    }
    if (!top.isDirectory()) {
      return new Copy(null, List.of(from + " (" + kind(top) + ")"));
    }
    List<Path> excluded = realPaths(artifactsDir, outputDir);
    if (excluded.contains(from.toRealPath())) {
      return new Copy(null, List.of(from + " (prov4ml's output directory)"));
    }
    List<String> skipped = new ArrayList<>();
    Files.walkFileTree(from, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
            if (!dir.equals(from) && excluded.contains(dir.toRealPath())) {
              skipped.add(from.relativize(dir) + " (prov4ml's output directory)");
              return FileVisitResult.SKIP_SUBTREE;
            }
            Files.createDirectories(to(dir));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            // With FOLLOW_LINKS these are the attributes of what a link reaches; of the link itself
            // only when it reaches nothing.
            if (attrs.isRegularFile()) {
              Files.copy(file, to(file), StandardCopyOption.REPLACE_EXISTING);
            } else {
              skipped.add(from.relativize(file) + " (" + kind(attrs) + ")");
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            // A loop, or an entry that cannot be read: nothing of it can be copied, the rest can.
            skipped.add(from.relativize(file) + (e instanceof FileSystemLoopException ? " (a link loop)"
                : " (unreadable: " + reason(e) + ")"));
            return FileVisitResult.CONTINUE;
          }

          private Path to(Path p) {
            return target.resolve(from.relativize(p).toString());
          }
        });
    return new Copy(target, List.copyOf(skipped));
  }

  private static List<Path> realPaths(Path... dirs) {
    List<Path> real = new ArrayList<>();
    for (Path dir : dirs) {
      try {
        real.add(dir.toRealPath());
      } catch (IOException e) {
        real.add(dir.toAbsolutePath().normalize()); // not there (yet): nothing of it to skip
      }
    }
    return real;
  }

  private static String kind(BasicFileAttributes attrs) {
    if (attrs.isSymbolicLink()) {
      return "a link to nothing";
    }
    return "not a regular file: a FIFO, device or socket";
  }

  private static String reason(IOException e) {
    String message = e.getMessage();
    return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
        : message == null ? "I/O error" : message;
  }

  /**
   * Removes what a failed {@link #copy} of {@code source} left at {@code target}, so no half copy
   * sits in the artifacts folder unrecorded; a path that was inside the folder is never touched.
   */
  static void deletePartialCopy(Path source, Path target) {
    if (source.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) {
      return;
    }
    try (Stream<Path> walk = Files.walk(target)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException ignored) {
      // nothing there, or nothing more to do: the failure itself is what gets reported
    }
  }
}
