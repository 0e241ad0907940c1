package org.prov4ml.rundir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.prov4ml.Context;

/**
 * A file in a rank's artifacts folder ({@code artifacts_GR<rank>/}) that the document records: a
 * copy made by {@code logArtifact}, a model file, a model version's {@code .params}.
 *
 * @param id the PROV entity's id, {@code <path>//<context or run activity>}
 * @param path the path relative to the artifacts folder, with {@code /} separators
 * @param file where the file is now (rebased if the run directory was moved)
 * @param size its size in bytes, as recorded
 * @param sha256 its SHA-256 in lower-case hex, as recorded (yProv4ML itself records none)
 * @param context the context it was logged in; empty for the run's own artifacts
 * @param original the file it was copied from, when the document records one
 * @param model whether the document types it as a model ({@code provml:Model})
 * @param rank the rank whose document records it
 * @param attributes every attribute of the entity as recorded
 */
public record Artifact(String id, String path, Path file, long size, Optional<String> sha256,
    Optional<Context> context, Optional<Path> original, boolean model, int rank, Map<String, String> attributes) {

  /**
   * Creates the record; its collections are copied, unmodifiable.
   *
   * @param id the PROV entity's id, {@code <path>//<context or run activity>}
   * @param path the path relative to the artifacts folder, with {@code /} separators
   * @param file where the file is now (rebased if the run directory was moved)
   * @param size its size in bytes, as recorded
   * @param sha256 its SHA-256 in lower-case hex, as recorded (yProv4ML itself records none)
   * @param context the context it was logged in; empty for the run's own artifacts
   * @param original the file it was copied from, when the document records one
   * @param model whether the document types it as a model ({@code provml:Model})
   * @param rank the rank whose document records it
   * @param attributes every attribute of the entity as recorded
   */
  public Artifact {
    attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
  }
}
