package org.prov4ml.internal.mlflow;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.prov4ml.internal.format.AtomicFile;
import org.prov4ml.rundir.RunDirectoryException;
import org.prov4ml.rundir.RunFiles;

/**
 * How far the tracking server has acknowledged a run directory, persisted in the directory as
 * {@code mlflow_GR<rank>.json} after every acknowledged request, replaced atomically (write, then
 * rename), so a crash leaves the previous cursor or the next one. It is what makes an upload
 * resumable ({@code sync}) and idempotent (a second {@code sync} finds nothing to send). It is the
 * uploader's own file, and the one record of the MLflow run's ids that always exists (the PROV
 * document gets them too, through the writer, while the run is live: see docs/design.md).
 *
 * <p>Metric batches are the one non-idempotent request: MLflow appends every point it receives,
 * so a batch sent twice would show twice on stores that do not deduplicate. A batch is therefore
 * recorded as {@link #inFlight} before it is sent (written together with the acknowledgement of
 * the previous batch, one write per batch); when its outcome is unknown (a crash, a timeout) the
 * uploader finds out whether it arrived before sending anything again, from the run's latest value
 * of a key the batch moves forward, which MLflow updates in the batch's own transaction, or, for a
 * batch that moves none, from the points at one of its steps (see {@link MetricUpload}).
 *
 * <p>Only the uploader's thread (or {@code sync}'s) touches a cursor.
 */
final class UploadCursor {

  /** A metric point as MLflow orders it: by step, then timestamp, then value. */
  static final class Point {
    long step;
    long timestamp;
    double value;

    Point() {}

    Point(long step, long timestamp, double value) {
      this.step = step;
      this.timestamp = timestamp;
      this.value = value;
    }
  }

  /**
   * A metric batch that may have reached the server: the offsets it acknowledges, what it makes each
   * key's latest value, and a witness to ask the server about.
   */
  static final class InFlight {
    /**
     * The batch's newest point at its last point's key and step: looked up among the points the server
     * has at that step when the batch has no witness (see {@link MetricUpload}).
     */
    String key;
    long step;
    long timestamp;
    double value;
    /** A key whose latest value on the server the batch moves forward, or null when it moves none. */
    String witnessKey;
    /** The witness key's latest value once the batch is applied. */
    Point witness;
    Map<String, Long> offsets = new LinkedHashMap<>();
    /** Each key's latest value once the batch is applied. */
    Map<String, Point> latest = new LinkedHashMap<>();
  }

  private static final ObjectMapper JSON = new ObjectMapper()
      .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
      .setVisibility(PropertyAccessor.GETTER, JsonAutoDetect.Visibility.NONE)
      .setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** The server, never with credentials. */
  String trackingUri;
  /** Tags the MLflow run, so a run created just before a crash is found again instead of created twice. */
  String uploadId;
  String experimentId;
  String runId;
  String artifactUri;
  /** Per metric file (name in the metrics folder): bytes whose rows the server has acknowledged. */
  Map<String, Long> metricOffsets = new LinkedHashMap<>();
  /** Per MLflow metric key: the latest value on the server as far as this upload knows, in MLflow's order. */
  Map<String, Point> latestMetrics = new LinkedHashMap<>();
  InFlight inFlight;
  Set<String> params = new LinkedHashSet<>();
  Set<String> tags = new LinkedHashSet<>();
  /** What the server refused for good, e.g. {@code metric training/x} -> its message. Not retried. */
  Map<String, String> rejected = new LinkedHashMap<>();
  /** Artifact path -> the SHA-256 of the version uploaded. */
  Map<String, String> artifacts = new LinkedHashMap<>();
  /** Model version (its artifact path) -> {@code <registered model> v<version>} in the Model Registry. */
  Map<String, String> registeredVersions = new LinkedHashMap<>();
  /**
   * Data sets sent as inputs of the MLflow run ({@code <label>//<context>}) -> the digest sent, which every
   * point that names the data set carries.
   */
  Map<String, String> datasetInputs = new LinkedHashMap<>();
  /**
   * MLflow 3's LoggedModels, one per model version (its artifact path): what was created and done, so
   * that no {@code sync}, restart or resumed run creates one twice (see {@link LoggedModelUpload}).
   */
  Map<String, CheckpointModel> loggedModels = new LinkedHashMap<>();
  /**
   * Step -> the LoggedModel of the checkpoint saved at that step: the {@code model_id} the epoch's
   * metric points carry, the same in every pass and {@code sync}.
   */
  Map<Long, String> modelIdsByStep = new LinkedHashMap<>();
  /**
   * Input models the run started from (their entity id) -> the LoggedModel sent as a model input of the
   * MLflow run, or {@code ""} when the last pass found none (see {@link ModelInputs}).
   */
  Map<String, String> modelInputs = new LinkedHashMap<>();

