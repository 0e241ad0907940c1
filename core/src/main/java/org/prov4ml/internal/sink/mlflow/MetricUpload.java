package org.prov4ml.internal.sink.mlflow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prov4ml.internal.sink.mlflow.LogBatchRequest.Metric;
import org.prov4ml.internal.sink.mlflow.MlflowTracking.StoredPoint;
import org.prov4ml.internal.sink.mlflow.UploadCursor.InFlight;
import org.prov4ml.rundir.MetricSeries;

/**
 * Sends the rows of the metric files that the server has not acknowledged, 1000 points per
 * {@code log-batch}, reading them from the files rather than from memory: an outage costs disk,
 * not heap. See {@link UploadCursor} for how a batch is never applied twice.
 */
final class MetricUpload {

  /** The rows of one file inside a batch: metrics [from, to) of the batch, acknowledging up to {@code end}. */
  private record Segment(MetricSeries series, int from, int to, long end) {}

  private final RunUpload upload;

  MetricUpload(RunUpload upload) {
    this.upload = upload;
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
    while (!reached(cursor, targets)) {
      LogBatchRequest batch = new LogBatchRequest();
      List<Segment> segments = new ArrayList<>();
      for (MetricSeries series : upload.record().metrics()) {
        if (!batch.canAddMetric()) {
          break;
        }
        if (cursor.rejected.containsKey(rejectionKey(series)) || !targets.containsKey(RunUpload.fileName(series))) {
          continue;
        }
        long from = cursor.offset(RunUpload.fileName(series));
        int first = batch.metrics().size();
        String key = RunUpload.mlflowKey(series);
        long end;
        try {
          end = series.readFrom(from, LogBatchRequest.MAX_METRICS - first,
              p -> batch.add(new Metric(key, p.value(), p.timestampMillis(), p.step())));
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
    for (MetricSeries series : upload.record().metrics()) {
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
    cursor.inFlight = intent(batch.metrics().get(batch.size() - 1), segments);
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
      batch.metrics().subList(s.from(), s.to()).forEach(single::add);
      Segment alone = new Segment(s.series(), 0, single.size(), s.end());
      cursor.inFlight = intent(single.metrics().get(single.size() - 1), List.of(alone));
      cursor.save();
      try {
        upload.tracking().logBatch(runId, single);
        acknowledge(cursor, List.of(alone));
      } catch (MlflowRejectedException e) {
        cursor.inFlight = null;
        if (!rejectSeries(s, e)) {
          throw e;
        }
      }
      cursor.save();
    }
  }

  /** Records the series as refused when the server's reason is a bad value; false otherwise. */
  private boolean rejectSeries(Segment s, MlflowRejectedException e) throws IOException {
    if (!e.isInvalidValue()) {
      return false;
    }
    upload.reject(rejectionKey(s.series()), e.serverMessage());
    return true;
  }

  private static InFlight intent(Metric last, List<Segment> segments) {
    InFlight f = new InFlight();
    f.key = last.key();
    f.step = last.step();
    f.timestamp = last.timestamp();
    f.value = last.value();
    Map<String, Long> offsets = new LinkedHashMap<>();
    segments.forEach(s -> offsets.put(RunUpload.fileName(s.series()), s.end()));
    f.offsets = offsets;
    return f;
  }

  private static void acknowledge(UploadCursor cursor, List<Segment> segments) {
    segments.forEach(s -> cursor.metricOffsets.put(RunUpload.fileName(s.series()), s.end()));
    cursor.inFlight = null;
  }

  /**
   * A batch whose outcome is unknown (the process died, or the answer was lost): its last point
   * on the server means the whole batch arrived, as {@code log-batch} is one transaction.
   */
  private void resolveInFlight(String runId, UploadCursor cursor) throws IOException, InterruptedException {
    InFlight f = cursor.inFlight;
    if (f == null) {
      return;
    }
    boolean arrived = false;
    for (StoredPoint p : upload.tracking().metricHistory(runId, f.key)) {
      if (p.step() == f.step && p.timestamp() == f.timestamp && sameValue(p.value(), f.value)) {
        arrived = true;
        break;
      }
    }
    if (arrived) {
      cursor.metricOffsets.putAll(f.offsets);
    }
    cursor.inFlight = null;
    cursor.save();
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
