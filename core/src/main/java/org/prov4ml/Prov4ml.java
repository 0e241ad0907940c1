package org.prov4ml;

import ai.djl.Model;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.optimizer.Optimizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.prov4ml.internal.run.ArgumentChecks;
import org.prov4ml.internal.run.JvmExitHook;
import org.prov4ml.internal.run.RunRecorder;
import org.prov4ml.internal.config.Prov4mlConfig;

/**
 * The prov4ml API, mirroring Python prov4ml: static calls on the one active run of the JVM. A log
 * call with no active run starts one (experiment from {@code prov4ml.experiment-name}); a run still
 * open when the JVM exits is ended by a shutdown hook, FAILED if the main thread died on an
 * uncaught exception. Every method is thread-safe.
 */
public final class Prov4ml {

  private static final Object LOCK = new Object();
  private static volatile Run active;
  private static volatile Prov4mlConfig config;

  private Prov4ml() {}

  /** Starts a run of {@code experimentName}, with everything else from the configuration. */
  public static Run startRun(String experimentName) {
    return startRun(RunOptions.builder().experimentName(experimentName).build());
  }

  /**
   * Starts a run.
   *
   * @throws IllegalStateException when another run is active (end it first)
   */
  public static Run startRun(RunOptions options) {
    ArgumentChecks.notNull(options, "options");
    synchronized (LOCK) {
      Run current = active;
      if (current != null && !current.isEnded()) {
        throw new IllegalStateException("run " + current.runName() + " is still active; call Prov4ml.endRun() "
            + "before starting another");
      }
      return start(options, false);
    }
  }

  /** The active run, started implicitly if there is none; used by the agent too. */
  public static Run activeRunOrStart() {
    Run run = active;
    if (run != null && !run.isEnded()) {
      return run;
    }
    synchronized (LOCK) {
      run = active;
      return run != null && !run.isEnded() ? run : start(RunOptions.builder().build(), true);
    }
  }

  /** The active run, if any. */
  public static Optional<Run> activeRun() {
    Run run = active;
    return run == null || run.isEnded() ? Optional.empty() : Optional.of(run);
  }

  private static Run start(RunOptions options, boolean implicit) {
    try {
      Run run = new Run(RunRecorder.start(options, config()), implicit);
      JvmExitHook.install(() -> activeRun().ifPresent(r -> r.end(JvmExitHook.exitStatus())));
      active = run;
      return run;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the run directory: " + e.getMessage(), e);
    }
  }

  /** The configuration of this JVM, loaded on first use. */
  public static Prov4mlConfig config() {
    Prov4mlConfig c = config;
    if (c == null) {
      synchronized (LOCK) {
        if (config == null) {
          config = Prov4mlConfig.load();
        }
        c = config;
      }
    }
    return c;
  }

  /** Replaces the configuration for runs started from now on (the agent's {@code config=} file). */
  public static void configure(Prov4mlConfig newConfig) {
    config = ArgumentChecks.notNull(newConfig, "config");
  }

  static void forget(Run run) {
    synchronized (LOCK) {
      if (active == run) {
        active = null;
      }
    }
  }

  /** Ends the active run as FINISHED; does nothing when there is none. */
  public static void endRun() {
    activeRun().ifPresent(Run::close);
  }

  /** Returns once everything logged so far is written by every sink. */
  public static void flush() {
    activeRun().ifPresent(Run::flush);
  }

  public static void logParam(String key, Object value) {
    activeRunOrStart().logParam(key, value);
  }

  public static void logParams(Map<String, ?> params) {
    activeRunOrStart().logParams(params);
  }

  public static void logMetric(String key, double value, Context context) {
    activeRunOrStart().logMetric(key, value, context);
  }

  public static void logMetric(String key, double value, Context context, long step) {
    activeRunOrStart().logMetric(key, value, context, step);
  }

  public static void logMetric(String key, double value, Context context, long step, boolean synchronous,
      long timestampMillis) {
    activeRunOrStart().logMetric(key, value, context, step, synchronous, timestampMillis);
  }

  public static void logMetrics(Map<String, ? extends Number> metrics, Context context, long step) {
    activeRunOrStart().logMetrics(metrics, context, step);
  }

  public static void logMetrics(Map<String, ? extends Number> metrics, Context context, long step,
      boolean synchronous) {
    activeRunOrStart().logMetrics(metrics, context, step, synchronous);
  }

  public static void logArtifact(Path path) {
    activeRunOrStart().logArtifact(path);
  }

  public static void logArtifact(Path path, Context context) {
    activeRunOrStart().logArtifact(path, context);
  }

  public static void logModel(Model model, String modelName) {
    activeRunOrStart().logModel(model, modelName);
  }

  public static void logModel(Model model, String modelName, boolean logModelInfo, boolean logAsArtifact) {
    activeRunOrStart().logModel(model, modelName, logModelInfo, logAsArtifact);
  }

  public static void saveModelVersion(Model model, String modelName, Context context) {
    activeRunOrStart().saveModelVersion(model, modelName, context);
  }

  public static void saveModelVersion(Model model, String modelName, Context context, long step) {
    activeRunOrStart().saveModelVersion(model, modelName, context, step);
  }

  public static void logOptimizer(Optimizer optimizer) {
    activeRunOrStart().logOptimizer(optimizer);
  }

  /** See {@link Run#logDataset(String, Dataset)}. */
  public static void logDataset(String label, Dataset dataset) {
    activeRunOrStart().logDataset(label, dataset);
  }

  /** See {@link Run#logDataset(String, Dataset, Context)}. */
  public static void logDataset(String label, Dataset dataset, Context context) {
    activeRunOrStart().logDataset(label, dataset, context);
  }

  /** See {@link Run#logSourceCode(boolean)}. */
  public static void logSourceCode(boolean useGit) {
    activeRunOrStart().logSourceCode(useGit);
  }

  /** See {@link Run#logExecutionCommand()}. */
  public static void logExecutionCommand() {
    activeRunOrStart().logExecutionCommand();
  }

  /** See {@link Run#logEnvironment()}. */
  public static void logEnvironment() {
    activeRunOrStart().logEnvironment();
  }

  /** See {@link Run#logBillOfMaterials()}. */
  public static void logBillOfMaterials() {
    activeRunOrStart().logBillOfMaterials();
  }
}
