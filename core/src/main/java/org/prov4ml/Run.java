package org.prov4ml;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.optimizer.Optimizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.prov4ml.internal.run.ArgumentChecks;
import org.prov4ml.internal.run.ModelFiles;
import org.prov4ml.internal.run.OptimizerParams;
import org.prov4ml.internal.run.RunAccess;
import org.prov4ml.internal.run.RunRecorder;
import org.prov4ml.internal.sink.RunInfo;

/**
 * One run: the handle returned by {@link Prov4ml#startRun}. Every method is thread-safe. Closing
 * it ends the run; any call on an ended run fails with {@link IllegalStateException}.
 *
 * <p>The handle checks arguments and names them in its exceptions; the run's state (params,
 * counters, whether it ended) is its recorder's.
 */
public final class Run implements AutoCloseable {

  static {
    RunAccess.recorders(run -> run.recorder);
  }

  private final RunRecorder recorder;
  private final RunInfo info;
  private final boolean implicit;

  Run(RunRecorder recorder, boolean implicit) {
    this.recorder = recorder;
    this.info = recorder.info();
    this.implicit = implicit;
  }

  /**
   * The experiment the run belongs to.
   *
   * @return the experiment's name, as given to {@link RunOptions} or {@code prov4ml.experiment-name}
   */
  public String experimentName() {
    return info.experimentName();
  }

  /**
   * The run's id within its experiment: a number, as yProv4ML numbers runs, or the job's run
   * identity when the run is one rank of a job ({@code prov4ml.run-id} or the launcher's job id).
   *
   * @return the run's id, never blank
   */
  public String runId() {
    return info.runId();
  }

  /**
   * The number of ranks of the job this run is part of.
   *
   * @return the job's world size; 1 for a run of one process
   */
  public int worldSize() {
    return info.worldSize();
  }

  /**
   * The run's name, by default {@code <experiment>_<runId>}.
   *
   * @return the name the run directory, the document and MLflow give the run
   */
  public String runName() {
    return info.runName();
  }

  /**
   * The global rank of this process in its job.
   *
   * @return the rank, from 0; 0 for a run of one process
   */
  public int rank() {
    return info.rank();
  }

  /**
   * The run directory: PROV document, metric files and artifacts.
   *
   * @return the directory {@code <output-dir>/<experiment>_<runId>}
   */
  public Path runDirectory() {
    return info.layout().runDir();
  }

  /**
   * The PROV-JSON document of this run (of this rank, for a job of several).
   *
   * @return the document's path inside {@link #runDirectory()}
   */
  public Path provenanceFile() {
    return info.layout().provFile();
  }

  /**
   * Whether the run was started by a log call, the training listener or the agent rather than by
   * {@code startRun}.
   *
   * @return {@code true} for a run nobody started explicitly
   */
  public boolean isImplicit() {
    return implicit;
  }

  /**
   * Whether the run has ended (by {@link #close}, {@link #end}, {@link Prov4ml#endRun} or at JVM exit).
   *
   * @return {@code true} once the run ended; every log call then fails
   */
  public boolean isEnded() {
    return recorder.isEnded();
  }

  /**
   * Records a parameter. Params are immutable, as in MLflow: the same value again is a no-op.
   *
   * @param key the param's name
   * @param value its value, recorded as text (an array as {@code [1, 2]})
   * @throws IllegalArgumentException when {@code key} already has another value
   */
  public void logParam(String key, Object value) {
    ArgumentChecks.key(key, "param key");
    ArgumentChecks.notNull(value, "value of param '" + key + "'");
    recorder.logParam(key, textOf(value));
  }

  /** A param's text: arrays (of primitives too) as {@code [1, 2]}, anything else by its toString. */
  private static String textOf(Object value) {
    if (!value.getClass().isArray()) {
      return String.valueOf(value);
    }
    String wrapped = Arrays.deepToString(new Object[] {value}); // handles every array type alike
    return wrapped.substring(1, wrapped.length() - 1);
  }

  /**
   * Records each entry as {@link #logParam(String, Object)} does.
   *
   * @param params the params by name
   * @throws IllegalArgumentException when a key already has another value
   */
  public void logParams(Map<String, ?> params) {
    ArgumentChecks.notNull(params, "params");
    params.forEach(this::logParam);
  }

