package org.prov4ml.internal.run;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.training.dataset.Dataset;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.prov4ml.Context;
import org.prov4ml.RunOptions;
import org.prov4ml.RunReport;
import org.prov4ml.RunStatus;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.config.OverflowPolicy;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.pipeline.ArtifactRecord;
import org.prov4ml.internal.pipeline.EventKind;
import org.prov4ml.internal.pipeline.EventPipeline;
import org.prov4ml.internal.pipeline.FailureCounts;
import org.prov4ml.internal.pipeline.ModelRecord;
import org.prov4ml.internal.pipeline.ModelVersionRecord;
import org.prov4ml.internal.pipeline.Replica;
import org.prov4ml.internal.pipeline.Sink;
import org.prov4ml.internal.sink.RunInfo;
import org.prov4ml.internal.sink.local.JobDocumentWriter;
import org.prov4ml.internal.sink.local.RunDirectoryWriter;
import org.prov4ml.internal.sink.local.RunLayout;
import org.prov4ml.internal.sink.mlflow.MlflowSettings;
import org.prov4ml.internal.sink.mlflow.MlflowUploader;
import org.prov4ml.internal.sink.mlflow.RunDirectorySync;
import org.tinylog.Logger;

/**
 * A run's state and machinery: its run directory, its sinks, its event pipeline, the params and
 * point and version counters it has recorded, and whether it has ended. It owns all of a run's
 * state; {@link org.prov4ml.Run}, the public handle, checks the caller's arguments and hands each
 * call to exactly one method here, which never calls back.
 */
public final class RunRecorder {

  /** The metric that counts points discarded by the {@code drop} overflow policy. */
  public static final String DROPPED_EVENTS_METRIC = "prov4ml.dropped_events";

  /** The step of a model version saved without one: the number of versions of that model before it. */
  public static final long NEXT_VERSION = -1;

  /** The step of a metric point logged without one: the number of points of its (key, context) before it. */
  public static final long NEXT_STEP = Long.MIN_VALUE;

  private final RunInfo info;
  private final Prov4mlConfig config;
  private final EventPipeline pipeline;
  private final FailureCounts failures;
  private final RunDirectoryWriter local;
  private final StepCounters steps = new StepCounters();
  private final Map<String, AtomicLong> modelVersions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> params = new ConcurrentHashMap<>();
  private final AtomicBoolean ending = new AtomicBoolean();
  private volatile boolean ended;
  private final RunInputs inputs;

  private RunRecorder(RunInfo info, Prov4mlConfig config, EventPipeline pipeline, FailureCounts failures,
      RunDirectoryWriter local) {
    this.info = info;
    this.config = config;
    this.pipeline = pipeline;
    this.failures = failures;
    this.local = local;
    this.inputs = new RunInputs(this, config, new BackgroundWork(info.runName(), failures));
  }

  /**
   * Creates the run directory and starts the pipeline into it; MLflow, if configured, replicates the
   * directory as it becomes durable.
   */
  public static RunRecorder start(RunOptions options, Prov4mlConfig config) throws IOException {
    return start(options, config, (info, local, failures) -> List.of(local),
        (info, failures) -> MlflowUploader.create(info, config, System.getenv(), failures).stream().toList());
  }

  /** Chooses a run's sinks, given the run and its local run directory writer (always the first sink). */
  @FunctionalInterface
  public interface SinkChoice {
    List<Sink> sinks(RunInfo info, RunDirectoryWriter local, FailureCounts failures);
  }

  /**
   * Creates the run directory and starts the pipeline into the chosen sinks, with no replica;
   * benchmarks use it to measure the producer side without the disk behind it.
   */
  public static RunRecorder start(RunOptions options, Prov4mlConfig config, SinkChoice choice) throws IOException {
    return start(options, config, choice, (info, failures) -> List.of());
  }

