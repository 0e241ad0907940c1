package org.prov4ml.internal.mlflow;

import static org.prov4ml.internal.format.ProvVocabulary.MLFLOW_EXPERIMENT_ID;
import static org.prov4ml.internal.format.ProvVocabulary.MLFLOW_RUN_ID;
import static org.prov4ml.internal.format.ProvVocabulary.MLFLOW_RUN_URL;
import static org.prov4ml.internal.format.ProvVocabulary.MLFLOW_TRACKING_URI;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.prov4ml.Context;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.mlflow.MlflowTracking.RunRef;
import org.prov4ml.internal.pipeline.Barrier;
import org.prov4ml.internal.pipeline.FailureCounts;
import org.prov4ml.internal.pipeline.Replica;
import org.prov4ml.internal.pipeline.RunInfo;
import org.prov4ml.internal.pipeline.RunOutcome;
import org.tinylog.Logger;

/**
 * MLflow as a replica of the run directory: a daemon thread that follows the directory's durable
 * progress and uploads what the directory holds, as Elastic APM's reporter follows its ring. It gets no
 * events: the drainer only tells it how far the directory is durable (a ring sequence, after the
 * writer's flush), and it reads the directory itself, so a server that is away costs disk, never memory
 * or the ring. When the server is away it retries with capped exponential backoff and jitter.
 *
 * <p>It knows what the server has: after each successful pass, everything the directory held when it
 * was durable through the sequence read at the pass's start. A flush waits on a barrier this thread
 * releases once that sequence reaches the barrier's own. The training never waits otherwise.
 *
 * <p>The MLflow run's ids reach the PROV document the way every record does, as an event for the
 * directory's writer; once the run has ended they are only in the uploader's cursor.
 */
final class MlflowUploader implements Replica {

  private static final long IDLE_POLL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private record Waiting(Barrier barrier, long sequence) {}

  private final RunInfo runInfo;
  private final RunUpload upload;
  private final FailureCounts failures;
  private final Backoff backoff;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Waiting> barriers = new ConcurrentLinkedQueue<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  /** The run's start line until it is logged, completed with the first upload's outcome. */
  private final AtomicReference<String> startLine;
  private Predicate<Map<String, String>> recordRunAttributes = attributes -> false;
  /** The ring sequence through which the directory is durable; written by the drainer. */
  private volatile long durable = -1;
  /** The ring sequence through which the server has everything; written by this thread. */
  private volatile long acknowledged = -1;
  private volatile boolean wakeRequested;
  private volatile String endStatus;
  private volatile boolean abandoned;
  private boolean inOutage;
  private boolean idsRecorded;
  private String endSummary;

  MlflowUploader(RunInfo runInfo, RunUpload upload, FailureCounts failures) {
    this.runInfo = runInfo;
    this.upload = upload;
    this.startLine = new AtomicReference<>(runInfo.startLine());
    this.failures = failures;
    this.backoff = new Backoff(upload.settings().maxRetryBackoff());
    this.thread = new Thread(this::loop, "prov4ml-mlflow-" + runInfo.runName());
    thread.setDaemon(true); // never keeps the application alive; the run's end waits for it explicitly
  }

  /**
   * The MLflow replica of a run when a tracking URI is configured; empty (with one warning when the URI
   * is unusable) otherwise, so a bad MLflow setting never stops the run.
   */
  static Optional<Replica> create(RunInfo run, Prov4mlConfig config, Map<String, String> env,
      FailureCounts failures) {
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
    return Optional.of(new MlflowUploader(run, new RunUpload(run.layout().runDir(), run.rank(), settings),
        failures));
  }

  @Override
  public String name() {
    return "mlflow";
  }

  @Override
  public void seriesAdded(String key, Context context, Path file) {
    upload.seriesAdded(key, context, file);
  }

