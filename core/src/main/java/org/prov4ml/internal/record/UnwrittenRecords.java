package org.prov4ml.internal.record;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinylog.Logger;
import org.prov4ml.internal.format.OsReason;

/**
 * What of a run could not be written to its run directory (disk full, I/O error): metric points by
 * file, files (artifacts, models, versions) by name, each with the operating system's reason. A run
 * with any of these ends {@code INCOMPLETE}, and its end line and document say what and where.
 *
 * <p>Written by the drainer (metric files, the document) and by callers' threads (artifact copies,
 * model files), hence synchronized; it is touched only when something failed.
 */
public final class UnwrittenRecords {

  /** Files named one by one in the detail; beyond that, only how many more. */
  private static final int FILES_NAMED = 5;

  private final String runName;
  private final Path runDir;
  private final Map<Path, Long> points = new LinkedHashMap<>();
  private final Map<Path, String> pointReasons = new LinkedHashMap<>();
  private final Map<String, String> files = new LinkedHashMap<>();
  private boolean logged;

  public UnwrittenRecords(String runName, Path runDir) {
    this.runName = runName;
    this.runDir = runDir;
  }

  /** {@code count} metric points that did not reach {@code file}. */
  synchronized void points(Path file, long count, IOException reason) {
    points.merge(file, count, Long::sum);
    pointReasons.putIfAbsent(file, OsReason.of(reason));
    logFirst(file, reason);
  }

  /**
   * A file that was not written, e.g. {@code artifact notes.txt not copied to artifacts_GR0/notes.txt}.
   *
   * @param what what it is and what did not happen to it
   * @param where the file that was not written
   */
  public synchronized void file(String what, Path where, IOException reason) {
    files.putIfAbsent(what + " to " + relative(where), OsReason.of(reason));
    logFirst(where, reason);
  }

  /**
   * The document could not be rewritten: not a loss yet (the next rewrite may succeed), but the
   * same trouble, so it is told only if nothing else was told before.
   */
  synchronized void documentNotRewritten(Path document, IOException reason) {
    logFirst(document, reason);
  }

  public synchronized boolean isEmpty() {
    return points.isEmpty() && files.isEmpty();
  }

  /** Metric points not written, over all files. */
  public synchronized long lostPoints() {
    return points.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * One line: what was not written, where, and why, e.g. {@code 18745 metric points not written to
   * metrics_GR0/loss_TRAINING_None_GR0.csv (No space left on device); artifact big.bin not copied to
   * artifacts_GR0/big.bin (No space left on device)}. Paths are relative to the run directory.
   */
  public synchronized String detail() {
    List<String> parts = new ArrayList<>();
    int named = 0;
    for (var p : points.entrySet()) {
      if (named++ < FILES_NAMED) {
        parts.add(p.getValue() + " metric point" + (p.getValue() == 1 ? "" : "s") + " not written to "
            + relative(p.getKey()) + " (" + pointReasons.get(p.getKey()) + ")");
      }
    }
    for (var f : files.entrySet()) {
      if (named++ < FILES_NAMED) {
        parts.add(f.getKey() + " (" + f.getValue() + ")");
      }
    }
    if (named > FILES_NAMED) {
      long morePoints = points.entrySet().stream().skip(FILES_NAMED).mapToLong(Map.Entry::getValue).sum();
      int moreFiles = named - FILES_NAMED;
      parts.add("and " + moreFiles + " more file" + (moreFiles == 1 ? "" : "s")
          + (morePoints > 0 ? " (" + morePoints + " more metric points)" : ""));
    }
    return String.join("; ", parts);
  }

  private String relative(Path file) {
    Path f = file.toAbsolutePath().normalize();
    return f.startsWith(runDir) ? runDir.relativize(f).toString() : f.toString();
  }

  private void logFirst(Path file, IOException reason) {
    if (!logged) {
      logged = true;
      Logger.warn("prov4ml: run {} cannot write {}: {}; what is not written is counted, and the run will end "
          + "INCOMPLETE unless it is written later", runName, file, OsReason.of(reason));
    }
  }
}
