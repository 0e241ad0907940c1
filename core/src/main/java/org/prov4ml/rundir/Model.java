package org.prov4ml.rundir;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A model described by {@code logModel}: its size and the files derived from it (its summary, its
 * saved parameters).
 *
 * @param id the PROV entity's id, {@code <name>//<run activity>}
 * @param name the model's name
 * @param totalParams {@code yprov:total_params}, when recorded
 * @param memoryBytes {@code yprov:memory_bytes}, when recorded
 * @param files the artifacts the document derives from this model
 * @param rank the rank whose document records it
 * @param attributes every attribute of the entity as recorded
 */
public record Model(String id, String name, OptionalLong totalParams, OptionalLong memoryBytes,
    List<Artifact> files, int rank, Map<String, String> attributes) {

  /**
   * Creates the record; its collections are copied, unmodifiable.
   *
   * @param id the PROV entity's id, {@code <name>//<run activity>}
   * @param name the model's name
   * @param totalParams {@code yprov:total_params}, when recorded
   * @param memoryBytes {@code yprov:memory_bytes}, when recorded
   * @param files the artifacts the document derives from this model
   * @param rank the rank whose document records it
   * @param attributes every attribute of the entity as recorded
   */
  public Model {
    files = List.copyOf(files);
    attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
  }
}
