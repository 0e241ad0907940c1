package org.prov4ml.internal.mlflow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prov4ml.internal.mlflow.LogBatchRequest.Metric;
import org.prov4ml.internal.mlflow.MlflowTracking.StoredPoint;
import org.prov4ml.internal.mlflow.UploadCursor.InFlight;
import org.prov4ml.internal.mlflow.UploadCursor.Point;
import org.prov4ml.rundir.MetricSeries;

/**
 * Sends the rows of the metric files that the server has not acknowledged, 1000 points per
 * {@code log-batch}, reading them from the files rather than from memory: an outage costs disk,
 * not heap.
 *
 * <p>A batch is never applied twice. Before it is sent it is recorded in the cursor as in flight, and
 * when its outcome is unknown (the process died, the answer was lost) the server is asked before
 * anything is sent again. The question costs the batch, not the series: MLflow keeps each key's latest
 * value (greatest step, then timestamp, then value) and updates it in the transaction that stores the
 * batch's points, so {@code runs/get} tells whether a batch that moves some key's latest value forward
 * arrived: that key's latest is the batch's point, or older. (A tag sent in the same request would not
 * do: MLflow commits a request's metrics and its tags in two transactions.) A batch that moves no key
 * forward (its steps were logged again: a second pass over an epoch) is looked up at one step: the
 * points of its last point's key and step ({@link MlflowTracking#metricAtStep}), which cost the points
 * logged at that step, not the series (on 3.17.2; 2.17.2's server reads the series to answer, see
 * docs/design.md). The key's history is read only for a step holding 2,500 points or more whose last
 * point is newer than the batch's or that the server cannot give alone, and on a server without the
 * endpoint.
 */
final class MetricUpload {

  /** The rows of one file inside a batch: metrics [from, to) of the batch, acknowledging up to {@code end}. */
  private record Segment(MetricSeries series, int from, int to, long end) {}

  private final RunUpload upload;
  private final CheckpointLinks links;

  MetricUpload(RunUpload upload) {
    this.upload = upload;
    this.links = new CheckpointLinks(upload);
  }

  static String rejectionKey(MetricSeries series) {
    return "metric " + RunUpload.mlflowKey(series);
  }

  /**
   * Sends every complete row before {@code targets} (bytes per metric file, taken when the pass
   * began: a flush waits for those). Batches are filled from past the targets too, so a run that
   * is still logging gets full 1000-point requests rather than one short request per pass: MLflow's
   * cost is mostly per request.
   */
  void upload(String runId, Map<String, Long> targets) throws IOException, InterruptedException {
    UploadCursor cursor = upload.cursor();
    resolveInFlight(runId, cursor);
    links.passStarts();
    while (!reached(cursor, targets)) {
      LogBatchRequest batch = new LogBatchRequest();
      List<Segment> segments = new ArrayList<>();
      for (MetricSeries series : upload.metrics()) {
        if (!batch.canAddMetric()) {
          break;
        }
        if (cursor.rejected.containsKey(rejectionKey(series)) || !targets.containsKey(RunUpload.fileName(series))) {
          continue;
        }
        DatasetInputs.DatasetLink dataset = upload.datasets().linkOf(series, upload.finishing());
        if (dataset == DatasetInputs.HELD) {
          continue; // its data set's digest is not known yet, and a point cannot be changed once logged
        }
        long from = cursor.offset(RunUpload.fileName(series));
        int first = batch.metrics().size();
        String key = RunUpload.mlflowKey(series);
        long end;
        try {
          if (links.isEpochSeries(series)) {
            end = links.readEpochPoints(series, from, LogBatchRequest.MAX_METRICS - first, batch, key, dataset);
          } else {
            end = series.readFrom(from, LogBatchRequest.MAX_METRICS - first,
                p -> batch.add(new Metric(key, p.value(), p.timestampMillis(), p.step(), dataset)));
          }
        } catch (java.io.UncheckedIOException e) {
          throw e.getCause(); // the file and the problem, in one line
        }
        if (end > from) {
          segments.add(new Segment(series, first, batch.metrics().size(), end));
        }
      }
      if (segments.isEmpty()) {
        break; // what is left before a target is an unfinished line, not a row yet
      }
      send(runId, batch, segments);
    }
    cursor.save(); // persists the acknowledgement of the last batch
  }

