package org.prov4ml.internal.mlflow;

import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.prov4ml.internal.lineage.IndexEntry;
import org.prov4ml.internal.lineage.RunIndex;
import org.prov4ml.internal.mlflow.MlflowTracking.LoggedModelRef;
import org.prov4ml.internal.mlflow.MlflowTracking.RunRef;
import org.prov4ml.internal.mlflow.UploadCursor.CheckpointModel;
import org.prov4ml.rundir.Artifact;
import org.prov4ml.rundir.InputModel;
import org.prov4ml.rundir.ModelVersion;
import org.prov4ml.rundir.RankRecord;

/**
 * The models a run started from, as model inputs of its MLflow run ({@code runs/log-inputs} with
 * {@code models[]}, MLflow 3): a file the run loaded ({@code provml:InputModel}) that is a checkpoint prov4ml
 * recorded as a LoggedModel on the same server. MLflow then shows a fine-tuned run's base model.
 *
 * <p>Found two ways, the first that answers: the run index of the run's output directory names the run that
 * saved the file (checked against that run's document), whose upload cursor names the checkpoint's LoggedModel,
 * in whatever experiment that run went to; else a search of the run's own experiment for a LoggedModel tagged
 * with the file's SHA-256. Both the index and the other run's cursor are untrusted, so a LoggedModel is used
 * only once the server confirms it exists with that SHA-256 tag: that is also what makes it "the same server".
 * A LoggedModel this run made itself is never an input (a resumed run's own earlier checkpoint is its own
 * version, not an input).
 *
 * <p>MLflow 3.17.2 stores a model input once per run and model (a {@code merge} on the inputs table's key), so
 * sending one again changes nothing, and the cursor keeps what was sent (and, after the last pass, what was
 * found to have no LoggedModel), so a second {@code sync} sends nothing.
 */
final class ModelInputs {

  /** Kept in the cursor for an input model that has no LoggedModel on the server, once the record is final. */
  static final String NONE = "";

  private final RunUpload upload;
  /** Input models looked for in this process and not found: looked for again only on the last pass. */
  private final Set<String> notFound = new HashSet<>();
  private RunIndex index;

  ModelInputs(RunUpload upload) {
    this.upload = upload;
  }

  /**
   * Sends the model inputs the server does not have from this upload yet. Call only when the server has
   * LoggedModels, after this run's own are created (so they are known and never taken for inputs).
   *
   * @param finalPass whether the record is final: an input model with no LoggedModel is then settled for good
   */
  void upload(RunRef run, boolean finalPass) throws IOException, InterruptedException {
    UploadCursor cursor = upload.cursor();
    Map<String, String> found = new LinkedHashMap<>();
    boolean indexRefreshed = false;
    for (InputModel input : upload.record().inputModels()) {
      String sha = input.sha256().orElse(null);
      if (input.noFile() || !IndexEntry.isSha256(sha) || cursor.modelInputs.containsKey(input.id())
          || notFound.contains(input.id()) && !finalPass) {
        continue;
      }
      if (!indexRefreshed) {
        refreshIndex();
        indexRefreshed = true;
      }
      String modelId = fromIndex(run, sha).orElse(null);
      if (modelId == null) {
        modelId = bySearch(run, sha);
      }
      if (modelId != null) {
        found.put(input.id(), modelId);
      } else if (finalPass) {
        cursor.modelInputs.put(input.id(), NONE);
        cursor.save();
      } else {
        notFound.add(input.id());
      }
    }
    if (found.isEmpty()) {
      return;
    }
    try {
      upload.tracking().logModelInputs(run.runId(), List.copyOf(new LinkedHashSet<>(found.values())));
    } catch (MlflowRejectedException e) {
      upload.rejectOrRethrow("model inputs " + String.join(", ", found.values()), e);
      found.replaceAll((input, model) -> NONE); // the server's final word: not sent again
    }
    cursor.modelInputs.putAll(found);
    cursor.save();
  }

  private void refreshIndex() {
    try {
      if (index == null) {
        index = RunIndex.of(upload.runDir().getParent());
      }
      index.forgetDocuments(); // other runs went on writing since the last look
      index.refresh();
    } catch (IOException | RuntimeException unreadable) {
      index = null; // the tag search still answers
    }
  }

  /**
   * The LoggedModel of the checkpoint another run of this output directory saved with this content, as that
   * run's upload cursor names it and the server confirms.
   */
  private Optional<String> fromIndex(RunRef run, String sha) throws IOException, InterruptedException {
    if (index == null) {
      return Optional.empty();
    }
    String ownName = upload.runDir().getFileName().toString();
    for (RunIndex.Located located : List.copyOf(index.lookup(sha))) {
      IndexEntry entry = located.entry();
      if (!entry.made() || !IndexEntry.MODEL_VERSION.equals(entry.kind())
          || located.shard().runDirName().equals(ownName)) {
        continue;
      }
      Optional<RunIndex.Verified> verified = index.verify(located);
      if (verified.isEmpty()) {
        continue;
      }
      String modelId = loggedModelOf(verified.get());
      if (modelId != null && confirmed(run, modelId, sha)) {
        return Optional.of(modelId);
      }
    }
    return Optional.empty();
  }

  /** The LoggedModel the producing rank's cursor recorded for the version, or null. */
  private static String loggedModelOf(RunIndex.Verified v) {
    RankRecord rank = v.rank();
    for (ModelVersion version : rank.modelVersions()) {
      if (!version.id().equals(v.entry().entity())) {
        continue;
      }
      Artifact artifact = LoggedModelUpload.artifactOf(rank, version);
      if (artifact == null) {
        return null;
      }
      try {
        UploadCursor cursor = UploadCursor.peek(v.runDir(), rank.rank());
        CheckpointModel c = cursor == null ? null : cursor.loggedModels.get(artifact.path());
        return c == null || c.modelId == null || c.modelId.isBlank() ? null : c.modelId;
      } catch (IOException | RuntimeException unreadable) { // a damaged cursor is a RunDirectoryException
        return null;
      }
    }
    return null;
  }

  /** Whether the server has LoggedModel {@code modelId} with this SHA-256, made by another run than this one. */
  private boolean confirmed(RunRef run, String modelId, String sha) throws IOException, InterruptedException {
    if (ownModels().contains(modelId)) {
      return false;
    }
    try {
      Optional<LoggedModelRef> model = upload.tracking().loggedModel(modelId);
      return model.isPresent() && sha.equals(model.get().tags().get(ModelRegistration.SHA256_TAG))
          && !run.runId().equals(model.get().sourceRunId());
    } catch (MlflowRejectedException e) {
      if (e.isInvalidValue()) {
        return false; // a crafted id the server will not even look up
      }
      throw e;
    }
  }

  /** The oldest LoggedModel of the run's experiment tagged with the content's SHA-256 that another run made. */
  private String bySearch(RunRef run, String sha) throws IOException, InterruptedException {
    Set<String> own = ownModels();
    for (LoggedModelRef m : upload.tracking().loggedModelsTagged(run.experimentId(), ModelRegistration.SHA256_TAG,
        sha)) {
      if (!own.contains(m.modelId()) && !run.runId().equals(m.sourceRunId())) {
        return m.modelId();
      }
    }
    return null;
  }

  private Set<String> ownModels() {
    Set<String> own = new HashSet<>();
    upload.cursor().loggedModels.values().forEach(c -> own.add(c.modelId));
    return own;
  }
}
