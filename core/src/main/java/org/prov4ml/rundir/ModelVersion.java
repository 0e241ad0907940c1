package org.prov4ml.rundir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.prov4ml.Context;

/**
 * One saved version of a model ({@code saveModelVersion}, the agent's {@code Model.save}).
 *
 * @param id the PROV entity's id, {@code <file name>//<context>}
 * @param name the model's name ({@code yprov:model_name})
 * @param step the step it was saved at
 * @param context the context it was saved in
 * @param file the version's file (rebased if the run directory was moved)
 * @param size its size in bytes, as recorded
 * @param sha256 its SHA-256 in lower-case hex, as recorded
 * @param previous the version it derives from: the model's previous version; empty for the first
 * @param rank the rank whose document records it
 * @param attributes every attribute of the entity as recorded
 */
public record ModelVersion(String id, String name, long step, Context context, Path file, long size,
    Optional<String> sha256, Optional<ModelVersion> previous, int rank, Map<String, String> attributes) {

  /**
   * Creates the record; its collections are copied, unmodifiable.
   *
   * @param id the PROV entity's id, {@code <file name>//<context>}
   * @param name the model's name ({@code yprov:model_name})
   * @param step the step it was saved at
   * @param context the context it was saved in
   * @param file the version's file (rebased if the run directory was moved)
   * @param size its size in bytes, as recorded
   * @param sha256 its SHA-256 in lower-case hex, as recorded
   * @param previous the version it derives from: the model's previous version; empty for the first
   * @param rank the rank whose document records it
   * @param attributes every attribute of the entity as recorded
   */
  public ModelVersion {
    attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
  }
}