  /**
   * Records a metric point at the next step of (key, context), timestamped now: the step is the number
   * of points of (key, context) recorded before.
   *
   * @param key the metric's name
   * @param value its value; NaN and infinities are kept
   * @param context the phase it belongs to
   */
  public void logMetric(String key, double value, Context context) {
    logMetric(key, value, context, RunRecorder.NEXT_STEP, false, System.currentTimeMillis());
  }

  /**
   * Records a metric point at an explicit step, timestamped now.
   *
   * @param key the metric's name
   * @param value its value; NaN and infinities are kept
   * @param context the phase it belongs to
   * @param step the step, 0 or more
   */
  public void logMetric(String key, double value, Context context, long step) {
    logMetric(key, value, context, ArgumentChecks.nonNegative(step, "step"), false, System.currentTimeMillis());
  }

  /**
   * Records a metric point. On the hot path this allocates nothing: a slot of the event ring is
   * claimed, filled and published. NaN and infinities are recorded as they are.
   *
   * @param key the metric's name
   * @param value its value
   * @param context the phase it belongs to
   * @param step the step, 0 or more
   * @param synchronous wait until every sink has the point (up to {@code prov4ml.synchronous.timeout})
   * @param timestampMillis the point's time, in milliseconds since the epoch
   */
  public void logMetric(String key, double value, Context context, long step, boolean synchronous,
      long timestampMillis) {
    ArgumentChecks.notNull(key, "metric key");
    ArgumentChecks.notNull(context, "context");
    recorder.logMetric(key, context, step, value, timestampMillis, synchronous);
  }

  /**
   * Records one point per entry, all at the same step and timestamp.
   *
   * @param metrics the values by metric name
   * @param context the phase they belong to
   * @param step the step, 0 or more
   */
  public void logMetrics(Map<String, ? extends Number> metrics, Context context, long step) {
    logMetrics(metrics, context, step, false);
  }

  /**
   * Records one point per entry, all at the same step and timestamp.
   *
   * @param metrics the values by metric name
   * @param context the phase they belong to
   * @param step the step, 0 or more
   * @param synchronous wait until every sink has the points (up to {@code prov4ml.synchronous.timeout})
   */
  public void logMetrics(Map<String, ? extends Number> metrics, Context context, long step, boolean synchronous) {
    ArgumentChecks.notNull(metrics, "metrics");
    ArgumentChecks.notNull(context, "context");
    ArgumentChecks.nonNegative(step, "step");
    metrics.forEach((key, value) -> {
      ArgumentChecks.notNull(key, "metric key");
      ArgumentChecks.notNull(value, "value of metric '" + key + "'");
    });
    recorder.logMetrics(metrics, context, step, System.currentTimeMillis(), synchronous);
  }

  /**
   * Copies a file or a whole directory into the run's artifacts, with its size and SHA-256.
   *
   * @param path an existing file or directory; the caller may delete it once this returns
   */
  public void logArtifact(Path path) {
    logArtifact(path, null);
  }

  /**
   * Copies a file or a whole directory into the run's artifacts, with its size and SHA-256, as an
   * artifact of a phase.
   *
   * @param path an existing file or directory; the caller may delete it once this returns
   * @param context the phase it belongs to, or {@code null} for the run itself
   */
  public void logArtifact(Path path, Context context) {
    ArgumentChecks.existing(path, "artifact path");
    recorder.logArtifact(path, context);
  }

  /**
   * {@link #logModel(Model, String, boolean, boolean)} with info and as artifact.
   *
   * @param model an initialised DJL model
   * @param modelName the name its params and files are recorded under
   */
  public void logModel(Model model, String modelName) {
    logModel(model, modelName, true, true);
  }

  /**
   * Describes a model: with info, params {@code <name>_total_params} and
   * {@code <name>_memory_bytes} and the block summary as artifact {@code <name>_summary.txt}; as
   * artifact, the model saved with DJL's {@code Model.save} under {@code artifacts/<name>/}.
   *
   * @param model an initialised DJL model
   * @param modelName the name its params and files are recorded under
   * @param logModelInfo whether to record its size params and block summary
   * @param logAsArtifact whether to save the model into the run's artifacts
   */
  public void logModel(Model model, String modelName, boolean logModelInfo, boolean logAsArtifact) {
    ArgumentChecks.notNull(model, "model");
    ArgumentChecks.fileName(modelName, "modelName");
    recorder.logModel(model, modelName, logModelInfo, logAsArtifact);
  }

