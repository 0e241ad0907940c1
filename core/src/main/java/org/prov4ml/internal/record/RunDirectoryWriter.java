package org.prov4ml.internal.record;

import java.io.BufferedOutputStream;
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
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.prov4ml.Context;
import org.prov4ml.RunStatus;
import org.prov4ml.internal.format.AtomicFile;
import org.prov4ml.internal.format.FileDigests;
import org.prov4ml.internal.format.OsReason;
import org.prov4ml.internal.format.RunLayout;
import org.prov4ml.internal.pipeline.ArtifactRecord;
import org.prov4ml.internal.pipeline.Barrier;
import org.prov4ml.internal.pipeline.Event;
import org.prov4ml.internal.pipeline.EventKind;
import org.prov4ml.internal.pipeline.InputRecord;
import org.prov4ml.internal.pipeline.ProducerLink;
import org.prov4ml.internal.pipeline.ModelRecord;
import org.prov4ml.internal.pipeline.ModelVersionRecord;
import org.prov4ml.internal.pipeline.ModelVersionUse;
import org.prov4ml.internal.pipeline.RunInfo;
import org.prov4ml.internal.pipeline.RunOutcome;
import org.prov4ml.internal.pipeline.Sink;
import org.prov4ml.internal.record.MetricCsvFiles.MetricFile;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunActivity;

/**
 * The local run directory, the source of truth of a run: metric points are appended to their CSV
 * files as they are drained; the PROV document is rewritten atomically (write, then rename).
 *
 * <p>A rewrite writes the whole document, which grows with the run (a model version per epoch adds
 * an entity and two relations), so rewriting it per event would make an epoch's cost grow with the
 * run's age. Changes are coalesced instead: the document is rewritten at most once per
 * {@code rewriteInterval}, at once when the last rewrite is older than that, else when it becomes
 * so, also in a quiet run ({@link #idle}); and at once at a barrier ({@code flush}) and at the end.
 * It is thus never more than one interval (and a drainer sleep) behind. See docs/benchmarks.md.
 *
 * <p>A new metric file waits for the next rewrite too: the replicas hear of it in the process
 * ({@link SeriesListener}), so nothing needs the document rewritten to find it. A reader of the directory
 * (after a {@code kill -9}, {@code sync}, a restart) finds a file the document does not name yet by listing
 * the metrics folder ({@code RunDirectory}).
 */
public final class RunDirectoryWriter implements Sink {

  /** Hears, on the drainer, of each metric series as its file is created. */
  @FunctionalInterface
  public interface SeriesListener {
    void seriesCreated(String key, Context context, Path file);
  }

  /** The status of a run that ended but could not write everything it was given. */
  public static final String INCOMPLETE = "INCOMPLETE";
  /** The run activity's attribute saying what an INCOMPLETE run lacks, and where. */
  public static final String INCOMPLETE_ATTRIBUTE = RunActivity.INCOMPLETE_ATTRIBUTE;

  private final RunInfo run;
  private final RunLayout layout;
  private final UnwrittenRecords unwritten;
  private final DiskReserve reserve;
  private final MetricCsvFiles metrics;
  private final RunProvenance provenance;
  private final long rewriteIntervalNanos;
  private final LongSupplier nanoClock;
  private final ZoneId zone = ZoneId.systemDefault();

  private boolean recordsChanged = true;
  private boolean metricsChanged;
  private final SeriesListener seriesListener;
  /** When the document was last written, or tried. */
  private long lastWriteNanos;
  private long documentWrites;
  /** Why the last rewrite of the document failed; null once one succeeds. */
  private IOException documentFailure;
  private String endStatus;

  /**
   * @param seriesListener hears of each new metric series, on the drainer
   * @param maxOpenFiles how many metric CSVs may be open at once ({@code prov4ml.metrics.max-open-files})
   */
  public RunDirectoryWriter(RunInfo run, Map<String, String> runAttributes, Duration rewriteInterval,
      SeriesListener seriesListener, int maxOpenFiles) {
    this(run, runAttributes, rewriteInterval, seriesListener, System::nanoTime, maxOpenFiles, null);
  }

