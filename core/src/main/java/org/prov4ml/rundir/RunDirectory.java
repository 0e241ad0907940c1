package org.prov4ml.rundir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.stream.Stream;
import org.prov4ml.Context;
import org.prov4ml.internal.format.RunLayout;

/**
 * A run directory, read: the one way anything reads a run (the MLflow upload, {@code sync}, the
 * command line's reports, tests). It reads what prov4ml writes and, where the layouts agree, what
 * yProv4ML 3.x writes:
 *
 * <pre>
 * &lt;experiment&gt;_&lt;runId&gt;/
 *   prov_&lt;experiment&gt;_GR&lt;rank&gt;_&lt;runId&gt;.json   one PROV-JSON document per rank
 *   prov_&lt;experiment&gt;_&lt;runId&gt;.json           a job's merged document (not read here)
 *   metrics_GR&lt;rank&gt;/&lt;key&gt;_&lt;CONTEXT&gt;_None_GR&lt;rank&gt;.csv
 *   artifacts_GR&lt;rank&gt;/
 * </pre>
 *
 * <p>{@link #open} reads every rank's document once; metric points are read from their files only
 * when {@linkplain MetricSeries#points() streamed}. A run still in progress reads as it is now: the
 * writer replaces its document atomically, so a reader sees a whole one, and the run has no status
 * or end time yet. A directory that was moved or copied reads too: the documents' absolute paths
 * are rebased from the directory they were recorded in ({@code yprov:experiment_dir}) onto where it
 * is now.
 *
 * <p>Several ranks (processes of one job) may write into one run directory, each its own document
 * and folders. {@link #ranks()} gives each rank's record; the run-wide accessors here give the
 * primary rank's run and params (the lowest rank, 0 in a usual job) and every rank's metrics,
 * artifacts and models, each of which names its rank. A single-rank run needs nothing more.
 *
 * <p>Immutable once opened, and safe to share between threads.
 */
public final class RunDirectory {

  private final Path path;
  private final List<RankRecord> ranks;

  private RunDirectory(Path path, List<RankRecord> ranks) {
    this.path = path;
    this.ranks = List.copyOf(ranks);
  }

