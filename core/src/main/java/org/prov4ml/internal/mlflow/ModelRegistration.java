package org.prov4ml.internal.mlflow;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prov4ml.internal.mlflow.MlflowTracking.RegisteredVersion;
import org.prov4ml.internal.mlflow.MlflowTracking.RunRef;
import org.prov4ml.rundir.Artifact;
import org.prov4ml.rundir.ModelVersion;
import org.prov4ml.rundir.RankRecord;

/**
 * {@code prov4ml.mlflow.register-models}: every model version of the run also becomes a version of the
 * Model Registry's model of the same name (created when missing), whose source is the version's
 * artifact in the MLflow run and which is linked to the run. Registering is not idempotent on the
 * server (each call adds a version), so the cursor records each registered version, and a version whose
 * registration's answer was lost is found again among the run's versions, by its source, before it is
 * created: a second {@code sync} adds none.
 */
final class ModelRegistration {

  static final String STEP_TAG = "prov4ml.step";
  static final String CONTEXT_TAG = "prov4ml.context";
  static final String SHA256_TAG = "prov4ml.sha256";

  private final RunUpload upload;

  ModelRegistration(RunUpload upload) {
    this.upload = upload;
  }

  /**
   * Registers the versions not registered yet, once their artifact is on the server. With
   * {@code fromLoggedModels} (MLflow 3), a version is made from its checkpoint's LoggedModel once that is
   * READY: its source is the LoggedModel's artifact location and its {@code model_id} is set.
   */
  void register(RunRef run, boolean fromLoggedModels) throws IOException, InterruptedException {
    UploadCursor cursor = upload.cursor();
    if (cursor.artifactsNotUploadable != null) {
      return; // no file on the server to be a source; the artifacts' warning said so
    }
    RankRecord record = upload.record();
    Map<String, RegisteredVersion> onServer = null;
    for (ModelVersion v : record.modelVersions()) {
      Artifact artifact = artifactOf(record, v);
      if (artifact == null || cursor.registeredVersions.containsKey(artifact.path())
          || cursor.rejected.containsKey(rejectionKey(artifact))
          || !ArtifactUpload.sha256(artifact).equals(cursor.artifacts.get(ArtifactPath.of(artifact.path()).toString()))) {
        continue; // not a file of the run's artifacts, done, refused, or its file is not on the server (yet)
      }
      String source = run.artifactUri() + "/" + ArtifactPath.of(artifact.path());
      String modelId = null;
      if (fromLoggedModels) {
        UploadCursor.CheckpointModel checkpoint = cursor.loggedModels.get(artifact.path());
        if (checkpoint == null && !cursor.rejected.containsKey(LoggedModelUpload.rejectionKey(artifact))
            || checkpoint != null && checkpoint.status == null) {
          continue; // its LoggedModel is not done yet: a later pass registers it from that
        }
        if (checkpoint != null && "READY".equals(checkpoint.status)) {
          source = checkpoint.artifactLocation;
          modelId = checkpoint.modelId;
        }
      }
      if (onServer == null) {
        onServer = new LinkedHashMap<>();
        for (RegisteredVersion r : upload.tracking().modelVersionsOfRun(run.runId())) {
          onServer.put(r.name() + "\n" + r.source(), r);
        }
      }
      RegisteredVersion registered = onServer.get(v.name() + "\n" + source);
      if (registered == null) {
        try {
          upload.tracking().ensureRegisteredModel(v.name());
          registered = upload.tracking().createModelVersion(v.name(), source, run.runId(), modelId, tags(v, artifact));
        } catch (MlflowRejectedException e) {
          upload.rejectOrRethrow(rejectionKey(artifact), e);
          cursor.save();
          continue;
        }
      }
      cursor.registeredVersions.put(artifact.path(), registered.name() + " v" + registered.version());
      cursor.save();
    }
  }

  /** The versions that are to be registered and are not yet (for the backlog). */
  static int pending(RankRecord record, UploadCursor cursor) {
    if (cursor.artifactsNotUploadable != null) {
      return 0;
    }
    int pending = 0;
    for (ModelVersion v : record.modelVersions()) {
      Artifact artifact = artifactOf(record, v);
      if (artifact != null && !cursor.registeredVersions.containsKey(artifact.path())
          && !cursor.rejected.containsKey(rejectionKey(artifact))) {
        pending++;
      }
    }
    return pending;
  }

  private static Artifact artifactOf(RankRecord record, ModelVersion v) {
    return record.artifacts().stream().filter(a -> a.file().equals(v.file())).findFirst().orElse(null);
  }

  static String rejectionKey(Artifact artifact) {
    return "model version " + artifact.path();
  }

  private static Map<String, String> tags(ModelVersion v, Artifact artifact) throws IOException {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(STEP_TAG, Long.toString(v.step()));
    tags.put(CONTEXT_TAG, v.context().name());
    tags.put(SHA256_TAG, ArtifactUpload.sha256(artifact));
    return tags;
  }
}
