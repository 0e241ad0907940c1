package org.prov4ml.internal.sink.mlflow;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.prov4ml.internal.sink.local.RunLayout;
import org.prov4ml.internal.sink.mlflow.RecordedRun.MetricSeries;

/**
 * What a run directory holds that the server has not acknowledged, counted from the directory
 * and its persisted cursor (never from memory, so the count is right even for a run that died).
 *
 * @param metricPoints rows of metric files past the acknowledged offsets
 * @param params params not acknowledged
 * @param tags tags not acknowledged
 * @param artifacts artifacts whose current version was not uploaded
 * @param runNotFinished the PROV document, metric files and end status are not on the server yet
 * @param refused elements the server refused for good (reported when they were refused)
 */
public record UploadBacklog(long metricPoints, int params, int tags, int artifacts, boolean runNotFinished,
    int refused) {

  /** Whether the server has everything it can take. */
  public boolean isEmpty() {
    return metricPoints == 0 && params == 0 && tags == 0 && artifacts == 0 && !runNotFinished;
  }

  /** E.g. {@code 1200 metric points, 2 params, the run's end}. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    addCount(parts, metricPoints, "metric point");
    addCount(parts, params, "param");
    addCount(parts, tags, "tag");
    addCount(parts, artifacts, "artifact");
    if (runNotFinished) {
      parts.add("the PROV document, metric files and end status");
    }
    return parts.isEmpty() ? "nothing" : String.join(", ", parts);
  }

  private static void addCount(List<String> parts, long count, String noun) {
    if (count > 0) {
      parts.add(count + " " + noun + (count == 1 ? "" : "s"));
    }
  }

  /** Counts the backlog of a run directory from its document and cursor file. */
  public static UploadBacklog of(RunLayout layout) throws IOException {
    RecordedRun recorded = RecordedRun.read(layout);
    UploadCursor cursor = UploadCursor.peek(layout);
    if (cursor == null) {
      cursor = new UploadCursor();
    }
    long points = 0;
    for (MetricSeries s : recorded.metrics) {
      if (Files.exists(s.file()) && !cursor.rejected.containsKey(MetricUpload.rejectionKey(s))) {
        points += MetricFileTail.countRows(s.file(), cursor.offset(s.fileName()));
      }
    }
    final UploadCursor c = cursor;
    int params = (int) recorded.params.keySet().stream()
        .filter(k -> !c.params.contains(k) && !c.rejected.containsKey(ParamTagUpload.rejectionKey(true, k))).count();
    int tags = (int) RunUpload.tagsOf(recorded).keySet().stream()
        .filter(k -> !c.tags.contains(k) && !c.rejected.containsKey(ParamTagUpload.rejectionKey(false, k))).count();
    int artifacts = c.artifactsNotUploadable != null ? 0 : (int) recorded.artifacts.values().stream()
        .filter(a -> !a.sha256().equals(c.artifacts.get(a.path().toString()))).count();
    return new UploadBacklog(points, params, tags, artifacts, c.terminated == null, c.rejected.size());
  }
}