  /** A model version's LoggedModel and how far it is done. */
  static final class CheckpointModel {
    String modelId;
    long step;
    String artifactLocation;
    /** READY or UPLOAD_FAILED once finalized. */
    String status;
    /** Whether {@code runs/outputs} has it: the server refuses a repeat. */
    boolean output;
  }

  /** Set when the run's artifact URI is not the server's proxy: artifacts stay local. */
  String artifactsNotUploadable;
  /** The status the run was terminated with on the server, once it was. */
  String terminated;
  /** The run's attempts when it was terminated: a relaunch that continued the run since sets it RUNNING again. */
  Integer terminatedAttempts;

  private transient Path file;
  /** Whether this process has checked that the bound run is this upload's ({@link RunBinder}); never saved. */
  transient boolean confirmed;

  /** The file this cursor is saved to. */
  Path file() {
    return file;
  }

  /** {@code mlflow_GR<rank>.json} in the run directory: each rank is its own MLflow run. */
  static Path fileOf(Path runDir, int rank) {
    return runDir.resolve("mlflow_GR" + rank + ".json");
  }

  /**
   * The cursor of {@code rank} in the run directory, or a fresh one for {@code trackingUri}. A cursor
   * of another URI is returned as it is: {@link RunBinder} decides whether that URI named the same
   * server.
   */
  static UploadCursor load(Path runDir, int rank, String trackingUri) throws IOException {
    UploadCursor cursor = peek(runDir, rank);
    if (cursor == null) {
      cursor = new UploadCursor();
      cursor.trackingUri = trackingUri;
    }
    cursor.file = fileOf(runDir, rank);
    return cursor;
  }

  /** Forgets an upload to another server: everything is sent again, to {@code trackingUri}. */
  void restartFor(String trackingUri) {
    UploadCursor fresh = new UploadCursor();
    this.trackingUri = trackingUri;
    uploadId = null;
    experimentId = null;
    runId = null;
    artifactUri = null;
    metricOffsets = fresh.metricOffsets;
    latestMetrics = fresh.latestMetrics;
    inFlight = null;
    params = fresh.params;
    tags = fresh.tags;
    rejected = fresh.rejected;
    artifacts = fresh.artifacts;
    registeredVersions = fresh.registeredVersions;
    datasetInputs = fresh.datasetInputs;
    loggedModels = fresh.loggedModels;
    modelIdsByStep = fresh.modelIdsByStep;
    modelInputs = fresh.modelInputs;
    artifactsNotUploadable = null;
    terminated = null;
    terminatedAttempts = null;
  }

  /** Reads a cursor for reporting, or null when the directory has none for {@code rank}. */
  static UploadCursor peek(Path runDir, int rank) throws IOException {
    Path file = fileOf(runDir, rank);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    // The cursor is the run directory's, untrusted: read only as a regular file inside it, never a FIFO.
    try (InputStream in = RunFiles.open(runDir, file)) {
      return JSON.readValue(in, UploadCursor.class);
    } catch (JsonProcessingException damaged) {
      throw new RunDirectoryException(file, "not an upload cursor: " + damaged.getOriginalMessage().lines()
          .findFirst().orElse(""), damaged);
    }
  }

  void save() throws IOException {
    AtomicFile.write(file, out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, this));
  }

  long offset(String metricFile) {
    return metricOffsets.getOrDefault(metricFile, 0L);
  }

  boolean isBound() {
    return runId != null;
  }
}