  /**
   * A writer that continues the run directory an earlier attempt of the run wrote (a relaunched job): its
   * document's records are kept, its metric files appended to, and the attempt recorded.
   *
   * @param previous this rank's record as the earlier attempt left it, read through the reader
   * @param attempt this attempt's number, from 2
   * @param commandLine this process's command line, secrets masked, for the attempt's record
   */
  public RunDirectoryWriter(RunInfo run, Map<String, String> runAttributes, Duration rewriteInterval,
      SeriesListener seriesListener, int maxOpenFiles, RankRecord previous, int attempt, String commandLine) {
    this(run, runAttributes, rewriteInterval, seriesListener, System::nanoTime, maxOpenFiles,
        new RunProvenance.Continuation(previous, attempt, commandLine));
    for (MetricSeries series : previous.metrics()) {
      adopt(series);
    }
  }

  /**
   * Appends this attempt's points of a series to the earlier attempt's file, when that file is one of this
   * rank's metric files (the document is untrusted: a file it names elsewhere is left alone, and the series
   * goes on in a file of its own).
   */
  private void adopt(MetricSeries series) {
    Path file = series.file();
    if (file == null || !layout.metricsDir().equals(file.getParent())) {
      return;
    }
    long[] points = new long[1];
    long bytes;
    try {
      bytes = series.readFrom(0, Long.MAX_VALUE, p -> points[0]++);
    } catch (RuntimeException unreadable) {
      return;
    }
    MetricFile adopted = metrics.adopt(series.key(), series.context(), file, bytes, points[0]);
    if (adopted != null && !provenance.hasMetric(adopted)) {
      provenance.metric(adopted, ZonedDateTime.now(zone));
    }
  }

  /** With the clock the rewrite interval is measured on: tests move it by hand. */
  RunDirectoryWriter(RunInfo run, Map<String, String> runAttributes, Duration rewriteInterval,
      SeriesListener seriesListener, LongSupplier nanoClock) {
    this(run, runAttributes, rewriteInterval, seriesListener, nanoClock, 128, null);
  }

