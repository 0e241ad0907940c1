package org.prov4ml.internal.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.format.UnwritableOutputDirectoryException;
import org.tinylog.Logger;

/**
 * The JVM's one active run, as the static API ({@link Prov4ml}) knows it: a log call with no active run starts
 * one, or, when its output directory cannot be written, says so once and does nothing from then on; a run still
 * open when the JVM exits is ended by a shutdown hook ({@link JvmExitHook}). {@link Prov4ml} finds this class as
 * the {@link java.util.ServiceLoader} provider of {@link Prov4ml.Backend}, so the API names nothing internal;
 * the listener and the agent call the static methods here and get the {@link RecordedRun} itself.
 *
 * <p>The state is static, one per JVM as the API's is: every instance the service loader makes is a view of it.
 */
public final class ActiveRun implements Prov4ml.Backend {

  private static final Object LOCK = new Object();
  private static volatile RecordedRun active;
  /**
   * Why no run could be started, under which configuration: not tried again while that is the JVM's
   * configuration (another one may name another output directory).
   */
  private static volatile Unavailable unavailable;
  private static final AtomicBoolean EXIT_REPORTED = new AtomicBoolean();

  private record Unavailable(UnwritableOutputDirectoryException why, Prov4mlConfig config) {

    /** The reason, if it still holds: the configuration is the one it was found under. */
    static UnwritableOutputDirectoryException now() {
      Unavailable u = unavailable;
      return u != null && u.config == Prov4mlConfig.current() ? u.why : null;
    }
  }

  /** For the service loader; every instance shares the JVM's one state. */
  public ActiveRun() {}

  @Override
  public Run startRun(RunOptions options) {
    synchronized (LOCK) {
      RecordedRun current = active;
      if (current != null && !current.isEnded()) {
        throw new IllegalStateException("run " + current.runName() + " is still active; call Prov4ml.endRun() "
            + "before starting another");
      }
      try {
        return start(options, false);
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
    }
  }

  @Override
  public Optional<Run> activeRun() {
    return Optional.ofNullable(current());
  }

  @Override
  public Optional<Run> activeOrImplicitRun(RunOptions options) {
    return Optional.ofNullable(implicit(options));
  }

  @Override
  public Run activeRunOrStart() {
    RecordedRun run = implicit(null);
    if (run == null) {
      UnwritableOutputDirectoryException why = Unavailable.now();
      throw new IllegalStateException("no run can be started: " + (JvmExitHook.exiting() ? "the JVM is exiting"
          : why == null ? "the output directory cannot be written" : why.getMessage()));
    }
    return run;
  }

  /** The active run, or null. */
  public static RecordedRun current() {
    RecordedRun run = active;
    return run == null || run.isEnded() ? null : run;
  }

  /**
   * The active run, or one started with {@code options} (null: all from the configuration); null when the
   * output directory cannot be created or written (said once, in one line naming the directory and the
   * operating system's reason, and not tried again while the configuration is the same: the application runs
   * on without provenance), or once the JVM is exiting. The listener's and the agent's way in.
   */
  public static RecordedRun implicit(RunOptions options) {
    RecordedRun run = active;
    if (run != null && !run.isEnded()) {
      return run;
    }
    if (JvmExitHook.exiting()) {
      // A run started now would never end: the hook that ends runs has run, or is ending this one.
      if (EXIT_REPORTED.compareAndSet(false, true)) {
        Logger.warn("prov4ml: the JVM is exiting and its run has ended; what the application logs from now on is "
            + "not recorded");
      }
      return null;
    }
    if (Unavailable.now() != null) {
      return null; // one failed attempt is enough: every hook and log call would fail the same way
    }
    synchronized (LOCK) {
      run = active;
      if (run != null && !run.isEnded()) {
        return run;
      }
      if (Unavailable.now() != null) {
        return null;
      }
      try {
        return start(options != null ? options : RunOptions.builder().build(), true);
      } catch (UnwritableOutputDirectoryException e) {
        unavailable = new Unavailable(e, Prov4mlConfig.current());
        Logger.error("prov4ml: {}; the application runs on without provenance", e.getMessage());
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start a run: " + e.getMessage(), e);
      }
    }
  }

  private static RecordedRun start(RunOptions options, boolean implicit) throws IOException {
    RecordedRun run = RecordedRun.start(options, Prov4mlConfig.current(), implicit);
    JvmExitHook.install(() -> {
      RecordedRun open = current();
      if (open != null) {
        open.end(JvmExitHook.exitStatus());
      }
    });
    active = run;
    HeldModelLoads.runStarted(run); // the models the application loaded before its run began
    return run;
  }

  /** Called by a run as it ends: it is no longer the active run. */
  static void forget(RecordedRun run) {
    synchronized (LOCK) {
      if (active == run) {
        active = null;
      }
    }
  }
}
