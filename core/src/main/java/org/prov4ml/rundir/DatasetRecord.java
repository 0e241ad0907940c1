package org.prov4ml.rundir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.prov4ml.Context;

/**
 * A data set the run used, as {@code Prov4ml.logDataset} (and yProv4ML's {@code log_dataset})
 * records it: an entity of type {@code provml:Dataset}.
 *
 * @param id the PROV entity's id, {@code <label>//<context or run activity>}
 * @param label the data set's label ({@code train_dataset}, ...)
 * @param context the context that used it; empty when the run itself did
 * @param properties its {@code yprov:<label>_*} attributes by the name after the label:
 *     {@code stat_total_samples}, {@code stat_batch_size}, {@code stat_total_steps}, {@code stat_shuffle}
 *     (yProv4ML's), {@code djl_class}, {@code data_shapes}, ...
 * @param sources the files, folders or URLs it reads, as recorded
 * @param sha256 one digest of all its files, when every one was hashed
 * @param manifest the file that lists each of its files with size, time and digest, when recorded
 * @param note what was not hashed or not found, and why, when anything was not
 * @param rank the rank whose document records it
 * @param attributes every attribute of the entity as recorded
 * @param runDir the run directory the record was read from: the manifest is read only inside it
 */
public record DatasetRecord(String id, String label, Optional<Context> context, Map<String, String> properties,
    List<String> sources, Optional<String> sha256, Optional<Path> manifest, Optional<String> note, int rank,
    Map<String, String> attributes, Path runDir) {

  /**
   * One file of a data set's source, from its manifest.
   *
   * @param name its name within the source (relative to the folder)
   * @param sha256 its digest; empty when it was beyond {@code prov4ml.data.hash-limit}
   */
  public record DataFile(Path path, String name, long bytes, Instant modified, Optional<String> sha256) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Creates the record; its collections are copied, unmodifiable.
   *
   * @param id the PROV entity's id, {@code <label>//<context or run activity>}
   * @param label the data set's label ({@code train_dataset}, ...)
   * @param context the context that used it; empty when the run itself did
   * @param properties its {@code yprov:<label>_*} attributes by the name after the label: {@code stat_total_samples}, {@code stat_batch_size}, {@code stat_total_steps}, {@code stat_shuffle} (yProv4ML's), {@code djl_class}, {@code data_shapes}, ...
   * @param sources the files, folders or URLs it reads, as recorded
   * @param sha256 one digest of all its files, when every one was hashed
   * @param manifest the file that lists each of its files with size, time and digest, when recorded
   * @param note what was not hashed or not found, and why, when anything was not
   * @param rank the rank whose document records it
   * @param attributes every attribute of the entity as recorded
   * @param runDir the run directory whose document names it, which its manifest must lie in
   */
  public DatasetRecord {
    properties = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(properties));
    sources = List.copyOf(sources);
    attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
  }

  /**
   * The files of its source, read from its manifest; empty when it has none (an in-memory data set,
   * or one recorded by yProv4ML).
   *
   * @return the files in the manifest's order
   * @throws RunDirectoryException when the manifest is missing or is not one, or is not a regular file inside the
   *     run directory ({@link RunFiles}: the document names it, and the document is untrusted)
   */
  public List<DataFile> files() throws RunDirectoryException {
    if (manifest.isEmpty()) {
      return List.of();
    }
    Path file = manifest.get();
    JsonNode root;
    try (InputStream in = RunFiles.open(runDir, file)) {
      root = JSON.readTree(in);
    } catch (RunDirectoryException refused) {
      throw new RunDirectoryException(file, "the manifest of data set '" + id + "' is " + refused.problem(),
          refused);
    } catch (IOException e) {
      throw new RunDirectoryException(file, "cannot read the manifest of data set '" + id + "': "
          + MetricCsv.reason(e), e);
    }
    List<DataFile> files = new ArrayList<>();
    for (JsonNode f : root.path("files")) {
      if (!f.path("path").isTextual() || !f.path("bytes").canConvertToLong()) {
        throw new RunDirectoryException(file, "not a data set manifest: a file without path or bytes");
      }
      Instant modified;
      try {
        modified = Instant.parse(f.path("modified").asText());
      } catch (DateTimeParseException e) {
        throw new RunDirectoryException(file, "not a data set manifest: modified '" + f.path("modified").asText()
            + "' is not a time");
      }
      files.add(new DataFile(Path.of(f.path("path").asText()), f.path("name").asText(), f.path("bytes").asLong(),
          modified, f.path("sha256").isTextual() ? Optional.of(f.path("sha256").asText()) : Optional.empty()));
    }
    return files;
  }
}
