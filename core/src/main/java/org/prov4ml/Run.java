package org.prov4ml;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.optimizer.Optimizer;
import java.nio.file.Path;
import java.util.Map;

/**
 * One run: the handle returned by {@link Prov4ml#startRun}. Every method is thread-safe. Closing
 * it ends the run; any call on an ended run fails with {@link IllegalStateException}. A wrong argument
 * fails with {@link IllegalArgumentException} naming the argument and the value.
 *
 * <p>An interface, as OpenTelemetry's API is: prov4ml's implementation lives in its internal packages and
 * applications only ever hold this type, so the API depends on nothing internal.
 */
public interface Run extends AutoCloseable {

  /**
   * The experiment the run belongs to.
   *
   * @return the experiment's name, as given to {@link RunOptions} or {@code prov4ml.experiment-name}
   */
  String experimentName();

  /**
   * The run's id within its experiment: a number, as yProv4ML numbers runs, or the job's run
   * identity when the run is one rank of a job ({@code prov4ml.run-id} or the launcher's job id).
   *
   * @return the run's id, never blank
   */
  String runId();

  /**
   * The number of ranks of the job this run is part of.
   *
   * @return the job's world size; 1 for a run of one process
   */
  int worldSize();

  /**
   * The run's name, by default {@code <experiment>_<runId>}.
   *
   * @return the name the run directory, the document and MLflow give the run
   */
  String runName();

  /**
   * The global rank of this process in its job.
   *
   * @return the rank, from 0; 0 for a run of one process
   */
  int rank();

  /**
   * The run directory: PROV document, metric files and artifacts.
   *
   * @return the directory {@code <output-dir>/<experiment>_<runId>}
   */
  Path runDirectory();

  /**
   * The PROV-JSON document of this run (of this rank, for a job of several).
   *
   * @return the document's path inside {@link #runDirectory()}
   */
  Path provenanceFile();

  /**
   * Whether the run was started by a log call, the training listener or the agent rather than by
   * {@code startRun}.
   *
   * @return {@code true} for a run nobody started explicitly
   */
  boolean isImplicit();

  /**
   * Whether the run has ended (by {@link #close}, {@link #end}, {@link Prov4ml#endRun} or at JVM exit).
   *
   * @return {@code true} once the run ended; every log call then fails
   */
  boolean isEnded();

  /**
   * Records a parameter. Params are immutable, as in MLflow: the same value again is a no-op.
   *
   * @param key the param's name
   * @param value its value, recorded as text (an array as {@code [1, 2]})
   * @throws IllegalArgumentException when {@code key} already has another value
   */
  void logParam(String key, Object value);

  /**
   * Records each entry as {@link #logParam(String, Object)} does.
   *
   * @param params the params by name
   * @throws IllegalArgumentException when a key already has another value
   */
  void logParams(Map<String, ?> params);

  /**
   * Records a metric point at the next step of (key, context), timestamped now: the step is the number
   * of points of (key, context) recorded before.
   *
   * @param key the metric's name
   * @param value its value; NaN and infinities are kept
   * @param context the phase it belongs to
   */
  void logMetric(String key, double value, Context context);

  /**
   * Records a metric point at an explicit step, timestamped now.
   *
   * @param key the metric's name
   * @param value its value; NaN and infinities are kept
   * @param context the phase it belongs to
   * @param step the step, 0 or more
   */
  void logMetric(String key, double value, Context context, long step);

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
  void logMetric(String key, double value, Context context, long step, boolean synchronous, long timestampMillis);

  /**
   * Records one point per entry, all at the same step and timestamp.
   *
   * @param metrics the values by metric name
   * @param context the phase they belong to
   * @param step the step, 0 or more
   */
  void logMetrics(Map<String, ? extends Number> metrics, Context context, long step);

  /**
   * Records one point per entry, all at the same step and timestamp.
   *
   * @param metrics the values by metric name
   * @param context the phase they belong to
   * @param step the step, 0 or more
   * @param synchronous wait until every sink has the points (up to {@code prov4ml.synchronous.timeout})
   */
  void logMetrics(Map<String, ? extends Number> metrics, Context context, long step, boolean synchronous);

  /**
   * Copies a file or a whole directory into the run's artifacts, with its size and SHA-256.
   *
   * @param path an existing file or directory; the caller may delete it once this returns
   */
  void logArtifact(Path path);

