package org.prov4ml;

import ai.djl.Model;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.optimizer.Optimizer;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.prov4ml.internal.format.ArgumentChecks;

/**
 * The prov4ml API, mirroring Python prov4ml: static calls on the one active run of the JVM. A log
 * call with no active run starts one (experiment from {@code prov4ml.experiment-name}), or, when its
 * output directory cannot be written, says so once and does nothing from then on; a run still
 * open when the JVM exits is ended by a shutdown hook, FAILED if the main thread died on an
 * uncaught exception, KILLED if a signal (Ctrl-C, SIGTERM) stopped the JVM. Once the JVM exits, no
 * run starts: what is logged after the hook ended the run is not recorded, said once. Every method
 * is thread-safe.
 */
public final class Prov4ml {

  /**
   * How the static API reaches prov4ml's implementation: the one provider of this interface that
   * {@link ServiceLoader} finds (prov4ml's core registers its own). The API thus names nothing internal and
   * depends on no internal package. For prov4ml itself, not for applications.
   */
  public interface Backend {

    /** Starts a run; throws {@link IllegalStateException} when another run is active. */
    Run startRun(RunOptions options);

    /** The active run, if any. */
    Optional<Run> activeRun();

    /**
     * The active run, or one started with {@code options} (null: all from the configuration); empty when no
     * run can be started (the output directory cannot be written, said once) or the JVM is exiting.
     */
    Optional<Run> activeOrImplicitRun(RunOptions options);

    /** The active run, started if there is none; throws {@link IllegalStateException} when none can start. */
    Run activeRunOrStart();
  }

  private static final Backend BACKEND = backend();

  private static Backend backend() {
    Iterator<Backend> found = ServiceLoader.load(Backend.class, Prov4ml.class.getClassLoader()).iterator();
    if (!found.hasNext()) {
      throw new IllegalStateException("prov4ml's implementation is missing from the class path (no "
          + Backend.class.getName() + " provider in META-INF/services)");
    }
    return found.next();
  }

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
    return BACKEND.startRun(options);
  }

  /**
   * The active run, started implicitly if there is none.
   *
   * @throws IllegalStateException when no run can be started because the output directory cannot be
   *     created or written (said once, see {@link #activeOrImplicitRun})
   */
  public static Run activeRunOrStart() {
    return BACKEND.activeRunOrStart();
  }

  /**
   * The active run, started implicitly if there is none; empty when no run can be started because
   * the output directory cannot be created or written. That is logged once, in one line naming the
   * directory and the operating system's reason, and not tried again while the configuration is the
   * same: the application runs on without provenance. Empty too once the JVM is exiting.
   */
  public static Optional<Run> activeOrImplicitRun() {
    return BACKEND.activeOrImplicitRun(null);
  }

  /**
   * {@link #activeOrImplicitRun()}, a run started with {@code options} (null: all from the
   * configuration) if there is none, as the training listener does.
   */
  public static Optional<Run> activeOrImplicitRun(RunOptions options) {
    return BACKEND.activeOrImplicitRun(options);
  }

  /** The active or an implicitly started run; null when no run can be started. */
  private static Run implicitRun(RunOptions options) {
    return BACKEND.activeOrImplicitRun(options).orElse(null);
  }

  /** The active run, if any. */
  public static Optional<Run> activeRun() {
    return BACKEND.activeRun();
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
    Run run = implicitRun(null);
    if (run != null) {
      run.logParam(key, value);
    }
  }

  public static void logParams(Map<String, ?> params) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logParams(params);
    }
  }

  public static void logMetric(String key, double value, Context context) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logMetric(key, value, context);
    }
  }

  public static void logMetric(String key, double value, Context context, long step) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logMetric(key, value, context, step);
    }
  }

  public static void logMetric(String key, double value, Context context, long step, boolean synchronous,
      long timestampMillis) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logMetric(key, value, context, step, synchronous, timestampMillis);
    }
  }

  public static void logMetrics(Map<String, ? extends Number> metrics, Context context, long step) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logMetrics(metrics, context, step);
    }
  }

  public static void logMetrics(Map<String, ? extends Number> metrics, Context context, long step,
      boolean synchronous) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logMetrics(metrics, context, step, synchronous);
    }
  }

  public static void logArtifact(Path path) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logArtifact(path);
    }
  }

  public static void logArtifact(Path path, Context context) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logArtifact(path, context);
    }
  }

  public static void logModel(Model model, String modelName) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logModel(model, modelName);
    }
  }

  public static void logModel(Model model, String modelName, boolean logModelInfo, boolean logAsArtifact) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logModel(model, modelName, logModelInfo, logAsArtifact);
    }
  }

  public static void saveModelVersion(Model model, String modelName, Context context) {
    Run run = implicitRun(null);
    if (run != null) {
      run.saveModelVersion(model, modelName, context);
    }
  }

  public static void saveModelVersion(Model model, String modelName, Context context, long step) {
    Run run = implicitRun(null);
    if (run != null) {
      run.saveModelVersion(model, modelName, context, step);
    }
  }

  public static void logOptimizer(Optimizer optimizer) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logOptimizer(optimizer);
    }
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
