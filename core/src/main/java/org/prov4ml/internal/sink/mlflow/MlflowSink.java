package org.prov4ml.internal.sink.mlflow;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.pipeline.Barrier;
import org.prov4ml.internal.pipeline.Event;
import org.prov4ml.internal.pipeline.EventKind;
import org.prov4ml.internal.pipeline.FailureCounts;
import org.prov4ml.internal.pipeline.RunOutcome;
import org.prov4ml.internal.pipeline.Sink;
import org.prov4ml.internal.sink.RunInfo;
import org.prov4ml.internal.sink.local.RunDirectoryWriter;
import org.prov4ml.internal.sink.mlflow.MlflowTracking.RunRef;
import org.tinylog.Logger;

/**
 * The MLflow side of a run. It keeps nothing itself: the local run directory, written just before
 * by {@link RunDirectoryWriter}, is what the {@link MlflowUploader} sends, so this sink only wakes
 * the uploader, lets flushes wait for the server, and at the end gives the uploader
 * {@code prov4ml.mlflow.flush-timeout} to finish before reporting what is left in one line.
 *
 * <p>Must come after the run's {@link RunDirectoryWriter} in the sink list: a barrier reaches this
 * sink after the writer has flushed, so "the server has the files' current content" covers
 * everything before the barrier.
 */
public final class MlflowSink implements Sink {

  private final RunDirectoryWriter writer;
  private final MlflowUploader uploader;
  private final MlflowSettings settings;
  private boolean idsRecorded;
  /** Metric points written since the uploader was last told a full request was waiting. */
  private int pointsSinceFullBatch;
  private String endSummary;

  private MlflowSink(RunDirectoryWriter writer, MlflowUploader uploader, MlflowSettings settings) {
    this.writer = writer;
    this.uploader = uploader;
    this.settings = settings;
  }

  /**
   * The MLflow sink of a run when a tracking URI is configured; empty (with one warning when the URI
   * is unusable) otherwise, so a bad MLflow setting never stops the run.
   */
  public static Optional<Sink> create(RunInfo run, RunDirectoryWriter writer, Prov4mlConfig config,
      Map<String, String> env, FailureCounts failures) {
    String uri = config.get(ConfigKeys.MLFLOW_TRACKING_URI);
    if (uri == null || uri.isBlank()) {
      return Optional.empty();
    }
    MlflowSettings settings;
    try {
      settings = MlflowSettings.from(config, env, null);
    } catch (IllegalArgumentException e) {
      Logger.warn("prov4ml: {}; the run is recorded locally only", e.getMessage());
      return Optional.empty();
    }
    MlflowUploader uploader = new MlflowUploader(new RunUpload(run.layout(), settings), failures, run.runName(),
        run.startLine());
    uploader.start();
    return Optional.of(new MlflowSink(writer, uploader, settings));
  }

  @Override
  public String name() {
    return "mlflow";
  }

  /** The uploader logs it once the server answered, with the MLflow run's page. */
  @Override
  public boolean completesStartLine() {
    return true;
  }

  @Override
  public void accept(Event event) {
    // Nothing to copy: the writer has put the event in the run directory, where the uploader reads it.
    if (event.kind() == EventKind.METRIC) {
      pointsSinceFullBatch++;
    }
  }

  @Override
  public void endOfBatch() {
    recordIds();
    if (pointsSinceFullBatch >= LogBatchRequest.MAX_METRICS) {
      pointsSinceFullBatch = 0;
      uploader.fullBatchWaiting();
    } else {
      uploader.wake();
    }
  }

  @Override
  public void awaitBarrier(Barrier barrier) {
    recordIds();
    uploader.arriveWhenAcknowledged(barrier, this);
  }

  @Override
  public void close(RunOutcome outcome) throws IOException {
    Duration timeout = settings.flushTimeout();
    boolean done = uploader.finish(outcome.status().name(), timeout);
    UploadBacklog left = UploadBacklog.of(writer.run().layout());
    RunRef run = uploader.run();
    if (done && left.isEmpty()) {
      endSummary = "all uploaded to MLflow run " + settings.runUrl(run)
          + (left.refused() > 0 ? " (" + left.refused() + " refused by the server, see above)" : "");
    } else {
      endSummary = "not yet uploaded to MLflow: " + left.describe();
      Logger.warn("prov4ml: MLflow at {} has not acknowledged {} of run {} within {} s; it is safe in the run "
          + "directory; to finish the upload run: {}", settings.trackingUri(), left.describe(),
          writer.run().runName(), timeout.toSeconds(), syncCommand(writer.run().layout().runDir().toString()));
    }
  }

  @Override
  public String endSummary() {
    return endSummary;
  }

  /** The command that finishes an upload, as the end-of-run line and {@code sync} print it. */
  public static String syncCommand(String runDir) {
    return "java -jar prov4ml.jar sync " + (runDir.contains(" ") ? "'" + runDir + "'" : runDir);
  }

  /** The run's MLflow ids in the PROV document: on the drainer thread, the writer's only thread. */
  private void recordIds() {
    if (idsRecorded) {
      return;
    }
    RunRef run = uploader.run();
    if (run != null) {
      idAttributes(run, settings.trackingUri().toString()).forEach(writer::runAttribute);
      idsRecorded = true;
    }
  }

  static Map<String, String> idAttributes(RunRef run, String server) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("yprov:mlflow_run_id", run.runId());
    attributes.put("yprov:mlflow_experiment_id", run.experimentId());
    attributes.put("yprov:mlflow_tracking_uri", server);
    return attributes;
  }
}
