package org.prov4ml.internal.mlflow;

import static org.prov4ml.internal.format.ProvVocabulary.MAIN_CLASS;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.prov4ml.internal.mlflow.LogBatchRequest.KeyValue;
import org.prov4ml.internal.mlflow.MlflowTracking.RunRef;
import org.prov4ml.rundir.PrintableText;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunDirectoryException;
import org.tinylog.Logger;

/**
 * Finds or creates the MLflow run of a run directory, exactly once: the cursor records an upload
 * id before the run is created and the run carries it as tag {@code prov4ml.upload_id}, so a
 * process that died between {@code runs/create} and saving the cursor finds its run again. A rank of
 * a job of several is a child of the job's run ({@link JobParentRun}), named {@code <run>_GR<rank>}.
 */
final class RunBinder {

  static final String UPLOAD_ID_TAG = "prov4ml.upload_id";

  // MLflow's standard tag names (mlflow/utils/mlflow_tags.py): part of its data model, not of a client.
  static final String USER_TAG = "mlflow.user";
  static final String SOURCE_NAME_TAG = "mlflow.source.name";
  static final String SOURCE_TYPE_TAG = "mlflow.source.type";
  static final String RUN_NAME_TAG = "mlflow.runName";

  private RunBinder() {}

  static RunRef bind(MlflowTracking tracking, UploadCursor cursor, RankRecord record, MlflowSettings settings)
      throws IOException, InterruptedException {
    String server = settings.trackingUri().toString();
    if (!server.equals(cursor.trackingUri)) {
      adoptOrRestart(tracking, cursor, server);
    }
    if (cursor.isBound()) {
      if (!cursor.confirmed) {
        confirm(tracking, cursor, settings);
      }
      return new RunRef(cursor.runId, cursor.experimentId, cursor.artifactUri, null);
    }
    RunRef run;
    if (settings.existingRunId() != null) {
      run = tracking.getRun(settings.existingRunId()); // MLFLOW_RUN_ID: resume that run
      tracking.ensureExperimentKind(run.experimentId());
      // Its latest values so far: a batch's witness must move a key past what the run already had.
      tracking.latestMetrics(run.runId()).forEach((key, p) ->
          cursor.latestMetrics.put(key, new UploadCursor.Point(p.step(), p.timestamp(), p.value())));
    } else {
      if (cursor.uploadId == null) {
        cursor.uploadId = UUID.randomUUID().toString();
        cursor.save();
      }
      String name = settings.experimentName() != null ? settings.experimentName() : record.run().experiment();
      String experimentId = tracking.experimentId(name);
      run = tracking.findRunByTag(experimentId, UPLOAD_ID_TAG, cursor.uploadId).orElse(null);
      if (run == null) {
        // One rank of a job is a child of the job's run, named after its rank.
        boolean rankOfJob = record.run().worldSize() > 1;
        String runName = rankOfJob ? record.run().name() + "_GR" + record.rank() : record.run().name();
        List<KeyValue> tags = new ArrayList<>(tags(record, cursor, runName));
        if (rankOfJob) {
          tags.addAll(JobParentRun.childTags(JobParentRun.resolve(tracking, experimentId, record.run()), record.run()));
        }
        run = tracking.createRun(experimentId, runName, record.run().startTime().toInstant().toEpochMilli(), tags);
      }
    }
    cursor.runId = run.runId();
    cursor.experimentId = run.experimentId();
    cursor.artifactUri = run.artifactUri();
    cursor.confirmed = true; // found or created by this process
    cursor.save();
    return run;
  }

  /**
   * Checks, once per process, that the MLflow run a cursor names is the one this run directory's upload made,
   * before anything is sent into it: the cursor is the run directory's word, and a run directory is untrusted
   * input, so a crafted cursor must not make the user's credentials write into another run, nor its artifacts
   * go to a location the cursor spells. The run is this upload's when it carries the cursor's upload id, or when
   * the user named it ({@code MLFLOW_RUN_ID}); its experiment and artifact location are then taken from the
   * server, not from the cursor.
   */
  private static void confirm(MlflowTracking tracking, UploadCursor cursor, MlflowSettings settings)
      throws IOException, InterruptedException {
    MlflowTracking.TaggedRun found = tracking.getRunWithTag(cursor.runId, UPLOAD_ID_TAG);
    boolean named = cursor.runId.equals(settings.existingRunId());
    boolean ours = cursor.uploadId != null && cursor.uploadId.equals(found.tag());
    if (!named && !ours) {
      throw new RunDirectoryException(cursor.file(), "names MLflow run "
          + cursor.runId + ", which this run directory's upload did not make (its tag " + UPLOAD_ID_TAG
          + " differs): nothing is sent into it; set MLFLOW_RUN_ID=" + cursor.runId + " if you mean that run");
    }
    cursor.experimentId = found.run().experimentId();
    cursor.artifactUri = found.run().artifactUri();
    cursor.confirmed = true;
    cursor.save();
  }

  /**
   * The cursor names another URI: the same server under another name (a proxy, localhost for
   * 127.0.0.1) when it has the cursor's run, whose id is a random UUID; otherwise another server,
   * which gets the whole run.
   */
  private static void adoptOrRestart(MlflowTracking tracking, UploadCursor cursor, String server)
      throws IOException, InterruptedException {
    if (cursor.isBound()) {
      try {
        tracking.getRun(cursor.runId);
        cursor.trackingUri = server;
        cursor.save();
        return;
      } catch (MlflowRejectedException notThere) {
        // another server
      }
    }
    Logger.warn("prov4ml: {} was uploaded to {} (MLflow run {}); {} does not have that run, so it gets the "
        + "whole run directory", PrintableText.of(cursor.trackingUri), PrintableText.of(cursor.runId), server);
    cursor.restartFor(server);
    cursor.save();
  }

  /** MLflow's standard tags, which the server does not add by itself (only mlflow.runName). */
  private static List<KeyValue> tags(RankRecord record, UploadCursor cursor, String runName) {
    return List.of(new KeyValue(USER_TAG, record.run().user().orElse("unknown")),
        new KeyValue(SOURCE_NAME_TAG, record.run().attribute(MAIN_CLASS).orElse("unknown")),
        new KeyValue(SOURCE_TYPE_TAG, "JOB"),
        new KeyValue(RUN_NAME_TAG, runName),
        new KeyValue(UPLOAD_ID_TAG, cursor.uploadId));
  }
}