  /** Whether every series the server takes is acknowledged up to its target. */
  private boolean reached(UploadCursor cursor, Map<String, Long> targets) {
    for (MetricSeries series : upload.metrics()) {
      Long target = targets.get(RunUpload.fileName(series));
      if (target != null && cursor.offset(RunUpload.fileName(series)) < target
          && !cursor.rejected.containsKey(rejectionKey(series))) {
        return false;
      }
    }
    return true;
  }

  private void send(String runId, LogBatchRequest batch, List<Segment> segments)
      throws IOException, InterruptedException {
    UploadCursor cursor = upload.cursor();
    cursor.inFlight = intent(cursor, batch.metrics(), segments);
    cursor.save();
    try {
      upload.tracking().logBatch(runId, batch);
    } catch (MlflowUnavailableException e) {
      if (!e.outcomeUnknown()) {
        cursor.inFlight = null; // refused before it was applied: send again as it is
      }
      throw e;
    } catch (MlflowRejectedException e) {
      cursor.inFlight = null; // a refused batch changed nothing on the server
      if (!e.isInvalidValue()) {
        throw e;
      }
      sendSeriesBySeries(runId, batch, segments);
      return;
    }
    acknowledge(cursor, segments);
  }

  /**
   * After a refused batch, each file's rows alone: a bad key refuses only its own series, the
   * others go through. Metric keys are what MLflow validates (name characters, 250-character
   * limit with the context prefix), so refusals are per series, never per point.
   */
  private void sendSeriesBySeries(String runId, LogBatchRequest batch, List<Segment> segments)
      throws IOException, InterruptedException {
    UploadCursor cursor = upload.cursor();
    for (Segment s : segments) {
      LogBatchRequest single = new LogBatchRequest();
      for (int i = s.from(); i < s.to(); i++) {
        single.add(batch.metrics().get(i), batch.modelId(i));
      }
      Segment alone = new Segment(s.series(), 0, single.size(), s.end());
      cursor.inFlight = intent(cursor, single.metrics(), List.of(alone));
      cursor.save();
      try {
        upload.tracking().logBatch(runId, single);
        acknowledge(cursor, List.of(alone));
      } catch (MlflowRejectedException e) {
        cursor.inFlight = null;
        upload.rejectOrRethrow(rejectionKey(s.series()), e);
      }
      cursor.save();
    }
  }

  /** What the cursor records of a batch before it is sent: see the class comment. */
  private static InFlight intent(UploadCursor cursor, List<Metric> metrics, List<Segment> segments) {
    InFlight f = new InFlight();
    // The batch's newest point at its last point's key and step: the step's last point on the server
    // when the batch arrived (unless an older upload logged a newer one there).
    Metric last = metrics.get(metrics.size() - 1);
    for (Metric m : metrics) {
      if (m.key().equals(last.key()) && m.step() == last.step()
          && newer(m.step(), m.timestamp(), m.value(), new Point(last.step(), last.timestamp(), last.value()))) {
        last = m;
      }
    }
    f.key = last.key();
    f.step = last.step();
    f.timestamp = last.timestamp();
    f.value = last.value();
    segments.forEach(s -> f.offsets.put(RunUpload.fileName(s.series()), s.end()));
    for (Metric m : metrics) {
      Point before = f.latest.getOrDefault(m.key(), cursor.latestMetrics.get(m.key()));
      if (before == null || newer(m.step(), m.timestamp(), m.value(), before)) {
        f.latest.put(m.key(), new Point(m.step(), m.timestamp(), m.value()));
      }
    }
    if (!f.latest.isEmpty()) {
      var witness = f.latest.entrySet().iterator().next();
      f.witnessKey = witness.getKey();
      f.witness = witness.getValue();
    }
    return f;
  }

  private static void acknowledge(UploadCursor cursor, List<Segment> segments) {
    segments.forEach(s -> cursor.metricOffsets.put(RunUpload.fileName(s.series()), s.end()));
    if (cursor.inFlight != null) {
      cursor.latestMetrics.putAll(cursor.inFlight.latest);
    }
    cursor.inFlight = null;
  }

  /** MLflow's order of metric points ({@code _compare_metrics}): step, timestamp, then the stored value. */
  static boolean newer(long step, long timestamp, double value, Point than) {
    if (step != than.step) {
      return step > than.step;
    }
    if (timestamp != than.timestamp) {
      return timestamp > than.timestamp;
    }
    return stored(value) > stored(than.value);
  }

