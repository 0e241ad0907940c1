package org.prov4ml.internal.mlflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.prov4ml.internal.mlflow.MlflowTracking.LoggedModelRef;
import org.prov4ml.internal.mlflow.MlflowTracking.RunRef;
import org.prov4ml.internal.mlflow.UploadCursor.CheckpointModel;
import org.prov4ml.rundir.Artifact;
import org.prov4ml.rundir.ModelVersion;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunFiles;
import org.tinylog.Logger;

/**
 * MLflow 3's LoggedModels: every model version (checkpoint) of the run becomes one, named after the model,
 * made by the run ({@code source_run_id}), tagged with its step, context and SHA-256, its file under the
 * LoggedModel's own artifact location, finalized READY (or UPLOAD_FAILED, the reason in a tag: finalizing
 * carries no message), and recorded as an output of the run at its step. MLflow 3 centres deep-learning
 * tracking on these: the epoch's metric points carry their id ({@link MetricUpload}), so
 * {@code search_logged_models(order_by=metrics...)} finds the best checkpoint.
 *
 * <p>Nothing here is idempotent on the server: each create mints a new id, and {@code runs/outputs}
 * refuses a repeat. So the cursor records each step as it is done, a model created just before a crash
 * is found again by its tags among the run's LoggedModels before another is created, and an output whose
 * answer was lost is looked up among the run's outputs before it is sent again.
 *
 * <p>A server before 3.0 has none: it is asked once per server and process, and said once.
 */
final class LoggedModelUpload {

  /** Why a LoggedModel's files did not reach the server, when finalized UPLOAD_FAILED. */
  static final String FAILURE_TAG = "prov4ml.upload_failure";
  /** Characters MLflow refuses in a LoggedModel's name ({@code _validate_logged_model_name}). */
  private static final String REFUSED_IN_NAME = "/:.%\"'";

  /** Server -> whether it has LoggedModels, asked once per process. */
  private static final Map<String, Boolean> SERVERS = new ConcurrentHashMap<>();

  private final RunUpload upload;

  LoggedModelUpload(RunUpload upload) {
    this.upload = upload;
  }

  /** Whether the server has LoggedModels (asked once per server in the process; a 2.x server is said once). */
  boolean supported(RunRef run) throws IOException, InterruptedException {
    String server = upload.tracking().http().server();
    Boolean known = SERVERS.get(server);
    if (known == null) {
      known = upload.tracking().hasLoggedModels(run.experimentId());
      if (SERVERS.putIfAbsent(server, known) == null && !known) {
        Logger.info("prov4ml: MLflow at {} predates LoggedModels (3.0): checkpoints are the run's artifacts only, "
            + "and metrics carry no model_id", server);
      }
    }
    return known;
  }

  /**
   * Creates (or finds again) the LoggedModel of every model version that has none yet, so the step ->
   * {@code model_id} map is complete before the pass sends metric points. Cheap: no files move here.
   */
  void create(RunRef run) throws IOException, InterruptedException {
    UploadCursor cursor = upload.cursor();
    RankRecord record = upload.record();
    Map<String, LoggedModelRef> onServer = null;
    for (ModelVersion v : record.modelVersions()) {
      Artifact artifact = artifactOf(record, v);
      if (artifact == null || cursor.loggedModels.containsKey(artifact.path())
          || cursor.rejected.containsKey(rejectionKey(artifact))) {
        continue;
      }
      Map<String, String> tags = tags(v, artifact);
      if (onServer == null) { // after a crash between a create and the cursor's save: find it by its tags
        onServer = new LinkedHashMap<>();
        for (LoggedModelRef m : upload.tracking().loggedModelsOfRun(run.experimentId(), run.runId())) {
          onServer.putIfAbsent(identity(m.tags()), m);
        }
      }
      LoggedModelRef model = onServer.get(identity(tags));
      if (model == null) {
        try {
          model = upload.tracking().createLoggedModel(run.experimentId(), name(v.name()), run.runId(), tags);
        } catch (MlflowRejectedException e) {
          upload.rejectOrRethrow(rejectionKey(artifact), e);
          cursor.save();
          continue;
        }
      }
      CheckpointModel c = new CheckpointModel();
      c.modelId = model.modelId();
      c.step = v.step();
      c.artifactLocation = model.artifactLocation();
      if ("LOGGED_MODEL_READY".equals(model.status()) || "LOGGED_MODEL_UPLOAD_FAILED".equals(model.status())) {
        c.status = model.status().substring("LOGGED_MODEL_".length());
      }
      cursor.loggedModels.put(artifact.path(), c);
      cursor.modelIdsByStep.putIfAbsent(v.step(), c.modelId);
      cursor.save();
    }
  }

