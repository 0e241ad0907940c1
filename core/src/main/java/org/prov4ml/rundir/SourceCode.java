package org.prov4ml.rundir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The application's own code, as {@code Prov4ml.logSourceCode} records it: the jar or classes folder
 * of the main class, an entity of type {@code provml:SourceCode}. (The git commit is in the params
 * {@code source_code} and {@code source_code_dirty}.)
 *
 * @param id the PROV entity's id, {@code application_code//<run activity>}
 * @param location the jar or folder, when one was found
 * @param mainClass the main class or jar as the launcher was given it
 * @param bytes its size (a folder's: its files' total), when recorded
 * @param sha256 its digest (a folder's: of its files' sorted {@code sha256sum} listing), when recorded
 * @param note why it was not hashed, when it was not
 * @param rank the rank whose document records it
 * @param attributes every attribute of the entity as recorded
 */
public record SourceCode(String id, Optional<Path> location, String mainClass, OptionalLong bytes,
    Optional<String> sha256, Optional<String> note, int rank, Map<String, String> attributes) {

  /**
   * Creates the record; its collections are copied, unmodifiable.
   *
   * @param id the PROV entity's id, {@code application_code//<run activity>}
   * @param location the jar or folder, when one was found
   * @param mainClass the main class or jar as the launcher was given it
   * @param bytes its size (a folder's: its files' total), when recorded
   * @param sha256 its digest (a folder's: of its files' sorted {@code sha256sum} listing), when recorded
   * @param note why it was not hashed, when it was not
   * @param rank the rank whose document records it
   * @param attributes every attribute of the entity as recorded
   */
  public SourceCode {
    attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
  }
}
