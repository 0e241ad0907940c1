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

    /**
     * Starts a run.
     *
     * @param options how to start it
     * @return the run, now the JVM's active one
     * @throws IllegalStateException when another run is active
     */
    Run startRun(RunOptions options);

    /** {@return the active run, if any} */
    Optional<Run> activeRun();

    /**
     * The active run, or one started with {@code options}.
     *
     * @param options how to start a run, or null for everything from the configuration
     * @return the run; empty when none can be started (the output directory cannot be written, said once) or
     *     the JVM is exiting
     */
    Optional<Run> activeOrImplicitRun(RunOptions options);

    /**
     * The active run, started if there is none.
     *
     * @return the run
     * @throws IllegalStateException when none can be started
     */
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

  /**
   * Starts a run of {@code experimentName}, with everything else from the configuration.
   *
   * @param experimentName the experiment to start the run in
   * @return the run
   */
  public static Run startRun(String experimentName) {
    return startRun(RunOptions.builder().experimentName(experimentName).build());
  }

  /**
   * Starts a run.
   *
   * @param options what the run is started with
   * @return the run
   * @throws IllegalStateException when another run is active (end it first)
   */
  public static Run startRun(RunOptions options) {
    ArgumentChecks.notNull(options, "options");
    return BACKEND.startRun(options);
  }

  /**
   * The active run, started implicitly if there is none.
   *
   * @return the run
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
   *
   * @return the run, or empty when none can be started
   */
  public static Optional<Run> activeOrImplicitRun() {
    return BACKEND.activeOrImplicitRun(null);
  }

  /**
   * {@link #activeOrImplicitRun()}, a run started with {@code options} (null: all from the
   * configuration) if there is none, as the training listener does.
   *
   * @param options what the run is started with, or {@code null} for the configuration
   * @return the run, or empty when none can be started
   */
  public static Optional<Run> activeOrImplicitRun(RunOptions options) {
    return BACKEND.activeOrImplicitRun(options);
  }

  /** The active or an implicitly started run; null when no run can be started. */
  private static Run implicitRun(RunOptions options) {
    return BACKEND.activeOrImplicitRun(options).orElse(null);
  }

  /**
   * The active run, if any.
   *
   * @return the run, or empty when none is active
   */
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

  /**
   * {@link Run#logParam} on the active run, started implicitly if there is none; nothing when no run
   * can be started (the output directory is unwritable, said once, or the JVM is exiting).
   *
   * @param key its name
   * @param value its value
   */
  public static void logParam(String key, Object value) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logParam(key, value);
    }
  }

  /**
   * {@link Run#logParams} on the active run, started implicitly if there is none; nothing when no run
   * can be started (the output directory is unwritable, said once, or the JVM is exiting).
   *
   * @param params the params by name
   */
  public static void logParams(Map<String, ?> params) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logParams(params);
    }
  }

  /**
   * {@link Run#logMetric} on the active run, started implicitly if there is none; nothing when no run
   * can be started (the output directory is unwritable, said once, or the JVM is exiting).
   *
   * @param key its name
   * @param value its value
   * @param context the phase it belongs to
   */
  public static void logMetric(String key, double value, Context context) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logMetric(key, value, context);
    }
  }

  /**
   * {@link Run#logMetric} on the active run, started implicitly if there is none; nothing when no run
   * can be started (the output directory is unwritable, said once, or the JVM is exiting).
   *
   * @param key its name
   * @param value its value
   * @param context the phase it belongs to
   * @param step the step, 0 or more
   */
  public static void logMetric(String key, double value, Context context, long step) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logMetric(key, value, context, step);
    }
  }

  /**
   * {@link Run#logMetric} on the active run, started implicitly if there is none; nothing when no run
   * can be started (the output directory is unwritable, said once, or the JVM is exiting).
   *
   * @param key its name
   * @param value its value
   * @param context the phase it belongs to
   * @param step the step, 0 or more
   * @param synchronous wait until every sink has it (up to {@code prov4ml.synchronous.timeout})
   * @param timestampMillis its time, in milliseconds since the epoch
   */
  public static void logMetric(String key, double value, Context context, long step, boolean synchronous,
      long timestampMillis) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logMetric(key, value, context, step, synchronous, timestampMillis);
    }
  }

  /**
   * {@link Run#logMetrics} on the active run, started implicitly if there is none; nothing when no run
   * can be started (the output directory is unwritable, said once, or the JVM is exiting).
   *
   * @param metrics the values by metric name
   * @param context the phase it belongs to
   * @param step the step, 0 or more
   */
  public static void logMetrics(Map<String, ? extends Number> metrics, Context context, long step) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logMetrics(metrics, context, step);
    }
  }

  /**
   * {@link Run#logMetrics} on the active run, started implicitly if there is none; nothing when no run
   * can be started (the output directory is unwritable, said once, or the JVM is exiting).
   *
   * @param metrics the values by metric name
   * @param context the phase it belongs to
   * @param step the step, 0 or more
   * @param synchronous wait until every sink has it (up to {@code prov4ml.synchronous.timeout})
   */
  public static void logMetrics(Map<String, ? extends Number> metrics, Context context, long step,
      boolean synchronous) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logMetrics(metrics, context, step, synchronous);
    }
  }

  /**
   * {@link Run#logArtifact} on the active run, started implicitly if there is none; nothing when no run
   * can be started (the output directory is unwritable, said once, or the JVM is exiting).
   *
   * @param path an existing file or directory
   */
  public static void logArtifact(Path path) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logArtifact(path);
    }
  }

  /**
   * {@link Run#logArtifact} on the active run, started implicitly if there is none; nothing when no run
   * can be started (the output directory is unwritable, said once, or the JVM is exiting).
   *
   * @param path an existing file or directory
   * @param context the phase it belongs to
   */
  public static void logArtifact(Path path, Context context) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logArtifact(path, context);
    }
  }

  /**
   * {@link Run#logModel} on the active run, started implicitly if there is none; nothing when no run
   * can be started (the output directory is unwritable, said once, or the JVM is exiting).
   *
   * @param model an initialised DJL model
   * @param modelName the name it is recorded under
   */
  public static void logModel(Model model, String modelName) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logModel(model, modelName);
    }
  }

  /**
   * {@link Run#logModel} on the active run, started implicitly if there is none; nothing when no run
   * can be started (the output directory is unwritable, said once, or the JVM is exiting).
   *
   * @param model an initialised DJL model
   * @param modelName the name it is recorded under
   * @param logModelInfo whether to record its size params and block summary
   * @param logAsArtifact whether to save the model into the run's artifacts
   */
  public static void logModel(Model model, String modelName, boolean logModelInfo, boolean logAsArtifact) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logModel(model, modelName, logModelInfo, logAsArtifact);
    }
  }

  /**
   * {@link Run#saveModelVersion} on the active run, started implicitly if there is none; nothing when no run
   * can be started (the output directory is unwritable, said once, or the JVM is exiting).
   *
   * @param model an initialised DJL model
   * @param modelName the name it is recorded under
   * @param context the phase it belongs to
   */
  public static void saveModelVersion(Model model, String modelName, Context context) {
    Run run = implicitRun(null);
    if (run != null) {
      run.saveModelVersion(model, modelName, context);
    }
  }

  /**
   * {@link Run#saveModelVersion} on the active run, started implicitly if there is none; nothing when no run
   * can be started (the output directory is unwritable, said once, or the JVM is exiting).
   *
   * @param model an initialised DJL model
   * @param modelName the name it is recorded under
   * @param context the phase it belongs to
   * @param step the step, 0 or more
   */
  public static void saveModelVersion(Model model, String modelName, Context context, long step) {
    Run run = implicitRun(null);
    if (run != null) {
      run.saveModelVersion(model, modelName, context, step);
    }
  }

  /**
   * {@link Run#logOptimizer} on the active run, started implicitly if there is none; nothing when no run
   * can be started (the output directory is unwritable, said once, or the JVM is exiting).
   *
   * @param optimizer the optimizer a trainer updates with
   */
  public static void logOptimizer(Optimizer optimizer) {
    Run run = implicitRun(null);
    if (run != null) {
      run.logOptimizer(optimizer);
    }
  }

  /**
   * {@link Run#logInputModel} on the active run, started implicitly if there is none.
   *
   * @param modelName the name of the model that loaded the file
   * @param file the model file that was loaded
   */
  public static void logInputModel(String modelName, Path file) {
    activeRunOrStart().logInputModel(modelName, file);
  }

  /**
   * See {@link Run#logDataset(String, Dataset)}.
   *
   * @param label the data set's name in the document, usable as a file name
   * @param dataset the DJL data set
   */
  public static void logDataset(String label, Dataset dataset) {
    activeRunOrStart().logDataset(label, dataset);
  }

  /**
   * See {@link Run#logDataset(String, Dataset, Context)}.
   *
   * @param label the data set's name in the document, usable as a file name
   * @param dataset the DJL data set
   * @param context the phase it belongs to
   */
  public static void logDataset(String label, Dataset dataset, Context context) {
    activeRunOrStart().logDataset(label, dataset, context);
  }

  /**
   * See {@link Run#logSourceCode(boolean)}.
   *
   * @param useGit whether to record the git commit
   */
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