  /** The job's MLflow parent run gets the job's params, document and end; a failure says how to finish it. */
  @Override
  public void jobMerged() {
    Path runDir = runInfo.layout().runDir();
    try {
      String parent = MlflowReplica.completeJob(runDir, upload.settings(), upload.settings().flushTimeout());
      if (parent != null) {
        Logger.info("prov4ml: job {} is MLflow run {}, its ranks' runs nested under it",
            runInfo.layout().jobActivityId(), parent);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      Logger.warn("prov4ml: the job's MLflow parent run is not complete ({}); it is safe in the run directory; to "
          + "finish it run: {}", e.getMessage(), MlflowReplica.syncCommand(runDir.toString()));
    }
  }

  /** The uploader logs it once the server answered, with the MLflow run's page. */
  @Override
  public boolean completesStartLine() {
    return true;
  }

  @Override
  public void start(Predicate<Map<String, String>> recordRunAttributes) {
    this.recordRunAttributes = recordRunAttributes;
    thread.start();
  }

  /**
   * Cheap: called after every drained batch. A full request's worth of new events cuts the upload
   * interval short: sending it now costs the server no more than later, and leaves less for the run's
   * end to wait for.
   */
  @Override
  public void durableThrough(long sequence) {
    if (sequence <= durable) {
      return;
    }
    durable = sequence;
    if (!wakeRequested || sequence - acknowledged >= LogBatchRequest.MAX_METRICS) {
      wakeRequested = true;
      LockSupport.unpark(thread);
    }
  }

  @Override
  public void arriveWhenAcknowledged(Barrier barrier, long sequence) {
    barriers.add(new Waiting(barrier, sequence));
    LockSupport.unpark(thread);
  }

  /**
   * Makes the final pass (see {@link RunUpload#finish}) and waits for it up to
   * {@code prov4ml.mlflow.flush-timeout}; what is left is reported in one line with the command that
   * finishes it.
   */
  @Override
  public void close(RunOutcome outcome) throws IOException {
    Duration timeout = upload.settings().flushTimeout();
    boolean done = finish(outcome.status().name(), timeout);
    UploadBacklog left = UploadBacklog.of(upload.runDir(), upload.rank(), upload.settings().registerModels());
    RunRef run = upload.run();
    MlflowSettings settings = upload.settings();
    if (done && left.isEmpty()) {
      endSummary = "all uploaded to MLflow run " + settings.runUrl(run)
          + (left.refused() > 0 ? " (" + left.refused() + " refused by the server, see above)" : "");
    } else {
      endSummary = "not yet uploaded to MLflow: " + left.describe();
      Logger.warn("prov4ml: MLflow at {} has not acknowledged {} of run {} within {} s; it is safe in the run "
          + "directory; to finish the upload run: {}", settings.trackingUri(), left.describe(), runInfo.runName(),
          timeout.toSeconds(), MlflowReplica.syncCommand(upload.runDir().toString()));
    }
  }

  @Override
  public String endSummary() {
    return endSummary;
  }

  /** The MLflow run, once known. */
  RunRef run() {
    return upload.run();
  }

  /** @return whether the server acknowledged everything within {@code timeout} */
  private boolean finish(String status, Duration timeout) {
    endStatus = status;
    LockSupport.unpark(thread);
    boolean done = false;
    try {
      done = finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (!done) {
        abandoned = true;
        thread.interrupt();
        thread.join(2000);
      }
    } catch (InterruptedException e) {
      abandoned = true;
      thread.interrupt();
      Thread.currentThread().interrupt();
    }
    release(Long.MAX_VALUE); // nobody may hang on a barrier of an ended run
    logStartLine("not reached before the run ended");
    return done;
  }

  private void loop() {
    long delayNanos = 0;
    long lastPassNanos = System.nanoTime() - upload.settings().uploadInterval().toNanos();
    boolean retry = false;
    while (!abandoned) {
      if (delayNanos > 0) {
        sleepIgnoringWakes(delayNanos);
      } else {
        waitForWork(lastPassNanos, retry);
      }
      if (abandoned) {
        return;
      }
      lastPassNanos = System.nanoTime();
      wakeRequested = false;
      String end = endStatus;
      long target = durable; // read before the pass reads the directory: the pass covers at least this much
      try {
        if (end == null) {
          upload.allowHolding(barriers.isEmpty());
          upload.pass();
        } else {
          upload.finish(end);
        }
        acknowledged = target;
        logStartLine(null);
        recordIds(end != null);
        recovered();
        backoff.reset();
        delayNanos = 0;
        retry = false;
        release(target);
        if (end != null) {
          finished.countDown();
          return;
        }
      } catch (InterruptedException e) {
        return;
      } catch (MlflowUnavailableException e) {
        unavailable(e);
        delayNanos = backoff.nextNanos(e.retryAfter());
        retry = true;
      } catch (Throwable e) { // this thread must outlive any failure: the run's end waits for it
        logStartLine("upload failed (" + e + "), retrying");
        failures.record("mlflow upload", e);
        delayNanos = backoff.nextNanos(null);
        retry = true;
      }
    }
  }

  /**
   * The MLflow run's ids, page included, for the PROV document: an event for the directory's writer,
   * once the run is bound. Not once the run has ended: the writer has closed, and the cursor keeps them.
   */
  private void recordIds(boolean ending) {
    RunRef run = upload.run();
    if (idsRecorded || ending || run == null) {
      return;
    }
    Map<String, String> ids = new LinkedHashMap<>();
    ids.put(MLFLOW_RUN_ID, run.runId());
    ids.put(MLFLOW_EXPERIMENT_ID, run.experimentId());
    ids.put(MLFLOW_TRACKING_URI, upload.settings().trackingUri().toString());
    ids.put(MLFLOW_RUN_URL, upload.settings().runUrl(run));
    idsRecorded = recordRunAttributes.test(ids); // the ring was full: the next pass tries again
  }

  private void unavailable(MlflowUnavailableException e) {
    if (!inOutage) {
      inOutage = true;
      if (logStartLine("unavailable (" + e.getMessage() + "); the run is uploaded when it is back")) {
        return;
      }
      Logger.warn("prov4ml: MLflow is unavailable ({}); the run goes on in {} and is uploaded when the server "
          + "is back (retrying with backoff up to {} s)", e.getMessage(), upload.runDir(),
          upload.settings().maxRetryBackoff().toSeconds());
    }
  }

  /**
   * Logs the run's start line, once: with the MLflow run's page when the server has answered, else
   * (as a warning) with {@code trouble}.
   *
   * @return whether this call logged it
   */
  private boolean logStartLine(String trouble) {
    String line = startLine.getAndSet(null);
    if (line == null) {
      return false;
    }
    RunRef run = upload.run();
    String mlflow = run != null ? ", MLflow run " + upload.settings().runUrl(run)
        : ", MLflow at " + upload.settings().trackingUri();
    if (trouble == null) {
      MlflowCredentials credentials = upload.settings().credentials();
      Logger.info("{}{}{}", line, mlflow, credentials.present() ? " (" + credentials + ")" : "");
    } else {
      Logger.warn("{}{}: {}", line, mlflow, trouble);
    }
    return true;
  }

  private void recovered() {
    if (inOutage) {
      inOutage = false;
      Logger.info("prov4ml: MLflow at {} is reachable again; the run is caught up", upload.tracking().http().server());
    }
  }

  /**
   * Waits for something to send. Points that trickle in are gathered for {@code upload-interval}
   * first: a pass per drained batch would send MLflow a request per training step, and each request
   * costs the server (a Python process, often on the training's own machine) far more CPU than the
   * step costs us. A full request's worth of new events, a waiting flush or the run's end cuts the wait
   * short: points that pile up behind the interval are what the run's end then waits for (measured
   * with the demo: a last pass of ~0.7 s, ~3,500 points, after the training was done). With nothing
   * new in the directory there is no pass at all; a document replaced with no event after its records
   * (the writer coalesces rewrites) is new, found within a poll.
   */
  private void waitForWork(long lastPassNanos, boolean retry) {
    long due = lastPassNanos + upload.settings().uploadInterval().toNanos();
    long left;
    while (!urgent() && (left = due - System.nanoTime()) > 0) {
      LockSupport.parkNanos(this, left);
    }
    while (!urgent() && !retry && durable <= acknowledged && !upload.documentReplaced()) {
      LockSupport.parkNanos(this, IDLE_POLL_NANOS);
    }
  }

  private boolean urgent() {
    return abandoned || endStatus != null || !barriers.isEmpty() || durable - acknowledged >= LogBatchRequest.MAX_METRICS
        || Thread.currentThread().isInterrupted();
  }

  /** A backoff wait: the drainer's wake-ups must not turn it into a busy retry loop. */
  private void sleepIgnoringWakes(long nanos) {
    long deadline = System.nanoTime() + nanos;
    long left;
    while (!abandoned && (left = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(this, left);
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
    }
  }

  /** Releases the barriers the server has acknowledged: those through {@code sequence}. */
  private void release(long sequence) {
    List<Waiting> kept = new ArrayList<>();
    for (Waiting w; (w = barriers.poll()) != null; ) {
      if (w.sequence() <= sequence) {
        w.barrier().arrive(this);
      } else {
        kept.add(w);
      }
    }
    barriers.addAll(kept);
  }
}
