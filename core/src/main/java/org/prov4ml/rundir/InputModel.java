package org.prov4ml.rundir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A model the run started from: a file DJL loaded (or {@code Prov4ml.logInputModel} named) that the run
 * did not make, a {@code provml:InputModel} entity the run used. A model loaded from a stream has no
 * file: then only its name is known.
 *
 * @param id the PROV entity's id, {@code InputModel_<file name>//<run activity>}
 * @param name the name of the model that loaded it ({@code yprov:model_name})
 * @param file the file as recorded, an absolute path on the machine that ran; empty for a stream. It
 *     is outside the run directory, and a reader never opens it
 * @param size its size in bytes, as recorded
 * @param sha256 its SHA-256 in lower-case hex, as recorded; empty when it was not hashed
 * @param noFile whether it was loaded from a stream, with no file to name or hash
 * @param rank the rank whose document records it
 * @param attributes every attribute of the entity as recorded
 */
public record InputModel(String id, String name, Optional<Path> file, OptionalLong size, Optional<String> sha256,
    boolean noFile, int rank, Map<String, String> attributes) {

  /**
   * Creates the record; its attributes are copied, unmodifiable.
   *
   * @param id the PROV entity's id
   * @param name the name of the model that loaded it
   * @param file the file as recorded; empty for a stream
   * @param size its size in bytes, as recorded
   * @param sha256 its SHA-256, as recorded
   * @param noFile whether it was loaded from a stream
   * @param rank the rank whose document records it
   * @param attributes every attribute of the entity as recorded
   */
  public InputModel {
    attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
  }
}
