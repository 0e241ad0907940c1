package org.prov4ml.internal.mlflow;

import java.io.IOException;
import java.nio.file.Files;
import org.prov4ml.Context;
import org.prov4ml.internal.mlflow.LogBatchRequest.Metric;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.MetricSeries;

/**
 * Links the points logged at the end of an epoch to the checkpoint saved in that epoch (MLflow 3): each
 * carries the {@code model_id} of the LoggedModel whose step is the point's step. MLflow then keeps the
 * point in the LoggedModel's own metrics too, which is what {@code search_logged_models(order_by=metrics...)}
 * sorts on.
 *
 * <p>A point cannot be changed once logged. An epoch's values reach the uploader at once (their series
 * are announced, their rows appended), but its checkpoint only through the PROV document, which the
 * writer rewrites once per interval ({@code prov4ml.document.rewrite-interval}, 5 s), so the checkpoint
 * is known up to an interval later; epochs can be shorter than that, so a later epoch's point says
 * nothing. A point whose checkpoint is not known waits (its series is sent up to it) until a document
 * written a second or more after it has been read (the checkpoint, saved and hashed right after the
 * values, would be in it); a flush that waits or the run's end sends it at once. No clock bounds the wait:
 * on a loaded machine the document's rewrite comes late, and a point released on a timer before it would
 * lose its link for good; the writer rewrites the document at least once per interval while the run lives. So these series reach MLflow up to a few seconds later than the others (a point
 * logged with an old timestamp never waits), and all of it is the uploader's thread: the training
 * never waits.
 *
 * <p>The epoch series are the listener's and the agent's per-epoch values: every series of the
 * TRAINING, VALIDATION and TESTING contexts but the per-batch {@value #PER_BATCH_KEY}.
 */
final class CheckpointLinks {

  /** The one per-batch series of the listener and the agent (TRAINING). */
  static final String PER_BATCH_KEY = "batch_loss";
  /** How long after the epoch's values its checkpoint is still expected in the document. */
  static final long CHECKPOINT_GRACE_MILLIS = 1000;

  private final RunUpload upload;
  /** When the document this pass reads was written: it names every checkpoint recorded before. */
  private long documentWritten;

  CheckpointLinks(RunUpload upload) {
    this.upload = upload;
  }

  /** Called as a metric upload begins, after the pass created the LoggedModels of new checkpoints. */
  void passStarts() {
    if (!upload.linkingModels()) {
      return;
    }
    try {
      documentWritten = Files.getLastModifiedTime(upload.record().document()).toMillis();
    } catch (IOException e) {
      documentWritten = Long.MIN_VALUE;
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

  /**
   * Adds up to {@code max} points of an epoch series from {@code offset}, each with its checkpoint's
   * {@code model_id}, stopping before the first point that is held. The rows before a held point are
   * read again to learn where it starts: held points are the last few seconds' only.
   *
   * @return the offset after the last point added
   */
  long readEpochPoints(MetricSeries series, long offset, int max, LogBatchRequest batch, String key,
      DatasetInputs.DatasetLink dataset) {
    java.util.List<MetricPoint> read = new java.util.ArrayList<>();
    long end = series.readFrom(offset, max, read::add);
    int first = 0;
    while (first < read.size() && !held(read.get(first))) {
      first++;
    }
    if (first < read.size()) {
      end = first == 0 ? offset : series.readFrom(offset, first, p -> { });
    }
    for (MetricPoint p : read.subList(0, first)) {
      batch.add(new Metric(key, p.value(), p.timestampMillis(), p.step(), dataset),
          upload.cursor().modelIdsByStep.get(p.step()));
    }
    return end;
  }

  /** Whether the point waits for its checkpoint: see the class comment. */
  private boolean held(MetricPoint p) {
    return upload.holdingAllowed() && !upload.cursor().modelIdsByStep.containsKey(p.step())
        && documentWritten < p.timestampMillis() + CHECKPOINT_GRACE_MILLIS;
  }
}
