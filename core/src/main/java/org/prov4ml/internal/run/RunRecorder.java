package org.prov4ml.internal.run;

import ai.djl.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import com.lmax.disruptor.Sequence;
import org.prov4ml.Context;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.config.OverflowPolicy;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.pipeline.ArtifactRecord;
import org.prov4ml.internal.pipeline.EventKind;
import org.prov4ml.internal.pipeline.EventPipeline;
import org.prov4ml.internal.pipeline.FailureCounts;
import org.prov4ml.internal.pipeline.ModelVersionRecord;
import org.prov4ml.internal.pipeline.PipelineReport;
import org.prov4ml.internal.pipeline.RunOutcome;
import org.prov4ml.internal.pipeline.Sink;
import org.prov4ml.internal.sink.RunInfo;
import org.prov4ml.internal.sink.local.RunDirectoryWriter;
import org.prov4ml.internal.sink.local.RunLayout;
import org.prov4ml.internal.sink.mlflow.MlflowSink;
import org.tinylog.Logger;

/**
 * The machinery behind a {@link org.prov4ml.Run}: its run directory, its sinks and its event
 * pipeline. The run validates arguments; this turns them into events.
 */
public final class RunRecorder {

  /** The metric that counts points discarded by the {@code drop} overflow policy. */
  public static final String DROPPED_EVENTS_METRIC = "prov4ml.dropped_events";

  private final RunInfo info;
  private final Prov4mlConfig config;
  private final EventPipeline pipeline;
  private final FailureCounts failures;
  private final StepCounters steps = new StepCounters();
  private final Map<String, AtomicLong> modelVersions = new java.util.concurrent.ConcurrentHashMap<>();

  private RunRecorder(RunInfo info, Prov4mlConfig config, EventPipeline pipeline, FailureCounts failures) {
    this.info = info;
    this.config = config;
    this.pipeline = pipeline;
    this.failures = failures;
  }

  /** Creates the run directory and starts the pipeline into the local run directory (and MLflow if configured). */
  public static RunRecorder start(RunOptions options, Prov4mlConfig config) throws IOException {
    return start(options, config, (info, local, failures) -> {
      List<Sink> sinks = new ArrayList<>();
      sinks.add(local);
      // After the writer: the MLflow uploader sends what the writer has put in the run directory.
      MlflowSink.create(info, local, config, System.getenv(), failures).ifPresent(sinks::add);
      return sinks;
    });
  }

  /** Chooses a run's sinks, given the run and its local run directory writer (always the first sink). */
  @FunctionalInterface
  public interface SinkChoice {
    List<Sink> sinks(RunInfo info, RunDirectoryWriter local, FailureCounts failures);
  }

  /**
   * Creates the run directory and starts the pipeline into the chosen sinks; benchmarks use it to
   * measure the producer side without the disk behind it.
   */
  public static RunRecorder start(RunOptions options, Prov4mlConfig config, SinkChoice choice) throws IOException {
    String experiment = options.experimentName() != null ? options.experimentName()
        : config.get(ConfigKeys.EXPERIMENT);
    Path outputDir = options.outputDir() != null ? options.outputDir() : config.get(ConfigKeys.OUTPUT_DIR);
    int rank = options.rank() != null ? options.rank() : config.get(ConfigKeys.RANK);
    RunLayout layout = RunLayout.create(outputDir, experiment, rank);
    String runName = options.runName() != null ? options.runName()
        : config.get(ConfigKeys.RUN_NAME) != null ? config.get(ConfigKeys.RUN_NAME)
        : experiment + "_" + layout.runId();
    String namespace = options.userNamespace() != null ? options.userNamespace()
        : config.get(ConfigKeys.USER_NAMESPACE);
    RunInfo info = new RunInfo(experiment, layout.runId(), rank, runName, namespace, ZonedDateTime.now(),
        options.tags(), layout);

    FailureCounts failures = new FailureCounts();
    RunDirectoryWriter local = new RunDirectoryWriter(info, ProcessAttributes.get(),
        config.get(ConfigKeys.DOCUMENT_INTERVAL));
    List<Sink> sinks = choice.sinks(info, local, failures);
    EventPipeline pipeline = new EventPipeline(runName, config.get(ConfigKeys.BUFFER_SIZE),
        config.get(ConfigKeys.BUFFER_OVERFLOW), sinks, failures);
    if (sinks.stream().noneMatch(Sink::completesStartLine)) {
      Logger.info("{}", info.startLine());
    }
    return new RunRecorder(info, config, pipeline, failures);
  }