  /** How MLflow stores a value: NaN as 0 (with a flag), an infinity as the largest double of its sign. */
  private static double stored(double value) {
    return Double.isNaN(value) ? 0 : Double.isInfinite(value) ? Math.copySign(Double.MAX_VALUE, value) : value;
  }

  /**
   * A batch whose outcome is unknown (the process died, or the answer was lost): did it arrive? The
   * witness key's latest value on the server answers (see the class comment); when the batch has no
   * witness, or another writer moved the key further, the points at the batch's last step do
   * ({@link #foundAtItsStep}); the key's history only when they cannot.
   */
  private void resolveInFlight(String runId, UploadCursor cursor) throws IOException, InterruptedException {
    InFlight f = cursor.inFlight;
    if (f == null) {
      return;
    }
    Boolean arrived = null;
    if (f.witnessKey != null) {
      StoredPoint latest = upload.tracking().latestMetrics(runId).get(f.witnessKey);
      if (latest == null || newer(f.witness.step, f.witness.timestamp, f.witness.value,
          new Point(latest.step(), latest.timestamp(), latest.value()))) {
        arrived = false; // the batch would have made the witness the latest
      } else if (same(latest, f.witness.step, f.witness.timestamp, f.witness.value)) {
        arrived = true;
      }
    }
    if (arrived == null) {
      arrived = foundAtItsStep(runId, f);
    }
    if (arrived == null) {
      arrived = false;
      for (StoredPoint p : upload.tracking().metricHistory(runId, f.key)) {
        if (same(p, f.step, f.timestamp, f.value)) {
          arrived = true;
          break;
        }
      }
    }
    if (arrived) {
      cursor.metricOffsets.putAll(f.offsets);
      cursor.latestMetrics.putAll(f.latest);
    }
    cursor.inFlight = null;
    cursor.save();
  }

  /**
   * Whether the batch's point ({@code f.key}, {@code f.step}, ...) is on the server, from the points
   * at its step; null when they cannot tell. MLflow stores a batch's points in one transaction, so
   * one point answers for the batch. Fewer points than asked for are all the step holds, on every
   * server ({@link MlflowTracking#metricAtStep}); a crowded step is asked again for its last point
   * alone, which a server that samples rows gives (one that does not answers with the step's points
   * again, more than one).
   */
  private Boolean foundAtItsStep(String runId, InFlight f) throws IOException, InterruptedException {
    List<StoredPoint> atStep;
    try {
      atStep = upload.tracking().metricAtStep(runId, f.key, f.step, MlflowTracking.MAX_POINTS_AT_STEP);
    } catch (MlflowRejectedException noSuchEndpoint) {
      return null; // a server older than 2.11; the history answers
    }
    if (atStep.stream().anyMatch(p -> same(p, f.step, f.timestamp, f.value))) {
      return true;
    }
    if (atStep.size() < MlflowTracking.MAX_POINTS_AT_STEP) {
      return false; // every point at the step, and not the batch's
    }
    List<StoredPoint> last = upload.tracking().metricAtStep(runId, f.key, f.step, 1);
    if (last.size() == 1) {
      StoredPoint newest = last.get(0);
      if (same(newest, f.step, f.timestamp, f.value)) {
        return true;
      }
      if (newer(f.step, f.timestamp, f.value, new Point(newest.step(), newest.timestamp(), newest.value()))) {
        return false; // the batch's point would be the step's last
      }
    }
    return null; // a newer point at the step than the batch's, or a server that answered with all of them
  }

  private static boolean same(StoredPoint p, long step, long timestamp, double value) {
    return p.step() == step && p.timestamp() == timestamp && sameValue(p.value(), value);
  }

  /** Equal as stored: NaN is NaN, and the server stores an infinity as +-Double.MAX_VALUE. */
  private static boolean sameValue(double stored, double sent) {
    if (Double.isNaN(sent)) {
      return Double.isNaN(stored);
    }
    if (Double.isInfinite(sent)) {
      return Double.isInfinite(stored)
          || Math.abs(stored) == Double.MAX_VALUE && Math.signum(stored) == Math.signum(sent);
    }
    return stored == sent;
  }
}