  private static RunRecorder start(RunOptions options, Prov4mlConfig config, SinkChoice choice,
      BiFunction<RunInfo, FailureCounts, List<Replica>> replicaChoice) throws IOException {
    String experiment = options.experimentName() != null ? options.experimentName()
        : config.get(ConfigKeys.EXPERIMENT);
    Path outputDir = options.outputDir() != null ? options.outputDir() : config.get(ConfigKeys.OUTPUT_DIR);
    int rank = options.rank() != null ? options.rank() : config.get(ConfigKeys.RANK);
    int worldSize = options.worldSize() != null ? options.worldSize() : config.get(ConfigKeys.WORLD_SIZE);
    if (rank >= worldSize && worldSize > 1) {
      throw new IllegalArgumentException("rank " + rank + " is not below the world size " + worldSize
          + " (prov4ml.rank and prov4ml.world-size, or the launcher's RANK and WORLD_SIZE)");
    }
    String runId = options.runId() != null ? options.runId() : config.get(ConfigKeys.RUN_ID);
    RunLayout layout;
    if (runId != null) {
      layout = RunLayout.claim(outputDir, experiment, runId, rank);
      if (!layout.runId().equals(runId)) {
        Logger.warn("prov4ml: rank {} of run {} is already recorded in {}; this launch records into {}",
            rank, runId, layout.runDir().resolveSibling(experiment + "_" + runId), layout.runDir());
      }
    } else {
      layout = RunLayout.create(outputDir, experiment, rank);
      if (worldSize > 1) {
        Logger.warn("prov4ml: rank {} of {} has no run identity, so it records a run of its own in {}; set "
            + "prov4ml.run-id (PROV4ML_RUN_ID) to the same value in every rank to record the job in one "
            + "run directory", rank, worldSize, layout.runDir());
      }
    }
    String runName = options.runName() != null ? options.runName()
        : config.get(ConfigKeys.RUN_NAME) != null ? config.get(ConfigKeys.RUN_NAME)
        : experiment + "_" + layout.runId();
    String namespace = options.userNamespace() != null ? options.userNamespace()
        : config.get(ConfigKeys.USER_NAMESPACE);
    RunInfo info = new RunInfo(experiment, layout.runId(), rank, worldSize, runName, namespace, ZonedDateTime.now(),
        options.tags(), layout);

    FailureCounts failures = new FailureCounts();
    RunDirectoryWriter local = new RunDirectoryWriter(info, ProcessAttributes.get(),
        config.get(ConfigKeys.DOCUMENT_INTERVAL), config.get(ConfigKeys.METRICS_MAX_OPEN_FILES));
    List<Sink> sinks = choice.sinks(info, local, failures);
    List<Replica> replicas = replicaChoice.apply(info, failures);
    EventPipeline pipeline = new EventPipeline(runName, config.get(ConfigKeys.BUFFER_SIZE),
        config.get(ConfigKeys.BUFFER_OVERFLOW), sinks, replicas, failures);
    if (replicas.stream().noneMatch(Replica::completesStartLine)) {
      Logger.info("{}", info.startLine());
    }
    return new RunRecorder(info, config, pipeline, failures, local);
  }

  public RunInfo info() {
    return info;
  }

  public boolean isEnded() {
    return ended;
  }

  /**
   * A param, immutable as in MLflow: the same text again is a no-op.
   *
   * @throws IllegalArgumentException when {@code key} already has another value
   */
  public void logParam(String key, String text) {
    checkOpen();
    recordParam(key, text, false);
  }

  /**
   * A param from any thread, the run's background too, which may still record while the run ends;
   * {@code input}: a param the run used rather than chose (yProv4ML's {@code source_code}).
   */
  private void recordParam(String key, String text, boolean input) {
    String previous = params.putIfAbsent(key, text);
    if (previous == null) {
      publish(input ? EventKind.INPUT_PARAM : EventKind.PARAM, key, null, text);
    } else if (!previous.equals(text)) {
      throw new IllegalArgumentException("param '" + key + "' is already '" + previous
          + "' and cannot change to '" + text + "' (params are immutable, as in MLflow)");
    }
  }

  /**
   * A metric point; {@code step} {@link #NEXT_STEP} takes the number of earlier points of (key,
   * context). Allocates nothing once the key is known: its counter is found with two map reads.
   */
  public void logMetric(String key, Context context, long step, double value, long timestampMillis,
      boolean synchronous) {
    checkOpen();
    long points = steps.counter(key, context).incrementAndGet(); // points before this one; validates a new key
    pipeline.publishMetric(key, context, step == NEXT_STEP ? points : step, value, timestampMillis);
    if (synchronous) {
      flushOrReport("synchronous metric '" + key + "'");
    }
  }