  public RunInfo info() {
    return info;
  }

  public Prov4mlConfig config() {
    return config;
  }

  /** Failures inside prov4ml during this run, for the agent's own hooks to count theirs in. */
  public FailureCounts failures() {
    return failures;
  }

  /** The point counter of (key, context); validates the key when it is new. */
  public Sequence stepCounter(String key, Context context) {
    return steps.counter(key, context);
  }

  public void publishMetric(String key, Context context, long step, double value, long timestampMillis) {
    pipeline.publishMetric(key, context, step, value, timestampMillis);
  }

  public void publish(EventKind kind, String key, Context context, Object payload) {
    pipeline.publish(kind, key, context, System.currentTimeMillis(), payload);
  }

  /** Flushes every sink; a timeout is logged, naming what waited, and the caller goes on. */
  public void flushOrReport(String what) {
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

  public void copyArtifact(Path path, Context context) {
    try {
      Path copy = ArtifactCopier.copy(path, info.layout().artifactsDir());
      publish(EventKind.ARTIFACT, copy.getFileName().toString(), context,
          new ArtifactRecord(path.toAbsolutePath().normalize(), copy, context, false));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy artifact " + path + " into " + info.layout().artifactsDir(), e);
    }
  }

  /** The step of a model version saved without one: the number of versions of that model before it. */
  public static final long NEXT_VERSION = -1;

  /** Writes a version's {@code .params} file into {@code dir} for {@code step} and returns it. */
  @FunctionalInterface
  public interface VersionWriter {
    Path write(Path dir, long step) throws IOException;
  }

  /**
   * Writes a model version under {@code artifacts/<name>/} on the caller's thread (the model's
   * arrays are the training's) and records it.
   */
  public void recordModelVersion(Model model, String modelName, Context context, long step, VersionWriter writer) {
    ModelSize size = ModelSize.of(model, "model");
    long versions = modelVersions.computeIfAbsent(modelName, n -> new AtomicLong()).getAndIncrement();
    long at = step == NEXT_VERSION ? versions : step;
    Path dir = info.layout().artifactsDir().resolve(modelName);
    try {
      Path file = writer.write(dir, at);
      publish(EventKind.MODEL_VERSION, modelName, context,
          new ModelVersionRecord(modelName, context, at, file, size.totalParams(), size.memoryBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save version " + at + " of model '" + modelName + "' to " + dir, e);
    }
  }

  public PipelineReport report() {
    return pipeline.report();
  }

  /** Ends the run: records the drop count, drains, closes the sinks and logs the end line. */
  public void end(RunOutcome.Status status, Duration timeout) {
    if (config.get(ConfigKeys.BUFFER_OVERFLOW) == OverflowPolicy.DROP) {
      // Recorded even when 0: under `drop`, "nothing was dropped" is a finding too.
      long step = steps.counter(DROPPED_EVENTS_METRIC, Context.SYSTEM).incrementAndGet();
      pipeline.publishMetricWaiting(DROPPED_EVENTS_METRIC, Context.SYSTEM, step, pipeline.droppedMetricPoints(),
          System.currentTimeMillis());
    }
    boolean finished = pipeline.close(status, timeout);
    PipelineReport r = pipeline.report();
    Logger.info("prov4ml: run {} {}: {} metric points recorded, {} dropped{}{}{}, run directory {}",
        info.runName(), status, r.metricPoints(), r.droppedMetricPoints(),
        r.sinkSummaries().isEmpty() ? "" : ", " + String.join(", ", r.sinkSummaries()),
        r.lateEvents() > 0 ? ", " + r.lateEvents() + " logged after the end and not recorded" : "",
        r.failures().isEmpty() ? "" : ", failures " + r.failures(),
        info.layout().runDir());
    if (!finished) {
      Logger.warn("prov4ml: run {} did not finish writing within {} ms", info.runName(), timeout.toMillis());
    }
  }
}