  /**
   * Saves the next version of a model; its step is the number of versions saved before.
   *
   * @param model an initialised DJL model
   * @param modelName the name its versions are recorded under
   * @param context the phase the version belongs to
   */
  public void saveModelVersion(Model model, String modelName, Context context) {
    saveVersion(model, modelName, context, RunRecorder.NEXT_VERSION);
  }

  /**
   * Saves a model version with DJL's {@code Model.save} under {@code artifacts/<name>/}, the step as
   * DJL's epoch ({@code <name>-<step:04d>.params}); the version is derived from the previous one.
   *
   * @param model an initialised DJL model
   * @param modelName the name its versions are recorded under
   * @param context the phase the version belongs to
   * @param step the version's step, 0 or more
   */
  public void saveModelVersion(Model model, String modelName, Context context, long step) {
    saveVersion(model, modelName, context, ArgumentChecks.nonNegative(step, "step"));
  }

  private void saveVersion(Model model, String modelName, Context context, long step) {
    checkVersion(model, modelName, context);
    recorder.logModelVersion(model, modelName, context, step,
        (dir, at) -> ModelFiles.saveVersion(model, dir, modelName, at));
  }

  /**
   * Records a version of a model that the application saved itself with DJL's {@code Model.save}
   * (the agent calls this for every save it sees). The {@code .params} file is copied on the
   * caller's thread to {@code artifacts/<name>/<name>-<step:04d>.params}, so the application may
   * overwrite or delete its file as soon as this returns.
   *
   * @param model the DJL model that was saved
   * @param modelName the name its versions are recorded under
   * @param context the phase the version belongs to
   * @param step the version's step, 0 or more
   * @param paramsFile the {@code .params} file the application saved
   */
  public void logModelVersion(Model model, String modelName, Context context, long step, Path paramsFile) {
    ArgumentChecks.existing(paramsFile, "paramsFile");
    ArgumentChecks.nonNegative(step, "step");
    checkVersion(model, modelName, context);
    recorder.logModelVersion(model, modelName, context, step,
        (dir, at) -> ModelFiles.copyVersion(paramsFile, dir, modelName, at));
  }

  private static void checkVersion(Model model, String modelName, Context context) {
    ArgumentChecks.notNull(model, "model");
    ArgumentChecks.fileName(modelName, "modelName");
    ArgumentChecks.notNull(context, "context");
  }

  /**
   * Records an optimizer: {@code optimizer_name}, {@code optimizer_lr} (its tracker's current
   * value) and every hyper-parameter it has ({@code optimizer_beta1}, {@code optimizer_momentum}, ...).
   *
   * @param optimizer the optimizer a trainer updates with
   */
  public void logOptimizer(Optimizer optimizer) {
    ArgumentChecks.notNull(optimizer, "optimizer");
    logParams(OptimizerParams.of(optimizer, ""));
  }

  /**
   * {@link #logDataset(String, Dataset, Context)} used by the run itself rather than one of its phases.
   *
   * @param label the data set's name in the document, usable as a file name
   * @param dataset the DJL data set
   */
  public void logDataset(String label, Dataset dataset) {
    logDataset(label, dataset, null);
  }

  /**
   * Records a data set as yProv4ML's {@code log_dataset} does: an entity {@code <label>//<context>}
   * of type {@code provml:Dataset}, used by the context's activity (the run's without a context),
   * with {@code yprov:<label>_stat_total_samples}, {@code _stat_batch_size}, {@code _stat_total_steps}
   * (batches an epoch) and {@code _stat_shuffle} where DJL knows them, its class, the shapes of an
   * {@code ArrayDataset}'s arrays, and the local files or folders it reads. Those files are hashed in
   * the background (up to {@code prov4ml.data.hash-limit} bytes), each listed with its size, time and
   * SHA-256 in {@code artifacts_GR<rank>/datasets/<label>_<context>.json}; the entity gets one digest
   * of them all. A label is recorded once per context: a second call is ignored.
   *
   * @param label the data set's name in the document, usable as a file name
   * @param dataset the DJL data set
   * @param context the phase that uses it, or {@code null} for the run itself
   */
  public void logDataset(String label, Dataset dataset, Context context) {
    ArgumentChecks.fileName(label, "label");
    ArgumentChecks.notNull(dataset, "dataset");
    recorder.logDataset(label, dataset, context);
  }

