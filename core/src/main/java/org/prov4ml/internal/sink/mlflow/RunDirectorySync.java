package org.prov4ml.internal.sink.mlflow;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.prov4ml.internal.sink.local.RunLayout;
import org.tinylog.Logger;

/**
 * {@code sync}: uploads a run directory that was recorded offline or whose upload was cut short,
 * from where the server stopped acknowledging. The same {@link RunUpload} as a live run, making its
 * final pass until it succeeds or {@code timeout} passes; a second sync finds nothing to send.
 */
public final class RunDirectorySync {

  private RunDirectorySync() {}

  /** What a sync achieved. */
  public record Result(boolean complete, UploadBacklog left, String runId, String lastError) {}

  /** Runs the final upload pass of {@code runDir}, retrying transient failures until {@code timeout}. */
  public static Result sync(Path runDir, MlflowSettings settings, Duration timeout)
      throws IOException, InterruptedException {
    RunLayout layout = RunLayout.open(runDir);
    RunUpload upload = new RunUpload(layout, settings);
    Backoff backoff = new Backoff(settings.maxRetryBackoff());
    long deadline = System.nanoTime() + timeout.toNanos();
    String lastError = null;
    while (true) {
      try {
        upload.finish(null);
        return new Result(true, UploadBacklog.of(layout), upload.run().runId(), null);
      } catch (MlflowUnavailableException e) {
        lastError = e.getMessage();
        long wait = backoff.nextNanos(e.retryAfter());
        if (System.nanoTime() + wait > deadline) {
          return new Result(false, UploadBacklog.of(layout), runIdOf(upload), lastError);
        }
        Logger.info("prov4ml sync: {}; retrying in {} ms", lastError, wait / 1_000_000);
        Thread.sleep(wait / 1_000_000);
      } catch (MlflowRejectedException e) {
        return new Result(false, UploadBacklog.of(layout), runIdOf(upload), e.getMessage());
      }
    }
  }

  /** The tracking URI an earlier upload of {@code runDir} used, or null. */
  public static String recordedTrackingUri(Path runDir) throws IOException {
    UploadCursor cursor = UploadCursor.peek(RunLayout.open(runDir));
    return cursor == null ? null : cursor.trackingUri;
  }

  /**
   * The MLflow UI's page of the run an earlier upload of {@code runDir}'s rank {@code rank} created or joined,
   * or null when it has none (never uploaded, or not bound to a server run yet). Its URI holds no user-info.
   */
  public static String recordedRunPage(RunLayout layout) throws IOException {
    UploadCursor cursor = UploadCursor.peek(layout);
    if (cursor == null || cursor.runId == null || cursor.experimentId == null || cursor.trackingUri == null) {
      return null;
    }
    String server = cursor.trackingUri.replaceAll("//[^/@]*@", "//");
    return (server.endsWith("/") ? server : server + "/") + "#/experiments/" + cursor.experimentId + "/runs/"
        + cursor.runId;
  }

  private static String runIdOf(RunUpload upload) {
    return upload.run() == null ? null : upload.run().runId();
  }
}
