package org.prov4ml.internal.sink.mlflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.prov4ml.internal.sink.local.RunLayout;
import org.prov4ml.internal.sink.mlflow.MlflowTracking.RunRef;
import org.prov4ml.internal.sink.mlflow.RecordedRun.MetricSeries;
import org.tinylog.Logger;

/**
 * The upload of one run directory to one tracking server, in passes: each pass sends whatever the
 * directory holds and the server has not acknowledged, in the order run, params and tags, metric
 * points, artifacts. The live uploader makes a pass whenever the drainer wrote something;
 * {@code sync} makes the final pass once. Not thread-safe: one thread drives it.
 */
final class RunUpload {

  private final RunLayout layout;
  private final MlflowSettings settings;
  private final MlflowTracking tracking;
  private final MetricUpload metrics = new MetricUpload(this);
  private final ParamTagUpload paramsAndTags = new ParamTagUpload(this);
  private final ArtifactUpload artifacts = new ArtifactUpload(this);

  private UploadCursor cursor;
  private RecordedRun recorded;
  private Object documentVersion;
  private volatile RunRef run;

  RunUpload(RunLayout layout, MlflowSettings settings) {
    this.layout = layout;
    this.settings = settings;
    this.tracking = new MlflowTracking(new MlflowHttp(settings));
  }

  /**
   * Sends everything the run directory holds now.
   *
   * @return false when the directory has no PROV document yet (nothing recorded)
   */
  boolean pass() throws IOException, InterruptedException {
    if (!refresh()) {
      return false;
    }
    Map<String, Long> targets = new LinkedHashMap<>();
    for (MetricSeries s : recorded.metrics) {
      if (Files.exists(s.file())) {
        targets.put(s.fileName(), Files.size(s.file()));
      }
    }
    RunRef bound = RunBinder.bind(tracking, cursor, recorded, settings);
    run = bound;
    paramsAndTags.upload(bound.runId(), tagsOf(recorded));
    metrics.upload(bound.runId(), targets);
    artifacts.upload(bound);
    return true;
  }

  /**
   * The last pass of a run whose directory no writer changes any more: everything, then the PROV
   * document (with the MLflow ids added if the run only got them now) and the metric files as
   * artifacts, then the run's end status.
   *
   * @param status the run's status, or null to take it from the document (KILLED if it has none)
   */
  void finish(String status) throws IOException, InterruptedException {
    if (!pass()) {
      throw new IOException("no PROV document in " + layout.runDir() + ": nothing was recorded there");
    }
    if (!Objects.equals(recorded.run.get("yprov:mlflow_run_id"), run.runId())) {
      RecordedRun.addRunAttributes(layout, MlflowSink.idAttributes(run, tracking.http().server()));
      refresh();
    }
    artifacts.uploadProvenance(run);
    if (cursor.terminated == null) {
      String end = status != null ? status : recorded.status() != null ? recorded.status() : "KILLED";
      tracking.setTerminated(run.runId(), end, recorded.endMillis());
      cursor.terminated = end;
      cursor.save();
    }
  }

  /** Re-reads the cursor and the document when the document was replaced since the last read. */
  private boolean refresh() throws IOException {
    Path prov = layout.provFile();
    if (!Files.exists(prov)) {
      return false;
    }
    if (cursor == null) {
      cursor = UploadCursor.load(layout, settings.trackingUri().toString());
    }
    BasicFileAttributes attributes = Files.readAttributes(prov, BasicFileAttributes.class);
    // Every rewrite is a new file renamed over the old one: a new file key (inode) each time.
    Object version = java.util.List.of(String.valueOf(attributes.fileKey()), attributes.lastModifiedTime(),
        attributes.size());
    if (!version.equals(documentVersion)) {
      recorded = RecordedRun.read(layout);
      documentVersion = version;
    }
    return true;
  }

  /** The run's own tags, prov4ml's version and rank, and the user's tags. */
  static Map<String, String> tagsOf(RecordedRun recorded) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("prov4ml.version", recorded.run.getOrDefault("yprov:prov4ml_version", "unknown"));
    tags.put("prov4ml.rank", recorded.run.getOrDefault("yprov:global_rank", Integer.toString(recorded.layout.rank())));
    tags.putAll(recorded.tags);
    return tags;
  }

  /** Records a refusal of the server, reported once; the element stays in the run directory only. */
  void reject(String what, String serverMessage) {
    if (cursor.rejected.putIfAbsent(what, serverMessage) == null) {
      Logger.warn("prov4ml: MLflow at {} refused {} of run {}: {} (it stays in the run directory, not retried)",
          tracking.http().server(), what, layout.runDir(), serverMessage);
    }
  }

  /** The MLflow run, once created or found; read by the sink's thread. */
  RunRef run() {
    return run;
  }

  UploadCursor cursor() {
    return cursor;
  }

  RecordedRun recorded() {
    return recorded;
  }

  MlflowTracking tracking() {
    return tracking;
  }

  RunLayout layout() {
    return layout;
  }

  MlflowSettings settings() {
    return settings;
  }
}
