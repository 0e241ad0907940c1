package org.prov4ml.internal.run;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.optimizer.Optimizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.prov4ml.Context;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.RunReport;
import org.prov4ml.RunStatus;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.config.LauncherEnvironment;
import org.prov4ml.internal.config.OverflowPolicy;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.config.ResumePolicy;
import org.prov4ml.internal.format.ArgumentChecks;
import org.prov4ml.internal.format.FileDigests;
import org.prov4ml.internal.format.ProvVocabulary;
import org.prov4ml.internal.format.RankWriterLock;
import org.prov4ml.internal.format.RunLayout;
import org.prov4ml.internal.inputs.ExecutionCommand;
import org.prov4ml.internal.lineage.IndexEntry;
import org.prov4ml.internal.lineage.RunIndex;
import org.prov4ml.internal.merge.JobDocumentWriter;
import org.prov4ml.internal.mlflow.MlflowReplica;
import org.prov4ml.internal.pipeline.ArtifactRecord;
import org.prov4ml.internal.pipeline.EventKind;
import org.prov4ml.internal.pipeline.EventPipeline;
import org.prov4ml.internal.pipeline.FailureCounts;
import org.prov4ml.internal.pipeline.InputRecord;
import org.prov4ml.internal.pipeline.ModelRecord;
import org.prov4ml.internal.pipeline.ModelVersionRecord;
import org.prov4ml.internal.pipeline.ModelVersionUse;
import org.prov4ml.internal.pipeline.ProducerLink;
import org.prov4ml.internal.pipeline.Replica;
import org.prov4ml.internal.pipeline.RunInfo;
import org.prov4ml.internal.pipeline.Sink;
import org.prov4ml.internal.record.RunDirectoryWriter;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.ModelVersion;
import org.prov4ml.rundir.PrintableText;
import org.prov4ml.rundir.RankRecord;
import org.tinylog.Logger;

/**
 * A run's life, top to bottom: {@link #start} makes its run directory and starts the pipeline into it (and the
 * MLflow replica, when configured); the {@code log*} methods check the caller's arguments, naming them in
 * their exceptions, and publish what they record; {@link #end} drains and closes the sinks, finishes the
 * replica and, on rank 0 of a job, merges the job's document. It owns all of a run's state: params, point and
 * version counters, whether it has ended. The static API ({@link org.prov4ml.Prov4ml}) reaches it through
 * {@link ActiveRun}; the listener and the agent hold it directly, so nothing needs a door around the API.
 */
public final class RecordedRun implements Run {

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
  private final RunProgress trainingProgress = new RunProgress();
  private final Map<String, AtomicLong> modelVersions = new ConcurrentHashMap<>();
  /**
   * This run's own model versions by SHA-256, to their entity ids: a loaded file with one of these
   * digests is a step back in the run's own chain, not an input from elsewhere. Filled on the
   * background thread as each version's digest becomes known, and by {@link #knownVersion}.
   */
  private final Map<String, String> ownVersions = new ConcurrentHashMap<>();
  /** Input model entity labels by the file (path and digest) or stream (model name) they stand for. */
  private final Map<String, String> inputModelLabels = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> params = new ConcurrentHashMap<>();
  private final AtomicBoolean ending = new AtomicBoolean();
  private volatile boolean ended;
  private final BackgroundWork background;
  private final RunInputs inputs;
  private final List<Replica> replicas;
  private final boolean implicit;
  /** The output directory's run index, kept between links; used only under this run's lock. */
  private RunIndex producerIndex;
  private final Object linkLock = new Object();
  private final AtomicBoolean linkFailureLogged = new AtomicBoolean();
  /** This rank's lock on its files, held until the run ends, so that no relaunch continues it meanwhile. */
  private RankWriterLock writerLock;
  private int attempt = 1;
  /** The record an earlier attempt left, when this run continues one; read once, at the start. */
  private volatile RankRecord previous;

  private RecordedRun(RunInfo info, Prov4mlConfig config, EventPipeline pipeline, FailureCounts failures,
      RunDirectoryWriter local, List<Replica> replicas, boolean implicit) {
    this.info = info;
    this.replicas = replicas;
    this.implicit = implicit;
    this.config = config;
    this.pipeline = pipeline;
    this.failures = failures;
    this.local = local;
    this.background = new BackgroundWork(info.runName(), failures);
    this.inputs = new RunInputs(this, config, background);
  }