  /**
   * Reads the run directory {@code runDir}.
   *
   * @param runDir the run directory, {@code <output-dir>/<experiment>_<runId>}
   * @return the run directory as its documents record it
   * @throws RunDirectoryException naming the path and the problem: no such directory, not a run
   *     directory (no {@code prov_*.json} in it), a document that is cut short or not PROV-JSON, or
   *     that cannot be read
   */
  public static RunDirectory open(Path runDir) throws RunDirectoryException {
    if (runDir == null) {
      throw new IllegalArgumentException("runDir must not be null");
    }
    Path dir = runDir.toAbsolutePath().normalize();
    if (!Files.exists(dir)) {
      throw new RunDirectoryException(dir, "no such directory");
    }
    if (!Files.isDirectory(dir)) {
      throw new RunDirectoryException(dir, "not a directory; a run directory holds prov_<experiment>_GR<rank>"
          + "_<runId>.json");
    }
    List<RunLayout> documents = new ArrayList<>();
    boolean unfinished = false;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        RunLayout rankDocument = rankDocument(dir, name);
        if (rankDocument != null) {
          documents.add(rankDocument);
        } else if (name.startsWith("prov_") && name.endsWith(".json.tmp")) {
          unfinished = true;
        }
      }
    } catch (IOException e) {
      throw new RunDirectoryException(dir, "cannot list the directory: " + MetricCsv.reason(e), e);
    }
    if (documents.isEmpty()) {
      throw new RunDirectoryException(dir, "not a run directory: no prov_<experiment>_GR<rank>_<runId>.json in it"
          + (unfinished ? " (only a prov_*.json.tmp: its first document was never completed)" : ""));
    }
    List<RankRecord> ranks = new ArrayList<>();
    for (RunLayout document : documents) {
      ranks.add(RankDocumentParser.parse(dir, document.provFile(), document.experimentName(), document.activityId(),
          document.rank(), document.runId()));
    }
    ranks.sort(Comparator.comparingInt(RankRecord::rank));
    for (int i = 1; i < ranks.size(); i++) {
      if (ranks.get(i).rank() == ranks.get(i - 1).rank()) {
        throw new RunDirectoryException(dir, "two documents of rank " + ranks.get(i).rank() + ": "
            + ranks.get(i - 1).document().getFileName() + " and " + ranks.get(i).document().getFileName());
      }
    }
    return new RunDirectory(dir, ranks);
  }

  /**
   * The rank a file name {@code prov_<experiment>_GR<rank>_<runId>.json} stands for, or null when it
   * is no rank's document (a job's merged {@code prov_<experiment>_<runId>.json}, a temporary file).
   */
  private static RunLayout rankDocument(Path dir, String fileName) throws RunDirectoryException {
    try {
      return RunLayout.ofProvFile(dir, fileName);
    } catch (NumberFormatException e) {
      throw new RunDirectoryException(dir.resolve(fileName), "its rank is out of range");
    }
  }

  /**
   * Reads only {@code rank}'s record of the run directory {@code runDir}: for a process that follows its
   * own rank of a run many ranks write (the MLflow upload of a live run), at the cost of one document
   * whatever the number of ranks.
   *
   * @param runDir the run directory
   * @param rank the rank to read
   * @return that rank's record
   * @throws RunDirectoryException naming the path and the problem, as {@link #open} does, or when the
   *     directory has no document of {@code rank}
   */
  public static RankRecord openRank(Path runDir, int rank) throws RunDirectoryException {
    if (runDir == null) {
      throw new IllegalArgumentException("runDir must not be null");
    }
    Path dir = runDir.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new RunDirectoryException(dir, Files.exists(dir) ? "not a directory" : "no such directory");
    }
    RunLayout found = null;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        RunLayout document = rankDocument(dir, file.getFileName().toString());
        if (document != null && document.rank() == rank) {
          found = document;
          break;
        }
      }
    } catch (IOException e) {
      if (e instanceof RunDirectoryException r) {
        throw r;
      }
      throw new RunDirectoryException(dir, "cannot list the directory: " + MetricCsv.reason(e), e);
    }
    if (found == null) {
      throw new RunDirectoryException(dir, "no PROV document of rank " + rank
          + " (prov_<experiment>_GR" + rank + "_<runId>.json) in it");
    }
    return RankDocumentParser.parse(dir, found.provFile(), found.experimentName(), found.activityId(), found.rank(),
        found.runId());
  }

  /** {@return the run directory, absolute} */
  public Path path() {
    return path;
  }

  /** {@return each rank's record, by rank; one for a single-process run} */
  public List<RankRecord> ranks() {
    return ranks;
  }

  /**
   * The record of {@code rank}.
   *
   * @param rank the rank
   * @return its record
   * @throws NoSuchElementException naming the ranks there are, when there is none of that rank
   */
  public RankRecord rank(int rank) {
    return ranks.stream().filter(r -> r.rank() == rank).findFirst().orElseThrow(() -> new NoSuchElementException(
        "no rank " + rank + " in " + path + "; ranks: " + ranks.stream().map(RankRecord::rank).toList()));
  }

  /** {@return the primary rank's record: the lowest rank, 0 in a usual job} */
  public RankRecord primary() {
    return ranks.get(0);
  }

  /** {@return the run as the primary rank records it} */
  public RunActivity run() {
    return primary().run();
  }

  /** {@return the primary rank's params, in the order they were logged} */
  public Map<String, String> params() {
    return primary().params();
  }

  /** {@return every rank's metric series, rank by rank} */
  public List<MetricSeries> metrics() {
    return ranks.stream().flatMap(r -> r.metrics().stream()).toList();
  }

  /**
   * The primary rank's series of (key, context); {@link #rank(int)} gives another rank's.
   *
   * @param key the metric's key, as logged
   * @param context its context
   * @return the series, or empty
   */
  public Optional<MetricSeries> metric(String key, Context context) {
    return primary().metric(key, context);
  }

  /** {@return every rank's artifacts, rank by rank} */
  public List<Artifact> artifacts() {
    return ranks.stream().flatMap(r -> r.artifacts().stream()).toList();
  }

  /** {@return every rank's models, rank by rank} */
  public List<Model> models() {
    return ranks.stream().flatMap(r -> r.models().stream()).toList();
  }

  /** {@return every rank's model versions, rank by rank, each rank's in the order they were saved} */
  public List<ModelVersion> modelVersions() {
    return ranks.stream().flatMap(r -> r.modelVersions().stream()).toList();
  }

  /** {@return every rank's input models (the models the run started from), rank by rank} */
  public List<InputModel> inputModels() {
    return ranks.stream().flatMap(r -> r.inputModels().stream()).toList();
  }

  /** {@return every rank's data sets, rank by rank} */
  public List<DatasetRecord> datasets() {
    return ranks.stream().flatMap(r -> r.datasets().stream()).toList();
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