  /** Uploads each created LoggedModel's file, finalizes it and records it as the run's output. */
  void complete(RunRef run) throws IOException, InterruptedException {
    UploadCursor cursor = upload.cursor();
    RankRecord record = upload.record();
    Set<String> outputs = null;
    for (ModelVersion v : record.modelVersions()) {
      Artifact artifact = artifactOf(record, v);
      CheckpointModel c = artifact == null ? null : cursor.loggedModels.get(artifact.path());
      if (c == null || c.status != null && c.output) {
        continue;
      }
      if (c.status == null) {
        String failure = uploadFile(c, artifact);
        if (failure != null) {
          upload.tracking().setLoggedModelTag(c.modelId, FAILURE_TAG, failure);
          Logger.warn("prov4ml: the files of checkpoint {} (MLflow LoggedModel {}) are not uploaded: {}",
              artifact.path(), c.modelId, failure);
        }
        upload.tracking().finalizeLoggedModel(c.modelId, failure == null
            ? MlflowTracking.LOGGED_MODEL_READY : MlflowTracking.LOGGED_MODEL_UPLOAD_FAILED);
        c.status = failure == null ? "READY" : "UPLOAD_FAILED";
        cursor.save();
      }
      if (!c.output) {
        if (outputs == null) { // a repeat is refused: ask what an answer lost or a crash left there
          outputs = upload.tracking().modelOutputs(run.runId());
        }
        if (!outputs.contains(c.modelId)) {
          upload.tracking().logOutput(run.runId(), c.modelId, c.step);
        }
        c.output = true;
        cursor.save();
      }
    }
  }

  /** @return null when the file is on the server, else why not (for the LoggedModel's failure tag) */
  private String uploadFile(CheckpointModel c, Artifact artifact) throws IOException, InterruptedException {
    if (c.artifactLocation == null || !c.artifactLocation.startsWith(MlflowTracking.PROXIED_ARTIFACTS_SCHEME)) {
      return "the LoggedModel's artifact location " + c.artifactLocation
          + " is not the server's artifact proxy, which prov4ml cannot write without MLflow's Python";
    }
    if (!Files.isRegularFile(artifact.file(), LinkOption.NOFOLLOW_LINKS)) {
      return "its file " + artifact.file().getFileName() + " is not in the run directory";
    }
    Optional<String> refused = RunFiles.refusal(upload.runDir(), artifact.file());
    if (refused.isPresent()) {
      return "its file is not read: " + refused.get();
    }
    try {
      upload.tracking().putArtifact(c.artifactLocation, ArtifactPath.of(artifact.file().getFileName().toString()),
          artifact.file());
      return null;
    } catch (MlflowRejectedException e) {
      return "the server refused it: " + e.serverMessage();
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** A model's name as MLflow takes it for a LoggedModel: {@code / : . % " '} become {@code _}. */
  static String name(String modelName) {
    StringBuilder name = new StringBuilder(modelName.length());
    for (char ch : modelName.toCharArray()) {
      name.append(REFUSED_IN_NAME.indexOf(ch) >= 0 ? '_' : ch);
    }
    return name.isEmpty() ? "model" : name.toString();
  }

  static Artifact artifactOf(RankRecord record, ModelVersion v) {
    return record.artifacts().stream().filter(a -> a.file().equals(v.file())).findFirst().orElse(null);
  }

  static String rejectionKey(Artifact artifact) {
    return "logged model " + artifact.path();
  }

  private static Map<String, String> tags(ModelVersion v, Artifact artifact) throws IOException {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(ModelRegistration.STEP_TAG, Long.toString(v.step()));
    tags.put(ModelRegistration.CONTEXT_TAG, v.context().name());
    tags.put(ModelRegistration.SHA256_TAG, ArtifactUpload.sha256(artifact));
    return tags;
  }

  /** What tells a run's checkpoints apart: step and content. */
  private static String identity(Map<String, String> tags) {
    return tags.get(ModelRegistration.STEP_TAG) + "\n" + tags.get(ModelRegistration.SHA256_TAG);
  }
}
