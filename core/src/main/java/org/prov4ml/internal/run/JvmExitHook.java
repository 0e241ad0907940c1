package org.prov4ml.internal.run;

import java.util.concurrent.atomic.AtomicBoolean;
import org.prov4ml.RunStatus;

/**
 * Ends the open run when the JVM exits, so a program that never calls {@code endRun} still leaves
 * a complete run directory. It also watches for the main thread dying on an uncaught exception,
 * which the JVM reports only by printing it, so that such a run is marked FAILED, and tells a JVM
 * stopped by a signal (Ctrl-C, a scheduler's SIGTERM) from one whose program ended, so that a
 * training cut short is marked KILLED, as MLflow marks it, and not FINISHED.
 */
public final class JvmExitHook {

  private static final AtomicBoolean INSTALLED = new AtomicBoolean();
  private static volatile boolean mainThreadFailed;
  private static volatile boolean exiting;

  private JvmExitHook() {}

  /** Installs the hook once per JVM; {@code endOpenRun} runs at exit. */
  public static void install(Runnable endOpenRun) {
    if (!INSTALLED.compareAndSet(false, true)) {
      return;
    }
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
      if ("main".equals(thread.getName())) {
        mainThreadFailed = true;
      }
      if (previous != null) {
        previous.uncaughtException(thread, failure);
      } else {
        // What ThreadGroup.uncaughtException prints when no default handler is set.
        System.err.print("Exception in thread \"" + thread.getName() + "\" ");
        failure.printStackTrace(System.err);
      }
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      exiting = true;
      endOpenRun.run();
    }, "prov4ml-exit"));
  }

  /**
   * Whether the JVM has begun to exit (the hook has started): from then on no run may start, since
   * none would be ended, while the application's threads run on until the JVM halts.
   */
  public static boolean exiting() {
    return exiting;
  }

  /** FAILED after an uncaught exception on the main thread, KILLED when a signal ends the JVM, else FINISHED. */
  public static RunStatus exitStatus() {
    if (mainThreadFailed) {
      return RunStatus.FAILED;
    }
    return signalled() ? RunStatus.KILLED : RunStatus.FINISHED;
  }

  /**
   * Whether a signal is what ends the JVM. Java has no API for it, but the JDK handles SIGTERM, SIGINT
   * and SIGHUP by calling {@code System.exit} on a thread it starts for the signal, named {@code
   * "SIGTERM handler"} and so on, which waits there for the shutdown hooks: it is alive while they
   * run, and no other exit has it. Called once, at exit, so reading every thread's name costs nothing.
   */
  static boolean signalled() {
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      String name = thread.getName();
      if (name.startsWith("SIG") && name.endsWith(" handler")) {
        return true;
      }
    }
    return false;
  }
}
