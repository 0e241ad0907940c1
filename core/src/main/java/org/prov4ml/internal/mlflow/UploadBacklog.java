package org.prov4ml.internal.mlflow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.prov4ml.rundir.Artifact;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.rundir.RunFiles;

/**
 * What a run directory holds that the server has not acknowledged, counted from the directory
 * and its persisted cursor (never from memory, so the count is right even for a run that died).
 *
 * @param metricPoints rows of metric files past the acknowledged offsets
 * @param params params not acknowledged
 * @param tags tags not acknowledged
 * @param artifacts artifacts whose current version was not uploaded
 * @param modelVersions model versions not registered in the Model Registry yet (with
 *     {@code prov4ml.mlflow.register-models})
 * @param runNotFinished the PROV document, metric files and end status are not on the server yet
 * @param refused elements the server refused for good (reported when they were refused)
 */
public record UploadBacklog(long metricPoints, int params, int tags, int artifacts, int modelVersions,
    boolean runNotFinished, int refused) {

  /** Nothing left. */
  static final UploadBacklog NONE = new UploadBacklog(0, 0, 0, 0, 0, false, 0);

  /** Whether the server has everything it can take. */
  public boolean isEmpty() {
    return metricPoints == 0 && params == 0 && tags == 0 && artifacts == 0 && modelVersions == 0 && !runNotFinished;
  }

  /** E.g. {@code 1200 metric points, 2 params, the run's end}. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    addCount(parts, metricPoints, "metric point");
    addCount(parts, params, "param");
    addCount(parts, tags, "tag");
    addCount(parts, artifacts, "artifact");
    addCount(parts, modelVersions, "model version to register");
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

  /** The two backlogs of two ranks together. */
  UploadBacklog plus(UploadBacklog other) {
    return new UploadBacklog(metricPoints + other.metricPoints, params + other.params, tags + other.tags,
        artifacts + other.artifacts, modelVersions + other.modelVersions, runNotFinished || other.runNotFinished,
        refused + other.refused);
  }

  /**
   * Counts the backlog of one rank of a run directory from its document and cursor file.
   *
   * @param registerModels whether model versions are to be registered ({@code prov4ml.mlflow.register-models})
   */
  static UploadBacklog of(Path runDir, int rank, boolean registerModels) throws IOException {
    RankRecord record = RunDirectory.openRank(runDir, rank);
    UploadCursor cursor = UploadCursor.peek(runDir, rank);
    if (cursor == null) {
      cursor = new UploadCursor();
    }
    long points = 0;
    for (MetricSeries s : record.metrics()) {
      if (RunFiles.readable(runDir, s.file()) && !cursor.rejected.containsKey(MetricUpload.rejectionKey(s))) {
        long[] rows = {0};
        try {
          s.readFrom(cursor.offset(RunUpload.fileName(s)), Long.MAX_VALUE, p -> rows[0]++);
        } catch (java.io.UncheckedIOException e) {
          throw e.getCause();
        }
        points += rows[0];
      }
    }
    final UploadCursor c = cursor;
    int params = (int) record.params().keySet().stream()
        .filter(k -> !c.params.contains(k) && !c.rejected.containsKey(ParamTagUpload.rejectionKey(true, k))).count();
    int tags = (int) RunUpload.tagsOf(record).keySet().stream()
        .filter(k -> !c.tags.contains(k) && !c.rejected.containsKey(ParamTagUpload.rejectionKey(false, k))).count();
    int artifacts = 0;
    if (c.artifactsNotUploadable == null) {
      for (Artifact a : record.artifacts()) {
        if (RunFiles.readable(runDir, a.file()) && !c.rejected.containsKey("artifact " + a.path())
            && !ArtifactUpload.sha256(a).equals(c.artifacts.get(a.path()))) {
          artifacts++;
        }
      }
    }
    int versions = registerModels ? ModelRegistration.pending(record, c) : 0;
    return new UploadBacklog(points, params, tags, artifacts, versions, c.terminated == null, c.rejected.size());
  }
}