  /** Points of several keys at one step and timestamp, flushed together when {@code synchronous}. */
  public void logMetrics(Map<String, ? extends Number> values, Context context, long step, long timestampMillis,
      boolean synchronous) {
    checkOpen();
    values.forEach((key, value) -> logMetric(key, context, step, value.doubleValue(), timestampMillis, false));
    if (synchronous) {
      flushOrReport("synchronous metrics " + values.keySet());
    }
  }

  /** A file the run's background could not write into the run directory: the run ends INCOMPLETE naming it. */
  void notWritten(String what, Path where, IOException reason) {
    local.unwritten().file(what, where, reason);
  }

  /** Copies a file or directory into the artifacts and records it. */
  public void logArtifact(Path path, Context context) {
    checkOpen();
    ArtifactCopier.Copy copied;
    try {
      copied = ArtifactCopier.copy(path, info.layout().artifactsDir(), info.layout().runDir().getParent());
    } catch (IOException e) {
      // Disk full or unreadable: the application goes on, and the run ends INCOMPLETE naming the file.
      Path target = info.layout().artifactsDir().resolve(path.getFileName().toString());
      ArtifactCopier.deletePartialCopy(path, target);
      local.unwritten().file("artifact " + path + " not copied", target, e);
      return;
    }
    if (!copied.skipped().isEmpty()) {
      // Skipped by design, not lost: the run stays complete, and the user learns what was left out.
      Logger.warn("prov4ml: artifact {}: {} entr{} not copied: {}", path, copied.skipped().size(),
          copied.skipped().size() == 1 ? "y" : "ies", namesOf(copied.skipped()));
    }
    Path copy = copied.target();
    if (copy == null) {
      return;
    }
    publish(EventKind.ARTIFACT, copy.getFileName().toString(), context,
        new ArtifactRecord(path.toAbsolutePath().normalize(), copy, context, false));
  }

  /** At most 20 names, so that a folder of a million sockets still makes one readable line. */
  private static String namesOf(List<String> skipped) {
    int shown = Math.min(skipped.size(), 20);
    String names = String.join(", ", skipped.subList(0, shown));
    return shown == skipped.size() ? names : names + " and " + (skipped.size() - shown) + " more";
  }

  /** Describes a model: its size as params and its summary file, and/or the model saved as an artifact. */
  public void logModel(Model model, String modelName, boolean logModelInfo, boolean logAsArtifact) {
    checkOpen();
    ModelSize size = ModelSize.of(model, "model");
    Path artifacts = info.layout().artifactsDir();
    try {
      Path summary = null;
      if (logModelInfo) {
        logParam(modelName + "_total_params", Long.toString(size.totalParams()));
        logParam(modelName + "_memory_bytes", Long.toString(size.memoryBytes()));
        summary = ModelFiles.writeSummary(model, artifacts.resolve(modelName + "_summary.txt"));
      }
      List<Path> saved = logAsArtifact ? ModelFiles.save(model, artifacts.resolve(modelName), modelName) : List.of();
      publish(EventKind.MODEL, modelName, null,
          new ModelRecord(modelName, size.totalParams(), size.memoryBytes(), summary, saved));
    } catch (IOException e) {
      local.unwritten().file("model '" + modelName + "' not written", artifacts.resolve(modelName), e);
    }
  }

  /** Writes a version's {@code .params} file into {@code dir} for {@code step} and returns it. */
  @FunctionalInterface
  public interface VersionWriter {
    Path write(Path dir, long step) throws IOException;
  }

