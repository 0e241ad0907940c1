package org.prov4ml.internal.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Copies a logged artifact into the run's artifacts folder on the caller's thread, so the caller may
 * change or delete its file as soon as {@code logArtifact} returns, as with MLflow's log_artifact.
 */
final class ArtifactCopier {

  private ArtifactCopier() {}

  /**
   * Copies {@code source} (a file, or a directory with everything below it) to
   * {@code artifactsDir/<its name>}, replacing an earlier copy of the same name. A path already
   * inside the artifacts folder is not copied.
   *
   * @return the copy
   */
  static Path copy(Path source, Path artifactsDir) throws IOException {
    Path from = source.toAbsolutePath().normalize();
    if (from.startsWith(artifactsDir)) {
      return from;
    }
    Path target = artifactsDir.resolve(from.getFileName().toString());
    if (!Files.isDirectory(from)) {
      return Files.copy(from, target, StandardCopyOption.REPLACE_EXISTING);
    }
    try (Stream<Path> walk = Files.walk(from)) {
      walk.forEach(p -> {
        Path to = target.resolve(from.relativize(p).toString());
        try {
          if (Files.isDirectory(p)) {
            Files.createDirectories(to);
          } else {
            Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return target;
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
