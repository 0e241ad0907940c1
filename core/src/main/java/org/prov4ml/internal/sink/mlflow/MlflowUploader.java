package org.prov4ml.internal.sink.mlflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.prov4ml.internal.pipeline.Barrier;
import org.prov4ml.internal.pipeline.FailureCounts;
import org.prov4ml.internal.pipeline.Sink;
import org.prov4ml.internal.sink.mlflow.MlflowTracking.RunRef;
import org.tinylog.Logger;

/**
 * The daemon thread that follows a live run directory and uploads it: woken by the sink whenever
 * the drainer wrote something, it makes an upload pass; when the server is away it retries with
 * capped exponential backoff and jitter, and the backlog waits on disk. The training threads never
 * wait for it, except a flush, which waits on a barrier this thread releases once the server has
 * acknowledged everything written before it.
 */
final class MlflowUploader {

  private static final long IDLE_POLL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private record Waiting(Barrier barrier, Sink sink) {}

  private final RunUpload upload;
  private final FailureCounts failures;
  private final Backoff backoff;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Waiting> barriers = new ConcurrentLinkedQueue<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  /** The run's start line until it is logged, completed with the first upload's outcome. */
  private final AtomicReference<String> startLine;
  private volatile boolean wakeRequested;
  private volatile boolean fullBatchWaiting;
  private volatile String endStatus;
  private volatile boolean abandoned;
  private boolean inOutage;

  MlflowUploader(RunUpload upload, FailureCounts failures, String runName, String startLine) {
    this.upload = upload;
    this.startLine = new AtomicReference<>(startLine);
    this.failures = failures;
    this.backoff = new Backoff(upload.settings().maxRetryBackoff());
    this.thread = new Thread(this::loop, "prov4ml-mlflow-" + runName);
    thread.setDaemon(true); // never keeps the application alive; the run's end waits for it explicitly
  }

  void start() {
    thread.start();
  }

  /** Something new is in the run directory. Cheap: called at the end of every drained batch. */
  void wake() {
    if (!wakeRequested) {
      wakeRequested = true;
      LockSupport.unpark(thread);
    }
  }

  /**
   * A full {@code log-batch} request's worth of points is waiting: sending it now costs the server
   * no more than later, and leaves less for the run's end to wait for.
   */
  void fullBatchWaiting() {
    fullBatchWaiting = true;
    LockSupport.unpark(thread);
  }

  /** Releases {@code barrier} for {@code sink} once the server has everything written so far. */
  void arriveWhenAcknowledged(Barrier barrier, Sink sink) {
    barriers.add(new Waiting(barrier, sink));
    wake();
  }

  /** The MLflow run, once known. */
  RunRef run() {
    return upload.run();
  }

  /**
   * Makes the final pass (see {@link RunUpload#finish}) and waits for it up to {@code timeout}.
   *
   * @return whether the server acknowledged everything
   */
  boolean finish(String status, Duration timeout) {
    endStatus = status;
    wake();
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
    releaseBarriers(drainBarriers()); // nobody may hang on a barrier of an ended run
    logStartLine("not reached before the run ended");
    return done;
  }

  private void loop() {
    long delayNanos = 0;
    long lastPassNanos = System.nanoTime() - upload.settings().uploadInterval().toNanos();
    while (!abandoned) {
      if (delayNanos > 0) {
        sleepIgnoringWakes(delayNanos);
      } else {
        waitForWork(lastPassNanos);
      }
      if (abandoned) {
        return;
      }
      lastPassNanos = System.nanoTime();
      wakeRequested = false;
      fullBatchWaiting = false;
      String end = endStatus;
      List<Waiting> covered = drainBarriers();
      try {
        if (end == null) {
          upload.pass();
        } else {
          upload.finish(end);
        }
        logStartLine(null);
        recovered();
        backoff.reset();
        delayNanos = 0;
        releaseBarriers(covered);
        if (end != null) {
          finished.countDown();
          return;
        }
      } catch (InterruptedException e) {
        return;
      } catch (MlflowUnavailableException e) {
        barriers.addAll(covered);
        unavailable(e);
        delayNanos = backoff.nextNanos(e.retryAfter());
      } catch (Throwable e) { // this thread must outlive any failure: the run's end waits for it
        barriers.addAll(covered);
        logStartLine("upload failed (" + e + "), retrying");
        failures.record("sink mlflow upload", e);
        delayNanos = backoff.nextNanos(null);
      }
    }
  }

  private void unavailable(MlflowUnavailableException e) {
    if (!inOutage) {
      inOutage = true;
      if (logStartLine("unavailable (" + e.getMessage() + "); the run is uploaded when it is back")) {
        return;
      }
      Logger.warn("prov4ml: MLflow is unavailable ({}); the run goes on in {} and is uploaded when the server "
          + "is back (retrying with backoff up to {} s)", e.getMessage(), upload.layout().runDir(),
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
   * step costs us. A full request's worth of points, a waiting flush or the run's end cuts the wait
   * short: points that pile up behind the interval are what the run's end then waits for (measured
   * with the demo: a last pass of ~0.7 s, ~3,500 points, after the training was done).
   */
  private void waitForWork(long lastPassNanos) {
    long due = lastPassNanos + upload.settings().uploadInterval().toNanos();
    long left;
    while (!urgent() && (left = due - System.nanoTime()) > 0) {
      LockSupport.parkNanos(this, left);
    }
    if (!urgent() && !wakeRequested) {
      LockSupport.parkNanos(this, IDLE_POLL_NANOS);
    }
  }

  private boolean urgent() {
    return abandoned || endStatus != null || fullBatchWaiting || !barriers.isEmpty()
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

  private List<Waiting> drainBarriers() {
    List<Waiting> drained = new ArrayList<>();
    for (Waiting w; (w = barriers.poll()) != null; ) {
      drained.add(w);
    }
    return drained;
  }

  private static void releaseBarriers(List<Waiting> waiting) {
    waiting.forEach(w -> w.barrier().arrive(w.sink()));
  }
}