  private RunDirectoryWriter(RunInfo run, Map<String, String> runAttributes, Duration rewriteInterval,
      SeriesListener seriesListener, LongSupplier nanoClock, int maxOpenFiles,
      RunProvenance.Continuation previous) {
    this.run = run;
    this.seriesListener = seriesListener;
    this.layout = run.layout();
    this.unwritten = new UnwrittenRecords(run.runName(), layout.runDir());
    this.reserve = DiskReserve.of(layout);
    this.metrics = new MetricCsvFiles(layout, unwritten, maxOpenFiles);
    this.provenance = new RunProvenance(run, runAttributes, previous);
    this.rewriteIntervalNanos = rewriteInterval.toNanos();
    this.nanoClock = nanoClock;
    this.lastWriteNanos = nanoClock.getAsLong() - rewriteIntervalNanos; // the first batch writes it
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
          if (file == null) {
            return; // counted as not written
          }
          provenance.metric(file, timeOf(event));
          recordsChanged = true;
          seriesListener.seriesCreated(event.key(), event.context(), file.path);
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
      case PRODUCER_LINK -> {
        provenance.producerLink(event.payload(ProducerLink.class));
        recordsChanged = true;
      }
      case RUN_ATTRIBUTES -> {
        // A replica's ids (MLflow's run, experiment, page): through the ring, so this is the document's one writer.
        @SuppressWarnings("unchecked")
        Map<String, String> attributes = event.payload(Map.class);
        attributes.forEach(provenance::runAttribute);
        recordsChanged = true;
      }
      case MODEL_VERSION -> {
        ModelVersionRecord v = event.payload(ModelVersionRecord.class);
        provenance.modelVersion(v, v.paramsFile().toString(), v.digest().bytes(), v.digest().sha256(), timeOf(event));
        recordsChanged = true;
      }
      case MODEL_VERSION_USED -> {
        provenance.versionUsed(event.payload(ModelVersionUse.class));
        recordsChanged = true;
      }
      default -> throw new IllegalStateException("unexpected event " + event.kind());
    }
  }

  private void artifact(ArtifactRecord a, ZonedDateTime at) {
    for (Map.Entry<Path, FileDigests.Digest> file : a.digests().entrySet()) {
      Path copy = file.getKey();
      Path original = a.original().resolve(a.copy().relativize(copy)).normalize();
      String name = layout.artifactsDir().relativize(copy).toString();
      FileDigests.Digest digest = file.getValue();
      provenance.artifact(name, original.toString(), copy.toString(), digest.bytes(), digest.sha256(),
          a.context(), a.isModel(), at);
    }
  }

  private void model(ModelRecord m, ZonedDateTime at) {
    String modelId = provenance.model(m, at);
    if (m.summary() != null) {
      provenance.derive(artifactOfRun(m.summary(), m.digests().get(m.summary()), false, at), modelId);
    }
    for (Path saved : m.savedFiles()) {
      provenance.derive(artifactOfRun(saved, m.digests().get(saved), true, at), modelId);
    }
  }

  /** A file prov4ml itself wrote under the artifacts folder: original and copy are the same file. */
  private String artifactOfRun(Path file, FileDigests.Digest digest, boolean isModel, ZonedDateTime at) {
    String name = layout.artifactsDir().relativize(file).toString();
    return provenance.artifact(name, file.toString(), file.toString(), digest.bytes(), digest.sha256(), null,
        isModel, at);
  }

  @Override
  public void endOfBatch() {
    metrics.flush();
    writeDocumentIfDue();
  }

  /** Keeps the document within one interval of the events even when none follow. */
  @Override
  public void idle() {
    writeDocumentIfDue();
  }

  private void writeDocumentIfDue() {
    boolean due = nanoClock.getAsLong() - lastWriteNanos >= rewriteIntervalNanos;
    if ((recordsChanged || metricsChanged) && due) {
      writeDocument();
    }
  }

  @Override
  public void awaitBarrier(Barrier barrier) {
    metrics.flush();
    if (recordsChanged || metricsChanged) {
      writeDocument();
    }
    barrier.arrive(this);
  }

  /**
   * Ends the document. A run that could not write everything (see {@link #unwritten()}) ends
   * {@code INCOMPLETE} instead of FINISHED (a FAILED or KILLED run keeps its status), with
   * {@code yprov:incomplete} saying what and where; on a full disk the reserve makes room for it.
   */
  @Override
  public void close(RunOutcome outcome) throws IOException {
    try {
      metrics.close();
    } finally {
      String status = outcome.status().name();
      if (!unwritten.isEmpty()) {
        provenance.runAttribute(INCOMPLETE_ATTRIBUTE, unwritten.detail());
        status = outcome.status() == RunStatus.FINISHED ? INCOMPLETE : status;
      }
      endStatus = status;
      provenance.end(ZonedDateTime.ofInstant(outcome.endTime(), zone), status);
      if (!writeDocument() && reserve.release()) {
        writeDocument();
      }
      reserve.release();
    }
  }

  /** The status the document ends with: the run's, or {@code INCOMPLETE}; null before {@link #close}. */
  public String endStatus() {
    return endStatus;
  }

  /** What could not be written to the run directory; shared with the threads that copy artifacts. */
  public UnwrittenRecords unwritten() {
    return unwritten;
  }

  /** Why the document could not be rewritten the last time it was tried; empty when it was. */
  public Optional<String> documentFailure() {
    return documentFailure == null ? Optional.empty() : Optional.of(OsReason.of(documentFailure));
  }

  public RunInfo run() {
    return run;
  }

  /**
   * Rewrites the document atomically. A failure (disk full) leaves the previous document in place
   * and no temporary file; it is logged once and tried again at the next rewrite.
   *
   * @return whether the document was written
   */
  private boolean writeDocument() {
    for (MetricFile file : metrics.files()) {
      provenance.metricProgress(file);
    }
    Path target = layout.provFile();
    try {
      AtomicFile.write(target, provenance.document()::writeTo); // a reader sees the old document or the new one
    } catch (IOException e) {
      unwritten.documentNotRewritten(target, e); // the previous document stays; tried again later
      documentFailure = e;
      lastWriteNanos = nanoClock.getAsLong();
      return false;
    }
    documentFailure = null;
    recordsChanged = false;
    metricsChanged = false;
    lastWriteNanos = nanoClock.getAsLong();
    documentWrites++;
    try {
      reserve.ensureRoomFor(Files.size(target));
    } catch (IOException ignored) {
      // the reserve keeps what it has
    }
    return true;
  }

  /** How many times the document was written: coalescing bounds it by time, not by events. */
  long documentWrites() {
    return documentWrites;
  }

  private ZonedDateTime timeOf(Event event) {
    return ZonedDateTime.ofInstant(Instant.ofEpochMilli(event.timestampMillis()), zone);
  }
}
