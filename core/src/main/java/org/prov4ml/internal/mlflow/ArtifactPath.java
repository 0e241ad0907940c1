package org.prov4ml.internal.mlflow;

import java.nio.file.Path;

/**
 * A path inside a run's artifact folder, normalised, with {@code /} separators. One that would
 * leave the folder ({@code ..}, absolute) is refused: on the server it would land in another run's
 * artifacts, and MLflow's proxy answers {@code 400 Invalid path} anyway.
 */
final class ArtifactPath {

  private final String path;

  private ArtifactPath(String path) {
    this.path = path;
  }

  /**
   * @throws IllegalArgumentException naming the path when it is empty, absolute or escapes with {@code ..}
   */
  static ArtifactPath of(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new IllegalArgumentException("artifact path is empty");
    }
    String slashes = raw.replace('\\', '/');
    if (slashes.startsWith("/") || slashes.matches("^[A-Za-z]:/.*")) {
      throw new IllegalArgumentException("artifact path '" + raw + "' is absolute; artifact paths are relative "
          + "to the run's artifact folder");
    }
    Path normal = Path.of(slashes).normalize();
    String text = normal.toString().replace('\\', '/');
    if (text.isEmpty() || text.equals("..") || text.startsWith("../")) {
      throw new IllegalArgumentException("artifact path '" + raw + "' escapes the run's artifact folder");
    }
    return new ArtifactPath(text);
  }

  /** This path below {@code prefix}, e.g. {@code prov4ml/metrics_GR0/loss.csv}. */
  ArtifactPath under(String prefix) {
    return of(prefix + "/" + path);
  }

  @Override
  public String toString() {
    return path;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ArtifactPath other && other.path.equals(path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }
}
