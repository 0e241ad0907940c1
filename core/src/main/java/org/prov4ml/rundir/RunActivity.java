package org.prov4ml.rundir;

import static org.prov4ml.internal.format.ProvVocabulary.INCOMPLETE;
import static org.prov4ml.internal.format.ProvVocabulary.TAG_PREFIX;
import static org.prov4ml.internal.format.ProvVocabulary.WORLD_SIZE;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.prov4ml.RunStatus;

/**
 * The run as one rank's PROV document records it: its run activity
 * ({@code <experiment>_GR<rank>_<runId>}) and that activity's attributes.
 *
 * @param id the run activity's id, {@code <experiment>_GR<rank>_<runId>}
 * @param experiment the experiment's name ({@code yprov:experiment_name})
 * @param name the run's display name ({@code yprov:run_name}, else {@code <experiment>_<runId>})
 * @param runId the run's id within the experiment ({@code yprov:run_id}): a number as yProv4ML
 *     numbers runs, or the run identity of a job of several processes, which its ranks share
 * @param rank the global rank of the process that wrote the document ({@code yprov:global_rank})
 * @param status how the run ended; empty while it has not ended (still running, or its process died
 *     before it could end it)
 * @param startTime {@code prov:startedAtTime}
 * @param endTime {@code prov:endedAtTime}; empty while the run has not ended
 * @param user the person the run is associated with, as the document names them
 * @param attributes every attribute of the run activity as recorded (e.g. {@code yprov:host},
 *     {@code yprov:java_version}, {@code yprov:mlflow_run_id}), in the document's order
 */
public record RunActivity(String id, String experiment, String name, String runId, int rank,
    Optional<RunStatus> status, OffsetDateTime startTime, Optional<OffsetDateTime> endTime,
    Optional<String> user, Map<String, String> attributes) {

  /** The attribute naming what an {@link RunStatus#INCOMPLETE} run lacks, and where. */
  public static final String INCOMPLETE_ATTRIBUTE = INCOMPLETE;

  /**
   * Creates the record; its collections are copied, unmodifiable.
   *
   * @param id the run activity's id, {@code <experiment>_GR<rank>_<runId>}
   * @param experiment the experiment's name ({@code yprov:experiment_name})
   * @param name the run's display name ({@code yprov:run_name}, else {@code <experiment>_<runId>})
   * @param runId the run's id within the experiment ({@code yprov:run_id}): a number as yProv4ML numbers runs, or the run identity of a job of several processes, which its ranks share
   * @param rank the global rank of the process that wrote the document ({@code yprov:global_rank})
   * @param status how the run ended; empty while it has not ended (still running, or its process died before it could end it)
   * @param startTime {@code prov:startedAtTime}
   * @param endTime {@code prov:endedAtTime}; empty while the run has not ended
   * @param user the person the run is associated with, as the document names them
   * @param attributes every attribute of the run activity as recorded (e.g. {@code yprov:host}, {@code yprov:java_version}, {@code yprov:mlflow_run_id}), in the document's order
   */
  public RunActivity {
    attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }

  /**
   * One attribute of the run activity, e.g. {@code yprov:mlflow_run_id}.
   *
   * @param name the attribute's qualified name
   * @return its value as recorded, or empty
   */
  public Optional<String> attribute(String name) {
    return Optional.ofNullable(attributes.get(name));
  }

  /**
   * The number of ranks of the job the run is part of ({@code yprov:world_size}); 1 when the
   * document does not say (a run of one process, or one yProv4ML recorded).
   *
   * @return the world size, 1 or more
   */
  public int worldSize() {
    try {
      // Out of int's range is as unreadable as not a number: a world size, never a wrapped-around one.
      return Math.max(1, Integer.parseInt(attributes.getOrDefault(WORLD_SIZE, "1").trim()));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** {@return whether the run has ended (it has an end time)} */
  public boolean ended() {
    return endTime.isPresent();
  }

  /** {@return for an {@link RunStatus#INCOMPLETE} run: what was not written, and where} */
  public Optional<String> incompleteDetail() {
    return attribute(INCOMPLETE_ATTRIBUTE);
  }

  /** {@return the user's tags ({@code yprov:tag_<name>} attributes), by name} */
  public Map<String, String> tags() {
    Map<String, String> tags = new LinkedHashMap<>();
    attributes.forEach((k, v) -> {
      if (k.startsWith(TAG_PREFIX)) {
        tags.put(k.substring(TAG_PREFIX.length()), v);
      }
    });
    return java.util.Collections.unmodifiableMap(tags);
  }
}
