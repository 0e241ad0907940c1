package org.prov4ml.internal.mlflow;

import org.prov4ml.Context;
import org.prov4ml.internal.mlflow.LogBatchRequest.Metric;
import org.prov4ml.internal.mlflow.UploadCursor.Point;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.ModelVersion;

/**
 * Links the points logged at the end of an epoch to the checkpoint saved in that epoch (MLflow 3): each
 * carries the {@code model_id} of the LoggedModel whose step is the point's step. MLflow then keeps the
 * point in the LoggedModel's own metrics too, which is what {@code search_logged_models(order_by=metrics...)}
 * sorts on.
 *
 * <p>A point cannot be changed once logged, and an epoch's values and its checkpoint reach the directory
 * in either order, so an epoch point with no checkpoint known yet is held: its series is sent up to it
 * and no further. It goes, without a {@code model_id}, as soon as no checkpoint is to come for its
 * epoch: a checkpoint of that or a later step is recorded, the next epoch has begun (a per-batch point
 * logged after it, and a document written after that: the writer rewrites it once per interval, so a
 * checkpoint saved at the epoch's end may not be named yet when the next batch's point is), the run has
 * ended, or a flush waits. A run that saves no checkpoint so waits up to a rewrite interval.
 * All of this is the uploader's thread: the training never waits for it.
 *
 * <p>The epoch series are the listener's and the agent's per-epoch values: every series of the
 * TRAINING, VALIDATION and TESTING contexts but the per-batch {@value #PER_BATCH_KEY}.
 */
final class CheckpointLinks {

  /** The one per-batch series of the listener and the agent (TRAINING). */
  static final String PER_BATCH_KEY = "batch_loss";

  private final RunUpload upload;
  /** The newest timestamp of a per-batch point read in this process: a later epoch has begun by then. */
  private long latestPerBatch = Long.MIN_VALUE;
  /** The greatest step of a checkpoint the record holds this pass, or null when it holds none yet. */
  private Long latestCheckpoint;
  /** When the document this pass reads was written: it names every checkpoint saved before. */
  private long documentWritten;

  CheckpointLinks(RunUpload upload) {
    this.upload = upload;
  }

  /** Called as a metric upload begins, after the pass created the LoggedModels of new checkpoints. */
  void passStarts() {
    latestCheckpoint = null;
    if (!upload.linkingModels()) {
      return;
    }
    try {
      documentWritten = java.nio.file.Files.getLastModifiedTime(upload.record().document()).toMillis();
    } catch (java.io.IOException e) {
      documentWritten = Long.MIN_VALUE;
    }
    for (ModelVersion v : upload.record().modelVersions()) {
      latestCheckpoint = latestCheckpoint == null ? v.step() : Math.max(latestCheckpoint, v.step());
    }
    Point perBatch = upload.cursor().latestMetrics.get(Context.TRAINING.name().toLowerCase(java.util.Locale.ROOT)
        + "/" + PER_BATCH_KEY);
    if (perBatch != null) {
      latestPerBatch = Math.max(latestPerBatch, perBatch.timestamp); // what an earlier process sent
    }
  }

  /** Whether the series' points are linked to checkpoints: on a server with LoggedModels, epoch series only. */
  boolean isEpochSeries(MetricSeries series) {
    if (!upload.linkingModels()) {
      return false;
    }
    Context c = series.context();
    return (c == Context.TRAINING || c == Context.VALIDATION || c == Context.TESTING)
        && !(c == Context.TRAINING && PER_BATCH_KEY.equals(series.key()));
  }

  /** A point of a series that is not an epoch series was read. */
  void seen(MetricSeries series, MetricPoint p) {
    if (series.context() == Context.TRAINING && PER_BATCH_KEY.equals(series.key())) {
      latestPerBatch = Math.max(latestPerBatch, p.timestampMillis());
    }
  }

  /**
   * Adds up to {@code max} points of an epoch series from {@code offset}, each with its checkpoint's
   * {@code model_id}, stopping before a point that is held.
   *
   * @return the offset after the last point added
   */
  long readEpochPoints(MetricSeries series, long offset, int max, LogBatchRequest batch, String key) {
    long at = offset;
    MetricPoint[] read = new MetricPoint[1];
    for (int added = 0; added < max; added++) {
      read[0] = null;
      long next = series.readFrom(at, 1, p -> read[0] = p); // an epoch series has a point per epoch: few
      if (read[0] == null) {
        break;
      }
      MetricPoint p = read[0];
      String modelId = upload.cursor().modelIdsByStep.get(p.step());
      if (modelId == null && held(p)) {
        break;
      }
      batch.add(new Metric(key, p.value(), p.timestampMillis(), p.step()), modelId);
      at = next;
    }
    return at;
  }

  private boolean held(MetricPoint p) {
    // The document is rewritten once per interval: a next epoch shows only in one written after it began.
    boolean nextEpochBegan = latestPerBatch > p.timestampMillis() && documentWritten > latestPerBatch;
    return upload.holdingAllowed() && (latestCheckpoint == null || latestCheckpoint < p.step()) && !nextEpochBegan;
  }
}