  /**
   * Creates the run directory and starts the pipeline into it; MLflow, if configured, replicates the
   * directory as it becomes durable.
   */
  public static RecordedRun start(RunOptions options, Prov4mlConfig config, boolean implicit) throws IOException {
    return start(options, config, implicit, (info, local, failures) -> List.of(local, new RunIndexShardWriter(info)),
        (info, failures) -> MlflowReplica.live(info, config, System.getenv(), failures).stream().toList());
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
  public static RecordedRun start(RunOptions options, Prov4mlConfig config, SinkChoice choice) throws IOException {
    return start(options, config, false, choice, (info, failures) -> List.of());
  }

  private static RecordedRun start(RunOptions options, Prov4mlConfig config, boolean implicit, SinkChoice choice,
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
    RunResumption.Continued continued = null;
    RankWriterLock writerLock = null;
    if (runId != null) {
      continued = RunResumption.find(resumePolicy(options, config), LauncherEnvironment.restartCount(System.getenv()),
          outputDir, experiment, runId, rank, worldSize);
    }
    if (continued != null) {
      layout = continued.layout();
      writerLock = continued.lock();
    } else if (runId != null) {
      layout = RunLayout.claim(outputDir, experiment, runId, rank);
      writerLock = lockQuietly(layout);
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
        : continued != null ? continued.previous().run().name()
        : experiment + "_" + layout.runId();
    String namespace = options.userNamespace() != null ? options.userNamespace()
        : config.get(ConfigKeys.USER_NAMESPACE);
    RunInfo info = new RunInfo(experiment, layout.runId(), rank, worldSize, runName, namespace, ZonedDateTime.now(),
        options.tags(), layout);

    FailureCounts failures = new FailureCounts();
    List<Replica> replicas = replicaChoice.apply(info, failures);
    // The replicas hear of each new series from the writer, in the process: nothing reads the document for it.
    RunDirectoryWriter.SeriesListener seriesListener = (key, context, file) -> {
      for (Replica replica : replicas) {
        replica.seriesAdded(key, context, file);
      }
    };
    RunDirectoryWriter local = continued == null
        ? new RunDirectoryWriter(info, ProcessAttributes.get(), config.get(ConfigKeys.DOCUMENT_INTERVAL),
            seriesListener, config.get(ConfigKeys.METRICS_MAX_OPEN_FILES))
        : new RunDirectoryWriter(info, ProcessAttributes.get(), config.get(ConfigKeys.DOCUMENT_INTERVAL),
            seriesListener, config.get(ConfigKeys.METRICS_MAX_OPEN_FILES), continued.previous(),
            continued.attempt(), ExecutionCommand.ofThisJvm());
    List<Sink> sinks = choice.sinks(info, local, failures);
    EventPipeline pipeline = new EventPipeline(runName, config.get(ConfigKeys.BUFFER_SIZE),
        config.get(ConfigKeys.BUFFER_OVERFLOW), sinks, replicas, failures);
    if (replicas.stream().noneMatch(Replica::completesStartLine)) {
      Logger.info("{}", info.startLine());
    }
    RecordedRun run = new RecordedRun(info, config, pipeline, failures, local, replicas, implicit);
    run.writerLock = writerLock;
    if (continued != null) {
      Logger.info("prov4ml: run {} continues in {} as attempt {}", PrintableText.of(runName), layout.runDir(),
          continued.attempt());
      run.continueFrom(continued.previous(), continued.attempt());
    }
    return run;
  }

  private static ResumePolicy resumePolicy(RunOptions options, Prov4mlConfig config) {
    if (options.resume() == null) {
      return config.get(ConfigKeys.RUN_RESUME);
    }
    return switch (options.resume()) {
      case AUTO -> ResumePolicy.AUTO;
      case ALWAYS -> ResumePolicy.ALWAYS;
      case NEVER -> ResumePolicy.NEVER;
    };
  }

  /** This rank's writer lock on a run directory it claimed; without one (a file system without locks) it runs on. */
  private static RankWriterLock lockQuietly(RunLayout layout) {
    try {
      return RankWriterLock.tryAcquire(layout);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Takes on the counters an earlier attempt's record ends with, so that no implicit step, version number or
   * param repeats: the points of each series, the versions of each model and their digests, the params.
   */
  private void continueFrom(RankRecord previous, int attemptNumber) {
    this.attempt = attemptNumber;
    this.previous = previous;
    params.putAll(previous.params());
    for (MetricSeries series : previous.metrics()) {
      try {
        steps.continueFrom(series.key(), series.context(), series.pointCount());
      } catch (RuntimeException unreadable) {
        // a key the API would refuse, or a file gone: that series starts its count again
      }
    }
    for (ModelVersion version : previous.modelVersions()) {
      modelVersions.computeIfAbsent(version.name(), n -> new AtomicLong()).incrementAndGet();
      version.sha256().ifPresent(sha256 -> knownVersion(sha256, version.id()));
    }
  }

  /** This run's number of attempts so far, this one included: 1 unless it continues an earlier launch. */
  public int attempt() {
    return attempt;
  }

  /**
   * The last step the run's record held, before this attempt, of (key, context), read from its metric file; -1
   * when there is none. For counters of the listener and the agent that continue a relaunched run.
   */
  public long recordedLastStep(String key, Context context) {
    RankRecord record = previous;
    if (record == null) {
      return -1;
    }
    return record.metric(key, context).map(series -> {
      try (var points = series.points()) {
        return points.mapToLong(MetricPoint::step).max().orElse(-1);
      } catch (RuntimeException unreadable) {
        return -1L;
      }
    }).orElse(-1L);
  }

  /** The batch, step and epoch counts of the trainers recorded into this run. */
  public RunProgress trainingProgress() {
    return trainingProgress;
  }

  /** The configuration this run started with, read once when it started. */
  public Prov4mlConfig config() {
    return config;
  }

  /** What every sink knows about this run. */
  public RunInfo info() {
    return info;
  }

  @Override
  public String experimentName() {
    return info.experimentName();
  }

  @Override
  public String runId() {
    return info.runId();
  }

  @Override
  public int worldSize() {
    return info.worldSize();
  }

  @Override
  public String runName() {
    return info.runName();
  }

  @Override
  public int rank() {
    return info.rank();
  }

  @Override
  public Path runDirectory() {
    return info.layout().runDir();
  }

  @Override
  public Path provenanceFile() {
    return info.layout().provFile();
  }

  @Override
  public boolean isImplicit() {
    return implicit;
  }

  @Override
  public boolean isEnded() {
    return ended;
  }

  @Override
  public void logParam(String key, Object value) {
    ArgumentChecks.key(key, "param key");
    ArgumentChecks.notNull(value, "value of param '" + key + "'");
    checkOpen();
    recordParam(key, textOf(value), false);
  }

  /** A param's text: arrays (of primitives too) as {@code [1, 2]}, anything else by its toString. */
  private static String textOf(Object value) {
    if (!value.getClass().isArray()) {
      return String.valueOf(value);
    }
    String wrapped = Arrays.deepToString(new Object[] {value}); // handles every array type alike
    return wrapped.substring(1, wrapped.length() - 1);
  }

  @Override
  public void logParams(Map<String, ?> params) {
    ArgumentChecks.notNull(params, "params");
    params.forEach(this::logParam);
  }

  /**
   * A param from any thread, the run's background too, which may still record while the run ends;
   * {@code input}: a param the run used rather than chose (yProv4ML's {@code source_code}).
   */
  private void recordParam(String key, String text, boolean input) {
    String previous = params.putIfAbsent(key, text);
    if (previous == null) {
      publish(input ? EventKind.INPUT_PARAM : EventKind.PARAM, key, null, text);
    } else if (!previous.equals(text) && attempt > 1 && !key.startsWith("attempt" + attempt + ".")
        && recordedBefore(key, previous)) {
      // A relaunch that changed a param: MLflow's params cannot change, so this attempt's value gets a key of its own.
      recordParam("attempt" + attempt + "." + key, text, input);
    } else if (!previous.equals(text)) {
      throw new IllegalArgumentException("param '" + key + "' is already '" + previous
          + "' and cannot change to '" + text + "' (params are immutable, as in MLflow)");
    }
  }

  /** Whether {@code key} had {@code value} in the record an earlier attempt left. */
  private boolean recordedBefore(String key, String value) {
    RankRecord record = previous;
    return record != null && value.equals(record.params().get(key));
  }

  @Override
  public void logMetric(String key, double value, Context context) {
    logMetric(key, value, context, NEXT_STEP, false, System.currentTimeMillis());
  }

  @Override
  public void logMetric(String key, double value, Context context, long step) {
    logMetric(key, value, context, ArgumentChecks.nonNegative(step, "step"), false, System.currentTimeMillis());
  }

  /**
   * A metric point; {@code step} {@link #NEXT_STEP} takes the number of earlier points of (key,
   * context). Allocates nothing once the key is known: its counter is found with two map reads.
   */
  @Override
  public void logMetric(String key, double value, Context context, long step, boolean synchronous,
      long timestampMillis) {
    ArgumentChecks.notNull(key, "metric key");
    ArgumentChecks.notNull(context, "context");
    checkOpen();
    long points = steps.counter(key, context).incrementAndGet(); // points before this one; validates a new key
    pipeline.publishMetric(key, context, step == NEXT_STEP ? points : step, value, timestampMillis);
    if (synchronous) {
      flushOrReport("synchronous metric '" + key + "'");
    }
  }

  @Override
  public void logMetrics(Map<String, ? extends Number> metrics, Context context, long step) {
    logMetrics(metrics, context, step, false);
  }

  /** Points of several keys at one step and timestamp, flushed together when {@code synchronous}. */
  @Override
  public void logMetrics(Map<String, ? extends Number> metrics, Context context, long step, boolean synchronous) {
    ArgumentChecks.notNull(metrics, "metrics");
    ArgumentChecks.notNull(context, "context");
    ArgumentChecks.nonNegative(step, "step");
    metrics.forEach((key, value) -> {
      ArgumentChecks.notNull(key, "metric key");
      ArgumentChecks.notNull(value, "value of metric '" + key + "'");
    });
    checkOpen();
    long timestampMillis = System.currentTimeMillis();
    metrics.forEach((key, value) -> logMetric(key, value.doubleValue(), context, step, false, timestampMillis));
    if (synchronous) {
      flushOrReport("synchronous metrics " + metrics.keySet());
    }
  }

  /** A file the run's background could not write into the run directory: the run ends INCOMPLETE naming it. */
  void notWritten(String what, Path where, IOException reason) {
    local.unwritten().file(what, where, reason);
  }

  @Override
  public void logArtifact(Path path) {
    logArtifact(path, null);
  }

  /** Copies a file or directory into the artifacts and records it. */
  @Override
  public void logArtifact(Path path, Context context) {
    ArgumentChecks.existing(path, "artifact path");
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
    Path original = path.toAbsolutePath().normalize();
    publishHashed(EventKind.ARTIFACT, copy.getFileName().toString(), context, List.of(copy),
        digests -> new ArtifactRecord(original, copy, context, false, digests));
  }

  @Override
  public void logModel(Model model, String modelName) {
    logModel(model, modelName, true, true);
  }

  /** At most 20 names, so that a folder of a million sockets still makes one readable line. */
  private static String namesOf(List<String> skipped) {
    int shown = Math.min(skipped.size(), 20);
    String names = String.join(", ", skipped.subList(0, shown));
    return shown == skipped.size() ? names : names + " and " + (skipped.size() - shown) + " more";
  }

  /** Describes a model: its size as params and its summary file, and/or the model saved as an artifact. */
  @Override
  public void logModel(Model model, String modelName, boolean logModelInfo, boolean logAsArtifact) {
    ArgumentChecks.fileName(modelName, "modelName");
    ArgumentChecks.notNull(model, "model");
    checkOpen();
    ModelSize size = ModelSize.of(model, "model");
    Path artifacts = info.layout().artifactsDir();
    try {
      Path summary = null;
      if (logModelInfo) {
        recordParam(modelName + "_total_params", Long.toString(size.totalParams()), false);
        recordParam(modelName + "_memory_bytes", Long.toString(size.memoryBytes()), false);
        summary = ModelFiles.writeSummary(model, artifacts.resolve(modelName + "_summary.txt"));
      }
      List<Path> saved = logAsArtifact ? ModelFiles.save(model, artifacts.resolve(modelName), modelName) : List.of();
      List<Path> files = new ArrayList<>(saved);
      if (summary != null) {
        files.add(0, summary);
      }
      Path summaryFile = summary;
      publishHashed(EventKind.MODEL, modelName, null, files, digests -> new ModelRecord(modelName, size.totalParams(),
          size.memoryBytes(), summaryFile, saved, digests));
    } catch (IOException e) {
      local.unwritten().file("model '" + modelName + "' not written", artifacts.resolve(modelName), e);
    }
  }

  /** Writes a version's {@code .params} file into {@code dir} for {@code step} and returns it. */
  @FunctionalInterface
  public interface VersionWriter {
    Path write(Path dir, long step) throws IOException;
  }

  @Override
  public void saveModelVersion(Model model, String modelName, Context context) {
    saveVersion(model, modelName, context, NEXT_VERSION);
  }

  @Override
  public void saveModelVersion(Model model, String modelName, Context context, long step) {
    saveVersion(model, modelName, context, ArgumentChecks.nonNegative(step, "step"));
  }

  private void saveVersion(Model model, String modelName, Context context, long step) {
    checkVersion(model, modelName, context);
    recordModelVersion(model, modelName, context, step, (dir, at) -> ModelFiles.saveVersion(model, dir, modelName, at));
  }

  @Override
  public void logModelVersion(Model model, String modelName, Context context, long step, Path paramsFile) {
    ArgumentChecks.existing(paramsFile, "paramsFile");
    ArgumentChecks.nonNegative(step, "step");
    checkVersion(model, modelName, context);
    recordModelVersion(model, modelName, context, step,
        (dir, at) -> ModelFiles.copyVersion(paramsFile, dir, modelName, at));
  }

  private static void checkVersion(Model model, String modelName, Context context) {
    ArgumentChecks.notNull(model, "model");
    ArgumentChecks.fileName(modelName, "modelName");
    ArgumentChecks.notNull(context, "context");
  }

  /**
   * Writes a model version under {@code artifacts/<name>/} on the caller's thread (the model's
   * arrays are the training's) and records it; {@code step} {@link #NEXT_VERSION} takes the number
   * of earlier versions of that model.
   */
  private void recordModelVersion(Model model, String modelName, Context context, long step, VersionWriter writer) {
    checkOpen();
    ModelSize size = ModelSize.of(model, "model");
    long versions = modelVersions.computeIfAbsent(modelName, n -> new AtomicLong()).getAndIncrement();
    long at = step == NEXT_VERSION ? versions : step;
    Path dir = info.layout().artifactsDir().resolve(modelName);
    if (attempt > 1 && Files.exists(ModelFiles.versionFile(dir, modelName, at), LinkOption.NOFOLLOW_LINKS)) {
      // An earlier attempt's version has this name: it keeps its file, whose digest the record holds.
      dir = dir.resolve(RunLayout.attemptFolder(attempt));
    }
    Path into = dir;
    try {
      Path file = writer.write(into, at);
      publishHashed(EventKind.MODEL_VERSION, modelName, context, List.of(file), digests -> {
        ModelVersionRecord version = new ModelVersionRecord(modelName, context, at, file, size.totalParams(),
            size.memoryBytes(), digests.get(file));
        if (version.digest().sha256() != null) {
          knownVersion(version.digest().sha256(), version.entityId());
        }
        return version;
      });
    } catch (IOException e) {
      local.unwritten().file("version " + at + " of model '" + modelName + "' not saved", into, e);
    }
  }

  /**
   * A version the application saved itself, as the agent sees it: {@code savedFile} becomes the
   * version by a hard link (see {@link ModelVersionLinks}), so no thread copies it.
   */
  public void logSavedModelVersion(Model model, String modelName, Context context, long step, Path savedFile) {
    recordModelVersion(model, modelName, context, step, (dir, at) -> {
      Path version = ModelFiles.versionFile(dir, modelName, at);
      ModelVersionLinks.link(savedFile, version);
      return version;
    });
  }

  /**
   * A version of this run's own, made before this process recorded anything (an earlier attempt of a
   * resumed run): a loaded file with that digest is recorded as the run's use of that version.
   */
  public void knownVersion(String sha256, String versionEntityId) {
    ArgumentChecks.nonBlank(sha256, "sha256");
    ArgumentChecks.nonBlank(versionEntityId, "versionEntityId");
    ownVersions.put(sha256, versionEntityId);
  }

  @Override
  public void logInputModel(String modelName, Path file) {
    ArgumentChecks.nonBlank(modelName, "modelName");
    ArgumentChecks.existing(file, "file");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("file '" + file + "' is not a regular file; give the model file that "
          + "was loaded (a .params or TorchScript .pt file)");
    }
    checkOpen();
    recordInputModel(modelName, file);
  }

  /**
   * A model file the run started from, as the agent sees DJL load it: hashed on the background thread,
   * then either an input model entity the run used, or, when the digest is one of this run's own
   * versions, the run's use of that version.
   */
  public void recordInputModel(String modelName, Path file) {
    Path loaded = file.toAbsolutePath().normalize();
    long at = System.currentTimeMillis();
    background.submit("digest of input model " + loaded.getFileName(), new BackgroundWork.Task() {
      @Override
      public void run() {
        FileDigests.Digest digest = FileDigests.digests(List.of(loaded)).get(loaded);
        publishInputModel(modelName, loaded, digest, at);
      }

      @Override
      public void abandoned(String why) {
        publishInputModel(modelName, loaded, FileDigests.unhashed(loaded), at);
      }
    });
  }

  private void publishInputModel(String modelName, Path file, FileDigests.Digest digest, long at) {
    String sha256 = digest.sha256();
    String ownVersion = sha256 == null ? null : ownVersions.get(sha256);
    if (ownVersion != null) {
      pipeline.publish(EventKind.MODEL_VERSION_USED, modelName, null, at, new ModelVersionUse(ownVersion, modelName));
      return;
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put(ProvVocabulary.MODEL_NAME, modelName);
    attributes.put(ProvVocabulary.IDENTIFIER, file.toString());
    if (digest.bytes() >= 0) {
      attributes.put(ProvVocabulary.FILE_SIZE, Long.toString(digest.bytes()));
    }
    if (sha256 != null) {
      attributes.put(ProvVocabulary.SHA256, sha256);
    } else {
      attributes.put(ProvVocabulary.NOTE, "not hashed: the run ended first, or the file could not be read");
    }
    String label = inputModelLabel(file + "\n" + sha256, file.getFileName().toString());
    InputRecord input = new InputRecord(label, null, ProvVocabulary.TYPE_INPUT_MODEL, attributes);
    pipeline.publish(EventKind.INPUT, label, null, at, input);
    // On the background thread, where the digest became known: a checkpoint another run made is linked to it.
    linkToProducers(input.entityId(info.activityId()), sha256);
  }

  /**
   * A model DJL loaded from a stream: there is no file to name or hash, so the entity says so and
   * carries the model's name. Published at once: nothing to hash.
   */
  public void recordInputModelWithoutFile(String modelName) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put(ProvVocabulary.MODEL_NAME, modelName);
    attributes.put(ProvVocabulary.NO_FILE, "true");
    attributes.put(ProvVocabulary.NOTE, "loaded from a stream: no file to name or hash");
    String label = inputModelLabel("stream\n" + modelName, modelName + "_stream");
    publish(EventKind.INPUT, label, null, new InputRecord(label, null, ProvVocabulary.TYPE_INPUT_MODEL, attributes));
  }

  /**
   * The label of the input model entity for {@code source}: {@code InputModel_<name>}, its characters
   * kept to those of a file name so the entity id stays a valid PROV name, and numbered when another
   * source already has that label (two {@code mlp-0003.params} from different folders).
   */
  private String inputModelLabel(String source, String name) {
    return inputModelLabels.computeIfAbsent(source, s -> {
      String base = "InputModel_" + name.replaceAll("[^A-Za-z0-9_.-]", "_");
      String label = base;
      for (int n = 2; inputModelLabels.containsValue(label); n++) {
        label = base + "_" + n;
      }
      return label;
    });
  }

  @Override
  public void logOptimizer(Optimizer optimizer) {
    ArgumentChecks.notNull(optimizer, "optimizer");
    logParams(OptimizerParams.of(optimizer, ""));
  }

  @Override
  public void logDataset(String label, Dataset dataset) {
    logDataset(label, dataset, null);
  }

  /** A data set, once per (label, context); see {@link RunInputs#dataset}. */
  @Override
  public void logDataset(String label, Dataset dataset, Context context) {
    ArgumentChecks.fileName(label, "label");
    ArgumentChecks.notNull(dataset, "dataset");
    checkOpen();
    inputs.dataset(label, dataset, context);
  }

  /** The application's code and, with {@code useGit}, the git commit; see {@link RunInputs#sourceCode}. */
  @Override
  public void logSourceCode(boolean useGit) {
    checkOpen();
    inputs.sourceCode(useGit, this::recordParam);
  }

  @Override
  public void logExecutionCommand() {
    checkOpen();
    inputs.executionCommand(this::recordParam);
  }

  @Override
  public void logEnvironment() {
    Engine engine;
    try {
      engine = Engine.getInstance();
    } catch (RuntimeException | LinkageError noEngine) {
      engine = null; // DJL without an engine: its version and the machine are still worth recording
    }
    checkOpen();
    inputs.environment(engine, this::recordParam);
  }

  @Override
  public void logEnvironment(Engine engine) {
    ArgumentChecks.notNull(engine, "engine");
    checkOpen();
    inputs.environment(engine, this::recordParam);
  }

  @Override
  public void logBillOfMaterials() {
    checkOpen();
    inputs.billOfMaterials();
  }

  /** Returns once everything published so far is written by every sink, or the timeout passed (logged). */
  @Override
  public void flush() {
    checkOpen();
    // Everything logged so far includes the files still being hashed; a synchronous point waits on none of them.
    Duration timeout = config.get(ConfigKeys.SYNCHRONOUS_TIMEOUT);
    if (!background.awaitQueued(timeout)) {
      Logger.warn("prov4ml: flush did not see the run's files hashed within {} ms; they are recorded when done",
          timeout.toMillis());
    }
    flushOrReport("flush");
  }

  @Override
  public RunReport report() {
    return pipeline.report();
  }

  @Override
  public void close() {
    end(RunStatus.FINISHED);
  }

  /**
   * Ends the run: marks it ended, so that every later call fails, then records the drop count, drains, closes
   * the sinks (the MLflow replica finishes in its close) and logs the end line; on rank 0 of a job it then
   * merges the job's document. It waits for the sinks as long as a synchronous call and MLflow's final flush may
   * take. A second call does nothing.
   */
  @Override
  public void end(RunStatus status) {
    ArgumentChecks.notNull(status, "status");
    if (status == RunStatus.INCOMPLETE) {
      throw new IllegalArgumentException("status INCOMPLETE is recorded by prov4ml when a run lost data; "
          + "end a run as FINISHED, FAILED or KILLED");
    }
    if (!ending.compareAndSet(false, true)) {
      return;
    }
    ended = true;
    ActiveRun.forget(this);
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
    if (writerLock != null) {
      writerLock.close(); // the record is final: a relaunch may continue it
    }
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
      Logger.info("prov4ml: run {} {}: {}", PrintableText.of(info.runName()), status, counts);
    } else {
      // Never FINISHED when the run directory lacks part of the run: this says what and where.
      Logger.warn("prov4ml: run {} {}: {}; {}", PrintableText.of(info.runName()),
          status == RunStatus.FINISHED ? RunDirectoryWriter.INCOMPLETE : status + ", INCOMPLETE",
          String.join("; ", unwritten), counts);
    }
    if (!finished) {
      Logger.warn("prov4ml: run {} did not finish writing within {} ms", PrintableText.of(info.runName()), timeout.toMillis());
    }
    if (info.rank() == 0 && info.worldSize() > 1) {
      // Rank 0 merges the job's document once every rank's is final; a rank 0 that was killed does not wait.
      Duration wait = status == RunStatus.KILLED ? Duration.ZERO : config.get(ConfigKeys.MERGE_WAIT);
      if (JobDocumentWriter.mergeAtRankZerosEnd(info.layout(), info.worldSize(), wait)) {
        replicas.forEach(Replica::jobMerged);
      }
    }
  }

  /**
   * Links a file this run used to the runs of the same output directory that made it: when another run recorded
   * a model version or artifact of the digest {@code sha256}, as its own run directory confirms, that run's entity
   * is named in this run's document ({@code yprov:OtherRunEntity}, with its run directory, experiment, run id and
   * digest) and {@code usedEntityId prov:wasDerivedFrom} it. Found through the output directory's run index
   * ({@link RunIndex}), which is brought up to date first; this run's own earlier files are not linked (a run that
   * reloads its own checkpoint records it as its own version).
   *
   * <p>Call it on the run's background thread once the digest is known: it lists the output directory and may
   * read other runs' documents. Never throws: a failure is logged once and the run goes on.
   *
   * @param usedEntityId the id of this run's entity for the used file (an input model, a data set)
   * @param sha256 the file's SHA-256 in lower-case hex; anything else links nothing
   */
  public void linkToProducers(String usedEntityId, String sha256) {
    linkToProducers(usedEntityId, List.of(sha256 == null ? "" : sha256));
  }

  /** {@link #linkToProducers(String, String)} for several files of one entity (a data set's), one index refresh. */
  void linkToProducers(String usedEntityId, Collection<String> sha256s) {
    synchronized (linkLock) {
      link(usedEntityId, sha256s);
    }
  }

  private void link(String usedEntityId, Collection<String> sha256s) {
    try {
      if (usedEntityId == null || sha256s.stream().noneMatch(IndexEntry::isSha256)) {
        return;
      }
      Path runDir = info.layout().runDir();
      if (producerIndex == null) {
        producerIndex = RunIndex.of(runDir.getParent());
      }
      producerIndex.forgetDocuments(); // other runs went on writing since the last look
      producerIndex.refresh();
      String ownName = runDir.getFileName().toString();
      for (String sha : new java.util.LinkedHashSet<>(sha256s)) {
        if (!IndexEntry.isSha256(sha)) {
          continue;
        }
        for (RunIndex.Located located : List.copyOf(producerIndex.lookup(sha))) {
          if (!located.entry().made() || located.shard().runDirName().equals(ownName)) {
            continue;
          }
          producerIndex.verify(located).ifPresent(v -> publish(EventKind.PRODUCER_LINK, usedEntityId, null,
              new ProducerLink(usedEntityId, sha, located.shard().runDirName(), v.rank().run().experiment(),
                  v.rank().run().runId(), v.entry().entity(), v.entry().kind(), v.entry().label())));
        }
      }
    } catch (Exception | LinkageError e) {
      if (linkFailureLogged.compareAndSet(false, true)) {
        Logger.warn("prov4ml: run {}: the files it used could not be linked to the runs that made them: {}",
            PrintableText.of(info.runName()), PrintableText.of(String.valueOf(e.getMessage())));
      }
    }
  }

  /**
   * Publishes a record of files once the run's background thread has hashed them, so the drainer only formats
   * it: metric rows never wait behind a large file's digest, and the caller never waits on one either. The
   * background takes its tasks in order, so model versions keep their order. Files whose hashing the run's end
   * cut short are recorded with their size and a note instead of a SHA-256.
   *
   * @param roots files, or directories whose regular files are each hashed (listed on the background too)
   */
  private void publishHashed(EventKind kind, String key, Context context, List<Path> roots,
      Function<Map<Path, FileDigests.Digest>, Object> record) {
    long at = System.currentTimeMillis();
    background.submit("digest of " + key, new BackgroundWork.Task() {
      @Override
      public void run() {
        pipeline.publish(kind, key, context, at, record.apply(FileDigests.digests(filesOf(roots))));
      }

      @Override
      public void abandoned(String why) {
        Map<Path, FileDigests.Digest> sizes = new LinkedHashMap<>();
        filesOf(roots).forEach(f -> sizes.put(f, FileDigests.unhashed(f)));
        pipeline.publish(kind, key, context, at, record.apply(sizes));
      }
    });
  }

  /** The files under {@code roots}; a directory that cannot be listed stands for itself, recorded unhashed. */
  private static List<Path> filesOf(List<Path> roots) {
    List<Path> files = new ArrayList<>();
    for (Path root : roots) {
      try {
        files.addAll(FileDigests.filesOf(root));
      } catch (IOException e) {
        files.add(root);
      }
    }
    return files;
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

  @Override
  public String toString() {
    return "Run[" + info.runName() + " in " + info.layout().runDir() + "]";
  }

  private void checkOpen() {
    if (ended) {
      throw new IllegalStateException("run " + info.runName() + " has ended; start a new one with Prov4ml.startRun");
    }
  }
}