  /**
   * Copies a file or a whole directory into the run's artifacts, with its size and SHA-256, as an
   * artifact of a phase.
   *
   * @param path an existing file or directory; the caller may delete it once this returns
   * @param context the phase it belongs to, or {@code null} for the run itself
   */
  void logArtifact(Path path, Context context);

  /**
   * {@link #logModel(Model, String, boolean, boolean)} with info and as artifact.
   *
   * @param model an initialised DJL model
   * @param modelName the name its params and files are recorded under
   */
  void logModel(Model model, String modelName);

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
  void logModel(Model model, String modelName, boolean logModelInfo, boolean logAsArtifact);

  /**
   * Saves the next version of a model; its step is the number of versions saved before.
   *
   * @param model an initialised DJL model
   * @param modelName the name its versions are recorded under
   * @param context the phase the version belongs to
   */
  void saveModelVersion(Model model, String modelName, Context context);

  /**
   * Saves a model version with DJL's {@code Model.save} under {@code artifacts/<name>/}, the step as
   * DJL's epoch ({@code <name>-<step:04d>.params}); the version is derived from the previous one.
   *
   * @param model an initialised DJL model
   * @param modelName the name its versions are recorded under
   * @param context the phase the version belongs to
   * @param step the version's step, 0 or more
   */
  void saveModelVersion(Model model, String modelName, Context context, long step);

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
  void logModelVersion(Model model, String modelName, Context context, long step, Path paramsFile);

  /**
   * Records a model file the run starts from (a checkpoint to fine-tune, pre-trained weights): a
   * {@code provml:InputModel} entity the run used, with the file's path, size and SHA-256, computed
   * on the run's background thread. A file that is one of this run's own versions is recorded as the
   * run's use of that version instead, and its next version derives from it. The agent records every
   * DJL {@code Model.load} this way by itself; call this with the listener, or for a load DJL does not
   * make.
   *
   * @param modelName the name of the model that loaded the file
   * @param file the model file that was loaded (a {@code .params} or TorchScript file)
   */
  void logInputModel(String modelName, Path file);

  /**
   * Records an optimizer: {@code optimizer_name}, {@code optimizer_lr} (its tracker's current
   * value) and every hyper-parameter it has ({@code optimizer_beta1}, {@code optimizer_momentum}, ...).
   *
   * @param optimizer the optimizer a trainer updates with
   */
  void logOptimizer(Optimizer optimizer);

  /**
   * {@link #logDataset(String, Dataset, Context)} used by the run itself rather than one of its phases.
   *
   * @param label the data set's name in the document, usable as a file name
   * @param dataset the DJL data set
   */
  void logDataset(String label, Dataset dataset);

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
  void logDataset(String label, Dataset dataset, Context context);

  /**
   * Records the application's code: its jar or classes folder with its SHA-256 (entity
   * {@code application_code}, used by the run), and, with {@code useGit}, the git commit of the
   * working directory as yProv4ML's {@code log_source_code(use_git=True)} does: params
   * {@code source_code} ({@code <remote URL>/<commit>}) and {@code source_code_dirty}. Both are
   * computed in the background; once per run.
   *
   * @param useGit whether to record the git commit and whether the working tree differs from it
   */
  void logSourceCode(boolean useGit);

  /**
   * Records param {@code execution_command}: the java binary, the JVM's options, {@code -jar} or
   * the class path and main class, and the arguments, with every value whose name contains
   * {@code password}, {@code secret}, {@code token} or {@code key} masked; once per run.
   */
  void logExecutionCommand();

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
  void logEnvironment();

  /**
   * {@link #logEnvironment()} of the engine a trainer runs on ({@code trainer.getManager().getEngine()}).
   *
   * @param engine the engine to describe
   */
  void logEnvironment(Engine engine);

  /**
   * Writes a CycloneDX bill of materials of the class path, artifact {@code sbom.cdx.json}: every jar
   * with its name, version, package URL and SHA-256, computed in the background; once per run.
   */
  void logBillOfMaterials();

  /** Returns once everything logged so far is written by every sink (or the timeout passed, reported). */
  void flush();

  /**
   * What prov4ml did with this run's records so far; exact after the run ended.
   *
   * @return points recorded and dropped, events after the end, failures inside prov4ml by place
   */
  RunReport report();

  /** Ends the run as FINISHED. */
  @Override
  void close();

  /**
   * Ends the run with {@code status}; a second call does nothing.
   *
   * @param status FINISHED, FAILED or KILLED
   * @throws IllegalArgumentException for {@link RunStatus#INCOMPLETE}, which only prov4ml records
   */
  void end(RunStatus status);
}
