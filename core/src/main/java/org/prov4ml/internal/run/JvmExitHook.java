package org.prov4ml.internal.run;

import java.util.concurrent.atomic.AtomicBoolean;
import org.prov4ml.RunStatus;

/**
 * Ends the open run when the JVM exits, so a program that never calls {@code endRun} still leaves
 * a complete run directory. It also watches for the main thread dying on an uncaught exception,
 * which the JVM reports only by printing it, so that such a run is marked FAILED.
 */
public final class JvmExitHook {

  private static final AtomicBoolean INSTALLED = new AtomicBoolean();
  private static volatile boolean mainThreadFailed;

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
    Runtime.getRuntime().addShutdownHook(new Thread(endOpenRun, "prov4ml-exit"));
  }

  /** FAILED after an uncaught exception on the main thread, else FINISHED. */
  public static RunStatus exitStatus() {
    return mainThreadFailed ? RunStatus.FAILED : RunStatus.FINISHED;
  }
}
