package org.prov4ml.internal.mlflow;

import static org.prov4ml.internal.format.ProvVocabulary.MAIN_CLASS;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.prov4ml.internal.mlflow.LogBatchRequest.KeyValue;
import org.prov4ml.internal.mlflow.MlflowTracking.RunRef;
import org.prov4ml.rundir.RunActivity;
import org.tinylog.Logger;

/**
 * The MLflow parent run of a job of several ranks, under which each rank's run is a child (tag
 * {@code mlflow.parentRunId}, which MLflow's UI nests by).
 *
 * <p>No rank is in charge of it: whichever rank binds first creates it, and ranks that start at the
 * same moment may each create one. So the parent is found by a deterministic tag,
 * {@value #JOB_TAG} = {@code <experiment>_<run-id>}, and a search; a rank that found none creates
 * one, waits a moment and searches again. Of several, the oldest (then the smallest id) is the parent
 * and the others are deleted, by whichever rank sees them. A rank that chose before a racing rank's
 * parent was visible points its child at the parent again when its run ends, so all children end
 * under one parent without any rank waiting for another.
 */
final class JobParentRun {

  /** On the parent: the job it stands for. */
  static final String JOB_TAG = "prov4ml.job";
  /** On each child: the job it is a rank of. */
  static final String RANK_OF_TAG = "prov4ml.rank_of";
  /** MLflow's tag for nesting runs (mlflow/utils/mlflow_tags.py). */
  static final String PARENT_TAG = "mlflow.parentRunId";
  /** On the parent while ranks are missing from the job's document. */
  static final String MISSING_RANKS_TAG = "prov4ml.missing_ranks";

  /** Long enough for a racing rank's search-then-create to land, short against a run's start. */
  private static final long SETTLE_MILLIS = 500;

  private JobParentRun() {}

  /** {@code <experiment>_<run-id>}: the job's activity in the merged document, and its run directory's name. */
  static String jobOf(RunActivity run) {
    return run.experiment() + "_" + run.runId();
  }

  /** The job's parent run in {@code experimentId}, found or created. */
  static RunRef resolve(MlflowTracking tracking, String experimentId, RunActivity run)
      throws IOException, InterruptedException {
    String job = jobOf(run);
    List<RunRef> found = tracking.runsByTag(experimentId, JOB_TAG, job);
    if (found.isEmpty()) {
      tracking.createRun(experimentId, job, run.startTime().toInstant().toEpochMilli(), List.of(
          new KeyValue(JOB_TAG, job),
          new KeyValue(RunBinder.RUN_NAME_TAG, job),
          new KeyValue(RunBinder.USER_TAG, run.user().orElse("unknown")),
          new KeyValue(RunBinder.SOURCE_NAME_TAG, run.attribute(MAIN_CLASS).orElse("unknown")),
          new KeyValue(RunBinder.SOURCE_TYPE_TAG, "JOB"),
          new KeyValue("prov4ml.world_size", Integer.toString(run.worldSize()))));
      Thread.sleep(SETTLE_MILLIS);
      found = tracking.runsByTag(experimentId, JOB_TAG, job);
      if (found.isEmpty()) {
        throw new MlflowUnavailableException("the parent run of job " + job + " was created but the search does "
            + "not find it yet", false, null);
      }
    }
    return oldestAndDeleteTheRest(tracking, found, job);
  }

  /** Of several parents (ranks that raced), the oldest stays; the others are deleted. */
  private static RunRef oldestAndDeleteTheRest(MlflowTracking tracking, List<RunRef> found, String job)
      throws IOException, InterruptedException {
    RunRef parent = found.get(0); // the search orders them oldest first, then by id
    for (RunRef duplicate : found.subList(1, found.size())) {
      try {
        tracking.deleteRun(duplicate.runId());
        Logger.debug("prov4ml: job {}: deleted the duplicate parent run {} (kept {})", job, duplicate.runId(),
            parent.runId());
      } catch (MlflowRejectedException alreadyGone) {
        // another rank deleted it first
      }
    }
    return parent;
  }

  /** The tags that make a rank's run a child of {@code parent}. */
  static List<KeyValue> childTags(RunRef parent, RunActivity run) {
    return List.of(new KeyValue(PARENT_TAG, parent.runId()), new KeyValue(RANK_OF_TAG, jobOf(run)));
  }

  /** At a rank's end: its run under the job's parent as it is now (a racing rank's may have won). */
  static void repoint(MlflowTracking tracking, RunRef child, RunActivity run)
      throws IOException, InterruptedException {
    RunRef parent = resolve(tracking, child.experimentId(), run);
    tracking.setTag(child.runId(), PARENT_TAG, parent.runId());
  }

  /**
   * Gives the parent what is the job's: the params every rank shares, the job's merged document as
   * artifact {@code prov4ml/prov_<experiment>_<run-id>.json}, and the job's end (FINISHED only when
   * every rank finished; a job with ranks missing is FAILED there, MLflow having no INCOMPLETE, and
   * tagged {@value #MISSING_RANKS_TAG} until a later merge and sync bring them).
   *
   * @param status the job's status as the merge gives it
   * @param missingRanks the ranks the merge lacks, comma-separated, or empty
   */
  static RunRef complete(MlflowTracking tracking, String experimentId, RunActivity run, Map<String, String> params,
      Path jobDocument, String status, String missingRanks, long endMillis) throws IOException, InterruptedException {
    RunRef parent = tracking.getRun(resolve(tracking, experimentId, run).runId());
    Map<String, String> logged = tracking.params(parent.runId());
    LogBatchRequest batch = new LogBatchRequest();
    for (var p : params.entrySet()) {
      String value = p.getValue();
      KeyValue param = new KeyValue(p.getKey(), value.length() <= ParamTagUpload.MAX_PARAM_VALUE ? value
          : value.substring(0, ParamTagUpload.MAX_PARAM_VALUE));
      if (logged.containsKey(p.getKey())) {
        continue; // params are immutable in MLflow; a value a later merge no longer shares stays as it was
      }
      if (!batch.canAddParam(param)) {
        tracking.logBatch(parent.runId(), batch);
        batch = new LogBatchRequest();
      }
      batch.addParam(param);
    }
    if (!batch.isEmpty()) {
      tracking.logBatch(parent.runId(), batch);
    }
    if (parent.hasProxiedArtifacts()) {
      tracking.putArtifact(parent, ArtifactPath.of(jobDocument.getFileName().toString())
          .under(ArtifactUpload.PROVENANCE_FOLDER), jobDocument);
    }
    if (missingRanks.isEmpty()) {
      tracking.deleteTagIfPresent(parent.runId(), MISSING_RANKS_TAG);
    } else {
      tracking.setTag(parent.runId(), MISSING_RANKS_TAG, missingRanks);
    }
    tracking.setTerminated(parent.runId(), status.equals("INCOMPLETE") ? "FAILED" : status, endMillis);
    return parent;
  }
}
