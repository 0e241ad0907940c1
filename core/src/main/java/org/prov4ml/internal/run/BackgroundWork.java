package org.prov4ml.internal.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.prov4ml.internal.pipeline.FailureCounts;

/**
 * A run's work that must run neither on the application's threads nor on the drainer: hashing data
 * files, the application's code and the class path, asking git. One daemon thread, started with the
 * first task and stopped at the run's end, takes the tasks in order; each task reaches the run
 * directory the way everything else does, by publishing events, so the drainer only ever formats
 * what a task found.
 *
 * <p>A plain single-thread executor is enough: there are a handful of tasks per run, and a second
 * thread would only take a second core from the training on the small machines this runs on.
 */
public final class BackgroundWork {

  /** A task; {@code abandoned} records what is missing when the run ends before the task did. */
  public interface Task {
    void run() throws Exception;

    default void abandoned(String why) {}
  }

  /** A task and whether it is over (done, or failed on its own). */
  private record Submitted(String name, Task task, AtomicBoolean over) {}

  private final String runName;
  private final FailureCounts failures;
  private final List<Submitted> submitted = new ArrayList<>();
  private ExecutorService executor;
  private boolean finished;
  /** Set before the tasks still running are interrupted: their failure then is the interruption. */
  private volatile boolean abandoning;

  public BackgroundWork(String runName, FailureCounts failures) {
    this.runName = runName;
    this.failures = failures;
  }

  /**
   * Queues a task. A failure is counted under {@code name} and reported at the run's end; a task
   * submitted after the run's end is abandoned at once.
   */
  public synchronized void submit(String name, Task task) {
    if (finished) {
      task.abandoned("the run had ended");
      return;
    }
    if (executor == null) {
      executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> {
        Thread t = new Thread(runnable, "prov4ml-background-" + runName);
        t.setDaemon(true); // the application's exit never waits for it; the run's end does, bounded
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
      });
    }
    Submitted entry = new Submitted(name, task, new AtomicBoolean());
    try {
      executor.execute(() -> {
        try {
          task.run();
          entry.over().set(true);
        } catch (Throwable e) {
          if (!abandoning) {
            entry.over().set(true);
            failures.record(name, e);
          }
        }
      });
      submitted.add(entry);
    } catch (RejectedExecutionException e) {
      task.abandoned("the run had ended");
    }
  }

  /**
   * Waits up to {@code timeout} for the tasks queued so far (the executor takes them in order, so a marker
   * queued behind them runs once they are done); true when they are, or when none ever was.
   */
  public boolean awaitQueued(Duration timeout) {
    CountDownLatch done = new CountDownLatch(1);
    synchronized (this) {
      if (executor == null || finished) {
        return true;
      }
      try {
        executor.execute(done::countDown);
      } catch (RejectedExecutionException e) {
        return true;
      }
    }
    try {
      return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Waits up to {@code timeout} for every queued task; what is not done then is interrupted, and
   * each such task records why it is missing and is counted as a failure.
   *
   * @return whether every task finished in time
   */
  public boolean finish(Duration timeout) {
    List<Submitted> tasks;
    ExecutorService running;
    synchronized (this) {
      finished = true;
      running = executor;
      tasks = List.copyOf(submitted);
    }
    if (running == null) {
      return true;
    }
    running.shutdown();
    boolean done;
    try {
      done = running.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      done = false;
    }
    if (done) {
      return true;
    }
    abandoning = true;
    running.shutdownNow();
    try {
      // An interrupted read ends at once; wait for it so that no task publishes after the run's end.
      running.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String why = "the run ended first (waited " + timeout.toMillis() + " ms, prov4ml.background.timeout)";
    for (Submitted s : tasks) {
      if (!s.over().get()) {
        failures.record(s.name(), new TimeoutException(s.name() + ": " + why));
        s.task().abandoned(why);
      }
    }
    return false;
  }
}
