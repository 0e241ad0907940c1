package org.prov4ml.internal.mlflow;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.format.RunLayout;
import org.prov4ml.internal.merge.JobDocumentWriter;
import org.prov4ml.internal.pipeline.FailureCounts;
import org.prov4ml.internal.pipeline.Replica;
import org.prov4ml.internal.pipeline.RunInfo;
import org.prov4ml.rundir.PrintableText;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunDirectory;
import org.tinylog.Logger;

/**
 * The one way into the MLflow replica: {@link #live} follows a run as it is recorded ({@link MlflowUploader}),
 * {@link #sync} uploads a run directory afterwards, and the rest answers what an earlier upload recorded.
 * {@link MlflowSettings}, {@link Result} and {@link UploadBacklog} are its values; every other class of the
 * package is its own.
 *
 * <p>{@code sync} uploads a run directory that was recorded offline or whose upload was cut short,
 * from where the server stopped acknowledging. Each rank is its own MLflow run, as it is when the run
 * is live; each gets the same {@link RunUpload} as a live run, making its final pass until it
 * succeeds or {@code timeout} passes. A second sync finds nothing to send.
 *
 * <p>The run directory is only read: the MLflow run's ids go to the uploader's own
 * {@code mlflow_GR<rank>.json}. The PROV document has one writer, the run's, and a run that ended has
 * none (docs/design.md).
 */
public final class MlflowReplica {

  private MlflowReplica() {}

  /**
   * The MLflow replica of a run when a tracking URI is configured; empty (with one warning when the URI is
   * unusable) otherwise, so a bad MLflow setting never stops the run.
   */
  public static Optional<Replica> live(RunInfo run, Prov4mlConfig config, Map<String, String> env,
      FailureCounts failures) {
    return MlflowUploader.create(run, config, env, failures);
  }

  /**
   * What a sync achieved.
   *
   * @param runIds the MLflow run of each rank, in rank order ({@code null} for a rank that got none)
   */
  public record Result(boolean complete, UploadBacklog left, List<String> runIds, String lastError) {

    /** The MLflow run ids, comma-separated. */
    public String runId() {
      return String.join(", ", runIds.stream().map(String::valueOf).toList());
    }
  }

  /** Runs the final upload pass of every rank of {@code runDir}, retrying transient failures until {@code timeout}. */
  public static Result sync(Path runDir, MlflowSettings settings, Duration timeout)
      throws IOException, InterruptedException {
    RunDirectory dir = RunDirectory.open(runDir);
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean complete = true;
    UploadBacklog left = UploadBacklog.NONE;
    List<String> runIds = new ArrayList<>();
    String lastError = null;
    for (RankRecord rank : dir.ranks()) {
      RunUpload upload = new RunUpload(dir.path(), rank.rank(), settings);
      String error = finish(upload, settings, deadline);
      complete &= error == null;
      lastError = error != null ? error : lastError;
      left = left.plus(UploadBacklog.of(dir.path(), rank.rank(), settings.registerModels()));
      runIds.add(upload.run() == null ? null : upload.run().runId());
    }
    return new Result(complete, left, runIds, lastError);
  }