  /**
   * Writes a model version under {@code artifacts/<name>/} on the caller's thread (the model's
   * arrays are the training's) and records it; {@code step} {@link #NEXT_VERSION} takes the number
   * of earlier versions of that model.
   */
  public void logModelVersion(Model model, String modelName, Context context, long step, VersionWriter writer) {
    checkOpen();
    ModelSize size = ModelSize.of(model, "model");
    long versions = modelVersions.computeIfAbsent(modelName, n -> new AtomicLong()).getAndIncrement();
    long at = step == NEXT_VERSION ? versions : step;
    Path dir = info.layout().artifactsDir().resolve(modelName);
    try {
      Path file = writer.write(dir, at);
      publish(EventKind.MODEL_VERSION, modelName, context,
          new ModelVersionRecord(modelName, context, at, file, size.totalParams(), size.memoryBytes()));
    } catch (IOException e) {
      local.unwritten().file("version " + at + " of model '" + modelName + "' not saved", dir, e);
    }
  }

  /**
   * A version the application saved itself, as the agent sees it: {@code savedFile} becomes the
   * version by a hard link (see {@link ModelVersionLinks}), so no thread copies it.
   */
  public void logSavedModelVersion(Model model, String modelName, Context context, long step, Path savedFile) {
    logModelVersion(model, modelName, context, step, (dir, at) -> {
      Path version = ModelFiles.versionFile(dir, modelName, at);
      ModelVersionLinks.link(savedFile, version);
      return version;
    });
  }

  /** A data set, once per (label, context); see {@link RunInputs#dataset}. */
  public void logDataset(String label, Dataset dataset, Context context) {
    checkOpen();
    inputs.dataset(label, dataset, context);
  }

  /** The application's code and, with {@code useGit}, the git commit; see {@link RunInputs#sourceCode}. */
  public void logSourceCode(boolean useGit) {
    checkOpen();
    inputs.sourceCode(useGit, this::recordParam);
  }

  public void logExecutionCommand() {
    checkOpen();
    inputs.executionCommand(this::recordParam);
  }

  /** The environment params, of {@code engine} (null: none) and of this process. */
  public void logEnvironment(Engine engine) {
    checkOpen();
    inputs.environment(engine, this::recordParam);
  }

  public void logBillOfMaterials() {
    checkOpen();
    inputs.billOfMaterials();
  }

  /** Returns once everything published so far is written by every sink, or the timeout passed (logged). */
  public void flush() {
    checkOpen();
    flushOrReport("flush");
  }

  public RunReport report() {
    return pipeline.report();
  }

  /**
   * Marks the run ended, so that every later call fails; true for the first caller only, who then
   * calls {@link #end}.
   */
  public boolean markEnded() {
    if (!ending.compareAndSet(false, true)) {
      return false;
    }
    ended = true;
    return true;
  }

  /**
   * Ends the run marked ended: records the drop count, drains, closes the sinks and logs the end
   * line. It waits for the sinks as long as a synchronous call and MLflow's final flush may take.
   */
  public void end(RunStatus status) {
    inputs.finish(config.get(ConfigKeys.BACKGROUND_TIMEOUT)); // what the background found belongs in the run
    Duration timeout = config.get(ConfigKeys.SYNCHRONOUS_TIMEOUT).plus(config.get(ConfigKeys.MLFLOW_FLUSH_TIMEOUT))
        .plus(Duration.ofSeconds(5));
    if (config.get(ConfigKeys.BUFFER_OVERFLOW) == OverflowPolicy.DROP) {
      // Recorded even when 0: under `drop`, "nothing was dropped" is a finding too.
      long step = steps.counter(DROPPED_EVENTS_METRIC, Context.SYSTEM).incrementAndGet();
      pipeline.publishMetricWaiting(DROPPED_EVENTS_METRIC, Context.SYSTEM, step, pipeline.droppedMetricPoints(),
          System.currentTimeMillis());
    }
    boolean finished = pipeline.close(status, timeout);
    RunReport r = pipeline.report();
    String counts = String.format("%d metric points recorded, %d dropped%s%s%s, run directory %s",
        r.metricPoints() - local.unwritten().lostPoints(), r.droppedMetricPoints(),
        r.sinkSummaries().isEmpty() ? "" : ", " + String.join(", ", r.sinkSummaries()),
        r.lateEvents() > 0 ? ", " + r.lateEvents() + " logged after the end and not recorded" : "",
        r.failures().isEmpty() ? "" : ", failures " + r.failures(),
        info.layout().runDir());
    List<String> unwritten = new ArrayList<>();
    if (!local.unwritten().isEmpty()) {
      unwritten.add(local.unwritten().detail());
    }
    local.documentFailure().ifPresent(reason -> unwritten.add("the PROV document could not be written ("
        + reason + ") and shows the run as it was before"));
    if (unwritten.isEmpty()) {
      Logger.info("prov4ml: run {} {}: {}", info.runName(), status, counts);
    } else {
      // Never FINISHED when the run directory lacks part of the run: this says what and where.
      Logger.warn("prov4ml: run {} {}: {}; {}", info.runName(),
          status == RunStatus.FINISHED ? RunDirectoryWriter.INCOMPLETE : status + ", INCOMPLETE",
          String.join("; ", unwritten), counts);
    }
    if (!finished) {
      Logger.warn("prov4ml: run {} did not finish writing within {} ms", info.runName(), timeout.toMillis());
    }
    if (info.rank() == 0 && info.worldSize() > 1) {
      mergeJobDocument(status);
    }
  }

