package org.prov4ml.internal.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.prov4ml.internal.config.ResumePolicy;
import org.prov4ml.internal.format.RankWriterLock;
import org.prov4ml.internal.format.RunLayout;
import org.prov4ml.internal.format.ProvVocabulary;
import org.prov4ml.rundir.PrintableText;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.rundir.RunDirectoryException;
import org.tinylog.Logger;

/**
 * Finds the run a relaunched job continues ({@code prov4ml.run.resume}): the newest run directory of the run
 * identity that holds this rank's document, when no live process still writes that rank (its
 * {@link RankWriterLock} is free) and the job has the world size it was recorded with. Anything else is a new
 * run, claimed as before ({@code -2}), and where that is a surprise one line says why. The earlier record is
 * read through the reader, since a run directory is untrusted input.
 */
final class RunResumption {

  private RunResumption() {}

  /** The most attempts a document may claim before this one: a bigger number is not believed. */
  private static final int MAX_ATTEMPTS = 100_000;

  /** A run to continue: its layout, this rank's lock on it, the record so far, and this attempt's number. */
  record Continued(RunLayout layout, RankWriterLock lock, RankRecord previous, int attempt) {}

  /**
   * @return the run to continue, with its lock held; null when this launch starts a run of its own
   */
  static Continued find(ResumePolicy policy, int restartCount, Path outputDir, String experiment, String runId,
      int rank, int worldSize) {
    if (!policy.continues(restartCount)) {
      return null;
    }
    List<RunLayout> launches = RunLayout.recordedLaunches(outputDir, experiment, runId, rank);
    if (launches.isEmpty()) {
      return null;
    }
    RunLayout newest = launches.get(0);
    RankWriterLock lock;
    try {
      lock = RankWriterLock.tryAcquire(newest);
    } catch (IOException e) {
      Logger.warn("prov4ml: cannot lock rank {} of {} to continue it ({}); this launch records a run of its own",
          rank, newest.runDir(), e.getMessage());
      return null;
    }
    if (lock == null) {
      Logger.warn("prov4ml: rank {} of {} is still being written by a live process; this launch records a run "
          + "of its own", rank, newest.runDir());
      return null;
    }
    RankRecord previous;
    try {
      previous = RunDirectory.openRank(newest.runDir(), rank);
    } catch (RunDirectoryException e) {
      lock.close();
      Logger.warn("prov4ml: cannot continue run {}: {}; this launch records a run of its own",
          newest.runDir(), PrintableText.of(e.getMessage()));
      return null;
    }
    int recordedWorldSize = previous.run().worldSize();
    if (recordedWorldSize != worldSize) {
      lock.close();
      Logger.warn("prov4ml: run {} was recorded with world size {} and this launch has {}, so it is not a "
          + "continuation; it records a new run", newest.runDir(), recordedWorldSize, worldSize);
      return null;
    }
    return new Continued(newest, lock, previous, attemptsOf(previous) + 1);
  }

  /** The attempts the record has had: its {@code yprov:attempts}, else 1 (a run that was never continued). */
  private static int attemptsOf(RankRecord previous) {
    String recorded = previous.run().attributes().get(ProvVocabulary.ATTEMPTS);
    try {
      int n = recorded == null ? 1 : Integer.parseInt(recorded);
      return n >= 1 && n < MAX_ATTEMPTS ? n : 1;
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
