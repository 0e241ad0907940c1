package org.prov4ml.internal.sink.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.prov4ml.internal.lineage.FileDigests;
import org.prov4ml.internal.pipeline.ArtifactRecord;
import org.prov4ml.internal.pipeline.Barrier;
import org.prov4ml.internal.pipeline.Event;
import org.prov4ml.internal.pipeline.EventKind;
import org.prov4ml.internal.pipeline.InputRecord;
import org.prov4ml.internal.pipeline.ModelRecord;
import org.prov4ml.internal.pipeline.ModelVersionRecord;
import org.prov4ml.internal.pipeline.RunOutcome;
import org.prov4ml.internal.pipeline.Sink;
import org.prov4ml.internal.sink.RunInfo;
import org.prov4ml.internal.sink.local.MetricCsvFiles.MetricFile;

/**
 * The local run directory, the source of truth of a run: metric points are appended to their CSV
 * files as they are drained; the PROV document is rewritten atomically (write, then rename) when
 * its records change, and every {@code rewriteInterval} to catch up with the metric files' sizes.
 */
public final class RunDirectoryWriter implements Sink {

  private final RunInfo run;
  private final RunLayout layout;
  private final MetricCsvFiles metrics;
  private final RunProvenance provenance;
  private final long rewriteIntervalMillis;
  private final ZoneId zone = ZoneId.systemDefault();

  private boolean recordsChanged = true;
  private boolean metricsChanged;
  private long lastWriteMillis;

  public RunDirectoryWriter(RunInfo run, Map<String, String> runAttributes, Duration rewriteInterval) {
    this.run = run;
    this.layout = run.layout();
    this.metrics = new MetricCsvFiles(layout);
    this.provenance = new RunProvenance(run, runAttributes);
    this.rewriteIntervalMillis = rewriteInterval.toMillis();
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public void accept(Event event) throws IOException {
    ZonedDateTime at;
    switch (event.kind()) {
      case METRIC -> {
        MetricFile file = metrics.find(event.key(), event.context());
        if (file == null) {
          file = metrics.create(event.key(), event.context());
          provenance.metric(file, timeOf(event));
          recordsChanged = true;
        }
        metrics.append(file, event.step(), event.value(), event.timestampMillis());
        metricsChanged = true;
      }
      case PARAM, INPUT_PARAM -> {
        provenance.param(event.key(), event.payload(String.class), timeOf(event),
            event.kind() == EventKind.INPUT_PARAM);
        recordsChanged = true;
      }
      case INPUT -> {
        provenance.input(event.payload(InputRecord.class), timeOf(event));
        recordsChanged = true;
      }
      case ARTIFACT -> {
        at = timeOf(event);
        artifact(event.payload(ArtifactRecord.class), at);
        recordsChanged = true;
      }
      case MODEL -> {
        at = timeOf(event);
        model(event.payload(ModelRecord.class), at);
        recordsChanged = true;
      }
      case MODEL_VERSION -> {
        ModelVersionRecord v = event.payload(ModelVersionRecord.class);
        Path file = v.paramsFile();
        provenance.modelVersion(v, file.toString(), Files.size(file), sha256(file), timeOf(event));
        recordsChanged = true;
      }
      default -> throw new IllegalStateException("unexpected event " + event.kind());
    }
  }

  private void artifact(ArtifactRecord a, ZonedDateTime at) throws IOException {
    for (Path copy : filesOf(a.copy())) {
      Path original = a.original().resolve(a.copy().relativize(copy)).normalize();
      String name = layout.artifactsDir().relativize(copy).toString();
      provenance.artifact(name, original.toString(), copy.toString(), Files.size(copy), sha256(copy),
          a.context(), a.isModel(), at);
    }
  }

  private void model(ModelRecord m, ZonedDateTime at) throws IOException {
    String modelId = provenance.model(m, at);
    if (m.summary() != null) {
      provenance.derive(artifactOfRun(m.summary(), false, at), modelId);
    }
    for (Path saved : m.savedFiles()) {
      provenance.derive(artifactOfRun(saved, true, at), modelId);
    }
  }

  /** A file prov4ml itself wrote under the artifacts folder: original and copy are the same file. */
  private String artifactOfRun(Path file, boolean isModel, ZonedDateTime at) throws IOException {
    String name = layout.artifactsDir().relativize(file).toString();
    return provenance.artifact(name, file.toString(), file.toString(), Files.size(file), sha256(file), null,
        isModel, at);
  }

  private static List<Path> filesOf(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return List.of(path);
    }
    try (Stream<Path> walk = Files.walk(path)) {
      return walk.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Override
  public void endOfBatch() throws IOException {
    metrics.flush();
    if (recordsChanged || (metricsChanged && now() - lastWriteMillis >= rewriteIntervalMillis)) {
      writeDocument();
    }
  }

  @Override
  public void awaitBarrier(Barrier barrier) throws IOException {
    metrics.flush();
    if (recordsChanged || metricsChanged) {
      writeDocument();
    }
    barrier.arrive(this);
  }

  @Override
  public void close(RunOutcome outcome) throws IOException {
    try {
      metrics.close();
    } finally {
      provenance.end(ZonedDateTime.ofInstant(outcome.endTime(), zone), outcome.status().name());
      writeDocument();
    }
  }

  /** Sets an attribute of the run activity, e.g. the MLflow run id; written with the next rewrite. */
  public void runAttribute(String name, String value) {
    provenance.runAttribute(name, value);
    recordsChanged = true;
  }

  public RunInfo run() {
    return run;
  }

  private void writeDocument() throws IOException {
    for (MetricFile file : metrics.files()) {
      provenance.metricProgress(file);
    }
    Path target = layout.provFile();
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      provenance.document().writeTo(out);
    }
    // A reader sees the old document or the new one, never half of one.
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    recordsChanged = false;
    metricsChanged = false;
    lastWriteMillis = now();
  }

  private ZonedDateTime timeOf(Event event) {
    return ZonedDateTime.ofInstant(Instant.ofEpochMilli(event.timestampMillis()), zone);
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  /** The SHA-256 of a file, in lower-case hex. */
  public static String sha256(Path file) throws IOException {
    return FileDigests.sha256(file);
  }
}