  /**
   * Rank 0 writes the job's document once every rank's is final, waiting for them up to
   * {@code prov4ml.merge.wait}; a rank 0 that was killed does not wait.
   */
  private void mergeJobDocument(RunStatus status) {
    RunLayout layout = info.layout();
    Duration wait = status == RunStatus.KILLED ? Duration.ZERO : config.get(ConfigKeys.MERGE_WAIT);
    try {
      JobDocumentWriter.Result r = JobDocumentWriter.awaitRanksAndWrite(layout, info.worldSize(), wait,
          missing -> Logger.info("prov4ml: waiting up to {} s for {} of {} ranks of run {} to end, to merge the job's "
              + "document", wait.toSeconds(), missing.size(), info.worldSize(), layout.runId()));
      if (r.complete()) {
        Logger.info("prov4ml: job document of {} ranks, {}: {}", r.worldSize(), r.status(), r.file());
      } else {
        Logger.warn("prov4ml: job document {} lacks {}; once they end, run: java -jar prov4ml.jar merge {}",
            r.file(), r.describeMissing(), layout.runDir());
      }
      if (config.get(ConfigKeys.MLFLOW_TRACKING_URI) != null) {
        completeMlflowParent(layout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Logger.warn("prov4ml: interrupted while merging the job's document; run: java -jar prov4ml.jar merge {}",
          layout.runDir());
    } catch (IOException | RuntimeException e) {
      Logger.warn("prov4ml: cannot merge the job's document in {}: {}; run: java -jar prov4ml.jar merge {}",
          layout.runDir(), e.getMessage(), layout.runDir());
    }
  }

  /** The job's MLflow parent run gets the job's params, document and end; a failure says how to finish it. */
  private void completeMlflowParent(RunLayout layout) throws InterruptedException {
    try {
      MlflowSettings settings = MlflowSettings.from(config, System.getenv(), null);
      String parent = RunDirectorySync.completeJob(layout.runDir(), settings,
          config.get(ConfigKeys.MLFLOW_FLUSH_TIMEOUT));
      if (parent != null) {
        Logger.info("prov4ml: job {} is MLflow run {}, its ranks' runs nested under it", layout.jobActivityId(),
            parent);
      }
    } catch (IOException | RuntimeException e) {
      Logger.warn("prov4ml: the job's MLflow parent run is not complete ({}); it is safe in the run directory; to "
          + "finish it run: {}", e.getMessage(), RunDirectorySync.syncCommand(layout.runDir().toString()));
    }
  }

  void publish(EventKind kind, String key, Context context, Object payload) {
    pipeline.publish(kind, key, context, System.currentTimeMillis(), payload);
  }

  /** Flushes every sink; a timeout is logged, naming what waited, and the caller goes on. */
  private void flushOrReport(String what) {
    Duration timeout = config.get(ConfigKeys.SYNCHRONOUS_TIMEOUT);
    try {
      if (!pipeline.flush(timeout)) {
        Logger.warn("prov4ml: {} was not confirmed by every sink within {} ms; it is still queued",
            what, timeout.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void checkOpen() {
    if (ended) {
      throw new IllegalStateException("run " + info.runName() + " has ended; start a new one with Prov4ml.startRun");
    }
  }
}