  /**
   * Records the application's code: its jar or classes folder with its SHA-256 (entity
   * {@code application_code}, used by the run), and, with {@code useGit}, the git commit of the
   * working directory as yProv4ML's {@code log_source_code(use_git=True)} does: params
   * {@code source_code} ({@code <remote URL>/<commit>}) and {@code source_code_dirty}. Both are
   * computed in the background; once per run.
   *
   * @param useGit whether to record the git commit and whether the working tree differs from it
   */
  public void logSourceCode(boolean useGit) {
    recorder.logSourceCode(useGit);
  }

  /**
   * Records param {@code execution_command}: the java binary, the JVM's options, {@code -jar} or
   * the class path and main class, and the arguments, with every value whose name contains
   * {@code password}, {@code secret}, {@code token} or {@code key} masked; once per run.
   */
  public void logExecutionCommand() {
    recorder.logExecutionCommand();
  }

  /**
   * Records the environment as params: {@code djl_version}, {@code djl_engine},
   * {@code djl_engine_version}, {@code djl_devices} (and with GPUs {@code gpu_count},
   * {@code cuda_version}), {@code cpu_model}, {@code cpu_count}, {@code memory_total_bytes},
   * {@code jvm_vendor}, {@code jvm_name}, {@code jvm_version}, {@code jvm_max_heap_bytes}, the
   * variables {@code env.OMP_NUM_THREADS}, {@code env.MKL_NUM_THREADS}, {@code env.CUDA_VISIBLE_DEVICES}
   * and DJL's {@code ai.djl.*} system properties ({@code property.ai.djl.*}); never any other part of
   * the environment. The engine is DJL's default ({@code Engine.getInstance()}, which loads it if the
   * application has not yet); once per run.
   */
  public void logEnvironment() {
    Engine engine;
    try {
      engine = Engine.getInstance();
    } catch (RuntimeException | LinkageError noEngine) {
      engine = null; // DJL without an engine: its version and the machine are still worth recording
    }
    recorder.logEnvironment(engine);
  }

  /**
   * {@link #logEnvironment()} of the engine a trainer runs on ({@code trainer.getManager().getEngine()}).
   *
   * @param engine the engine to describe
   */
  public void logEnvironment(Engine engine) {
    ArgumentChecks.notNull(engine, "engine");
    recorder.logEnvironment(engine);
  }

  /**
   * Writes a CycloneDX bill of materials of the class path, artifact {@code sbom.cdx.json}: every jar
   * with its name, version, package URL and SHA-256, computed in the background; once per run.
   */
  public void logBillOfMaterials() {
    recorder.logBillOfMaterials();
  }

  /** Returns once everything logged so far is written by every sink (or the timeout passed, reported). */
  public void flush() {
    recorder.flush();
  }

  /**
   * What prov4ml did with this run's records so far; exact after the run ended.
   *
   * @return points recorded and dropped, events after the end, failures inside prov4ml by place
   */
  public RunReport report() {
    return recorder.report();
  }

  /** Ends the run as FINISHED. */
  @Override
  public void close() {
    end(RunStatus.FINISHED);
  }

  /**
   * Ends the run with {@code status}; a second call does nothing.
   *
   * @param status FINISHED, FAILED or KILLED
   * @throws IllegalArgumentException for {@link RunStatus#INCOMPLETE}, which only prov4ml records
   */
  public void end(RunStatus status) {
    ArgumentChecks.notNull(status, "status");
    if (status == RunStatus.INCOMPLETE) {
      throw new IllegalArgumentException("status INCOMPLETE is recorded by prov4ml when a run lost data; "
          + "end a run as FINISHED, FAILED or KILLED");
    }
    if (recorder.markEnded()) {
      Prov4ml.forget(this);
      recorder.end(status);
    }
  }

  @Override
  public String toString() {
    return "Run[" + info.runName() + " in " + info.layout().runDir() + "]";
  }
}