  /**
   * Gives the job's MLflow parent run what is the job's, from the job's merged document in
   * {@code runDir}: the params every rank shares, the document, the job's end. Rank 0 does it after
   * its merge; {@code sync} after the ranks, so a later {@code merge} reaches MLflow too. Transient
   * failures are retried until {@code timeout}.
   *
   * @return the parent run's id, or null when {@code runDir} holds no job document (not a job, or not merged)
   * @throws IOException when no rank of the job was uploaded (its experiment is unknown), or the server
   *     refused or stayed away; the message says which
   */
  public static String completeJob(Path runDir, MlflowSettings settings, Duration timeout)
      throws IOException, InterruptedException {
    RunDirectory dir = RunDirectory.open(runDir);
    RankRecord primary = dir.primary();
    RunLayout layout = new RunLayout(dir.path(), primary.run().experiment(), primary.run().runId(), primary.rank());
    if (primary.run().worldSize() < 2 || !java.nio.file.Files.exists(layout.jobProvFile())) {
      return null;
    }
    JobDocumentWriter.Result job = JobDocumentWriter.read(layout);
    String experimentId = null;
    for (RankRecord rank : dir.ranks()) {
      UploadCursor cursor = UploadCursor.peek(dir.path(), rank.rank());
      if (cursor != null && cursor.experimentId != null) {
        experimentId = cursor.experimentId;
        break;
      }
    }
    if (experimentId == null) {
      throw new IOException("no rank of " + dir.path() + " was uploaded to MLflow yet; sync it first");
    }
    MlflowTracking tracking = new MlflowTracking(new MlflowHttp(settings));
    long deadline = System.nanoTime() + timeout.toNanos();
    Backoff backoff = new Backoff(settings.maxRetryBackoff());
    String experiment = experimentId;
    String missing = String.join(",", job.missing().keySet().stream().map(String::valueOf).toList());
    long end = job.end() != null ? job.end().toInstant().toEpochMilli() : System.currentTimeMillis();
    try {
      return backoff.retryUntil(deadline, () -> JobParentRun.complete(tracking, experiment, primary.run(),
          job.sharedParams(), job.file(), job.status(), missing, end).runId(), (why, millis) -> { });
    } catch (MlflowUnavailableException e) {
      throw new IOException("MLflow at " + settings.trackingUri() + " did not take the job's parent run: "
          + e.getMessage(), e);
    } catch (MlflowRejectedException e) {
      throw new IOException("MLflow at " + settings.trackingUri() + " refused the job's parent run: "
          + e.getMessage(), e);
    }
  }

  /** The final pass of one rank; null when it succeeded, else the last error. */
  private static String finish(RunUpload upload, MlflowSettings settings, long deadline)
      throws IOException, InterruptedException {
    try {
      new Backoff(settings.maxRetryBackoff()).retryUntil(deadline, () -> {
        upload.finish(null);
        return null;
      }, (why, millis) -> Logger.info("prov4ml sync: {}; retrying in {} ms", PrintableText.of(why), millis));
      return null;
    } catch (MlflowUnavailableException | MlflowRejectedException e) {
      return e.getMessage();
    }
  }

  /** The tracking URI an earlier upload of {@code runDir} used, or null. */
  public static String recordedTrackingUri(Path runDir) throws IOException {
    RunDirectory dir = RunDirectory.open(runDir);
    for (RankRecord rank : dir.ranks()) {
      UploadCursor cursor = UploadCursor.peek(dir.path(), rank.rank());
      if (cursor != null && cursor.trackingUri != null) {
        return cursor.trackingUri;
      }
    }
    return null;
  }

  /**
   * The MLflow UI's page of the run an earlier upload of {@code runDir}'s rank {@code rank} created or joined,
   * or null when it has none (never uploaded, or not bound to a server run yet). Its URI holds no user-info.
   */
  public static String recordedRunPage(RunLayout layout) throws IOException {
    UploadCursor cursor = UploadCursor.peek(layout.runDir(), layout.rank());
    if (cursor == null || cursor.runId == null || cursor.experimentId == null || cursor.trackingUri == null) {
      return null;
    }
    return runPage(cursor.trackingUri.replaceAll("//[^/@]*@", "//"), cursor.experimentId, cursor.runId);
  }

  /**
   * The MLflow UI's page of run {@code runId} of experiment {@code experimentId} on {@code server}, the one form
   * prov4ml prints, records and links. It opens the run in 3.x's "Model training" views: 3.x's side bar shows
   * the GenAI or the model-training views by a choice kept in the browser (GenAI by default), not by the
   * experiment's kind, and only this query overrides it. 2.x's UI ignores the query.
   */
  public static String runPage(String server, String experimentId, String runId) {
    return (server.endsWith("/") ? server : server + "/") + "#/experiments/" + experimentId + "/runs/" + runId
        + "?workflowType=machine_learning";
  }

  /** The command that finishes an upload, as the end-of-run line and {@code sync} print it. */
  public static String syncCommand(String runDir) {
    return "java -jar prov4ml.jar sync " + (runDir.contains(" ") ? "'" + runDir + "'" : runDir);
  }
}
