package org.prov4ml.internal.pipeline;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import org.prov4ml.Context;

/**
 * A copy of the run directory kept elsewhere (MLflow), fed from the directory rather than from the
 * ring: it receives no events, only how far the directory is durable, and reads the directory itself.
 * So the directory is the one record and has one writer, and a replica that falls behind (a server
 * away for an hour) costs disk, never the ring's slots or the heap.
 *
 * <p>Every method but {@link #start} and {@link #completesStartLine} is called on the drainer thread and
 * must return at once, except {@link #close}, which may wait for the replica up to its own timeout.
 */
public interface Replica {

  /** A short name for reports and barriers, e.g. {@code mlflow}. */
  String name();

  /**
   * Whether this replica logs the run's start line itself, completed with what it only learns later
   * (MLflow: the run's page, known once the server answered). Asked once, before the first event.
   */
  default boolean completesStartLine() {
    return false;
  }

  /**
   * Starts following the run directory.
   *
   * @param recordRunAttributes records attributes of the run activity (e.g. the replica's own ids) the
   *     way every record reaches the directory: as an event for its writer. Never blocks: false when
   *     the ring has no free slot or the run has ended, and the replica may try again later.
   */
  void start(Predicate<Map<String, String>> recordRunAttributes);

  /**
   * Every event up to ring sequence {@code sequence} is in the run directory's files: metric rows
   * flushed and a new metric file named in the PROV document; the document's other records follow
   * within {@code prov4ml.document.rewrite-interval}, and are there at once before a barrier. Cheap:
   * called after every drained batch.
   */
  void durableThrough(long sequence);

  /**
   * Arrives at {@code barrier} (from any thread) once the replica has everything the directory held
   * when it was durable through {@code sequence}, the barrier's own sequence.
   */
  void arriveWhenAcknowledged(Barrier barrier, long sequence);

  /**
   * The run ended and its directory is final (durable through the end): the replica finishes, waiting
   * up to its own timeout, and says what it could not deliver.
   */
  void close(RunOutcome outcome) throws Exception;

  /**
   * On the drainer, before the points of the series are durable: the run directory has a new metric series, of
   * {@code key} in {@code context}, in {@code file}. A replica learns of series here, in the process, rather
   * than from the document, which is rewritten on its own schedule.
   */
  default void seriesAdded(String key, Context context, Path file) {}

  /**
   * After the run's end, on rank 0 of a job: the job's document ({@code prov_<experiment>_<runId>.json}) has been
   * merged from every rank's. A replica that mirrors jobs as a whole (MLflow's parent run) completes it now.
   */
  default void jobMerged() {}

  /** After {@link #close}: what this replica holds of the run, for the run's end line, or null. */
  default String endSummary() {
    return null;
  }
}
