package org.prov4ml.internal.mlflow;

import static org.prov4ml.internal.format.ProvVocabulary.ATTEMPTS;
import static org.prov4ml.internal.format.ProvVocabulary.PROV4ML_VERSION;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.prov4ml.Context;
import org.prov4ml.RunStatus;
import org.prov4ml.internal.mlflow.MlflowTracking.RunRef;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.PrintableText;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.rundir.RunDirectoryException;
import org.prov4ml.rundir.RunFiles;
import org.tinylog.Logger;

/**
 * The upload of one rank of a run directory to one tracking server, in passes: each pass reads the
 * rank's record through {@link RunDirectory} and sends whatever it holds that the server has not
 * acknowledged, in the order run, params and tags, data sets, LoggedModels and the models the run started
 * from, metric points, artifacts, registered model versions. The live uploader makes
 * a pass whenever the directory became durable further; {@code sync} makes the final pass once. Not
 * thread-safe: one thread drives it.
 */
final class RunUpload {

  /** The tag that says a run ended without everything it logged, with what is missing. */
  static final String INCOMPLETE_TAG = "prov4ml.incomplete";

  /** Series the writer announced in this process; a replica of another process finds them in the directory. */
  private final Queue<MetricSeries> announced = new ConcurrentLinkedQueue<>();
  private final Path runDir;
  private final int rank;
  private final MlflowSettings settings;
  private final MlflowTracking tracking;
  private final MetricUpload metrics = new MetricUpload(this);
  private final ParamTagUpload paramsAndTags = new ParamTagUpload(this);
  private final ArtifactUpload artifacts = new ArtifactUpload(this);
  private final ModelRegistration models = new ModelRegistration(this);
  private final DatasetInputs datasets = new DatasetInputs(this);
  private final LoggedModelUpload loggedModels = new LoggedModelUpload(this);
  private final ModelInputs modelInputs = new ModelInputs(this);
  /** Whether this pass links epoch points to checkpoints (MLflow 3); set per pass. */
  private boolean linkingModels;
  /** Whether epoch points may wait for their checkpoint: not at the end, nor while a flush waits. */
  private volatile boolean holdingAllowed = true;

  private UploadCursor cursor;
  private RankRecord record;
  private Object documentVersion;
  private volatile RunRef run;
  /** Set by {@link #finish}: the record is final, so nothing waits for more of it (a data set's digest). */
  private boolean finishing;

  RunUpload(Path runDir, int rank, MlflowSettings settings) {
    this.runDir = runDir.toAbsolutePath().normalize();
    this.rank = rank;
    this.settings = settings;
    this.tracking = new MlflowTracking(new MlflowHttp(settings));
  }

  /**
   * Sends everything the rank's record holds now.
   *
   * @return false when the directory has no PROV document of the rank yet (nothing recorded)
   */
  boolean pass() throws IOException, InterruptedException {
    if (!refresh()) {
      return false;
    }
    // Taken before anything is sent: what the directory held when the pass began is what a barrier waits for.
    Map<String, Long> targets = new LinkedHashMap<>();
    for (MetricSeries s : metrics()) {
      if (Files.exists(s.file(), LinkOption.NOFOLLOW_LINKS) && !cursor.rejected.containsKey(MetricUpload.rejectionKey(s))) {
        Optional<String> refused = RunFiles.refusal(runDir, s.file());
        if (refused.isPresent()) {
          refuse(MetricUpload.rejectionKey(s), s.file(), refused.get());
        } else {
          targets.put(fileName(s), Files.size(s.file()));
        }
      }
    }
    RunRef bound = RunBinder.bind(tracking, cursor, record, settings);
    run = bound;
    reopenIfContinued(bound);
    paramsAndTags.upload(bound.runId(), tagsOf(record));
    datasets.upload(bound.runId(), finishing); // before the points that name them
    linkingModels = loggedModels.supported(bound);
    if (linkingModels) {
      loggedModels.create(bound); // before the metrics: their points carry the checkpoints' ids
      modelInputs.upload(bound, finishing); // after this run's own, which are never its inputs
    }
    metrics.upload(bound.runId(), targets);
    artifacts.upload(bound);
    if (linkingModels) {
      loggedModels.complete(bound);
    }
    if (settings.registerModels()) {
      models.register(bound, linkingModels);
    }
    return true;
  }

  /**
   * The last pass of a rank whose record no writer changes any more: everything, then the PROV
   * document and the metric files as artifacts, then the run's end status.
   *
   * @param fallbackStatus the status when the document records none (it was cut short), or null for
   *     KILLED: the process died before it could end the run
   */
  void finish(String fallbackStatus) throws IOException, InterruptedException {
    finishing = true;
    holdingAllowed = false; // the run has ended: no checkpoint is to come for a held epoch
    if (!pass()) {
      throw new RunDirectoryException(runDir, "no PROV document of rank " + rank + ": nothing was recorded there");
    }
    artifacts.uploadProvenance(run);
    if (record.run().worldSize() > 1 && settings.existingRunId() == null) {
      JobParentRun.repoint(tracking, run, record.run());
    }
    if (cursor.terminated == null) {
      String end = mlflowStatus(record, fallbackStatus);
      tracking.setTerminated(run.runId(), end, endMillis(record));
      cursor.terminated = end;
      cursor.terminatedAttempts = attemptsOf(record);
      cursor.save();
    }
  }

  /**
   * A relaunched job continues its run ({@code prov4ml.run.resume}): when the record has more attempts than the
   * server's run had when it was terminated, the same MLflow run goes back to RUNNING, and the final pass gives
   * it the last attempt's status. A second {@code sync} finds the attempts equal and changes nothing.
   */
  private void reopenIfContinued(RunRef bound) throws IOException, InterruptedException {
    if (cursor.terminated == null) {
      return;
    }
    int terminatedAfter = cursor.terminatedAttempts == null ? 1 : cursor.terminatedAttempts;
    if (attemptsOf(record) <= terminatedAfter) {
      return;
    }
    tracking.setRunning(bound.runId());
    cursor.terminated = null;
    cursor.terminatedAttempts = null;
    cursor.save();
  }

  /** The attempts the record has had: its {@code yprov:attempts}, else 1. */
  private static int attemptsOf(RankRecord record) {
    try {
      return Math.max(1, Integer.parseInt(record.run().attributes().getOrDefault(ATTEMPTS, "1")));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /**
   * MLflow's status of an ended run. MLflow has no INCOMPLETE: a run that lost data is FAILED there
   * (never FINISHED), and its {@value #INCOMPLETE_TAG} tag says what is missing.
   */
  static String mlflowStatus(RankRecord record, String fallbackStatus) {
    RunStatus status = record.run().status()
        .orElse(fallbackStatus != null ? RunStatus.valueOf(fallbackStatus) : RunStatus.KILLED);
    return status == RunStatus.INCOMPLETE ? "FAILED" : status.name();
  }

  private static long endMillis(RankRecord record) {
    return record.run().endTime().map(t -> t.toInstant().toEpochMilli()).orElse(System.currentTimeMillis());
  }

  /** Re-reads the cursor and the record when the document was replaced since the last read. */
  private boolean refresh() throws IOException {
    if (cursor == null) {
      cursor = UploadCursor.load(runDir, rank, settings.trackingUri().toString());
    }
    Path document = record != null ? record.document() : findDocument();
    if (document == null || !Files.exists(document)) {
      return false;
    }
    Object version = versionOf(document);
    if (!version.equals(documentVersion)) {
      record = RunDirectory.openRank(runDir, rank);
      documentVersion = version;
    }
    return true;
  }

  /** Every rewrite is a new file renamed over the old one: a new file key (inode) each time. */
  private static Object versionOf(Path document) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(document, BasicFileAttributes.class);
    return List.of(String.valueOf(attributes.fileKey()), attributes.lastModifiedTime(), attributes.size());
  }

  /**
   * Whether the document was replaced since a pass last read it. The writer rewrites it at most once
   * per interval, so records can reach it with no event after them: a pass is due then too.
   */
  boolean documentReplaced() {
    if (record == null) {
      return false; // no pass has read one yet: the first event makes the first pass
    }
    try {
      return !versionOf(record.document()).equals(documentVersion);
    } catch (IOException e) {
      return false;
    }
  }

  private Path findDocument() throws IOException {
    try (var files = Files.list(runDir)) {
      String suffix = "_GR" + rank + "_";
      return files.filter(f -> {
        String name = f.getFileName().toString();
        return name.startsWith("prov_") && name.endsWith(".json") && name.contains(suffix);
      }).findFirst().orElse(null);
    }
  }

  /** The run's own tags: prov4ml's version and rank, the user's tags, and what an incomplete run lacks. */
  static Map<String, String> tagsOf(RankRecord record) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("prov4ml.version", record.run().attribute(PROV4ML_VERSION).orElse("unknown"));
    tags.put("prov4ml.rank", Integer.toString(record.rank()));
    tags.putAll(record.run().tags());
    // A FAILED or KILLED run that also lost data keeps its status and says so too.
    record.run().incompleteDetail().or(() -> record.run().status().filter(s -> s == RunStatus.INCOMPLETE)
        .map(s -> "the run directory lacks part of what was logged")).ifPresent(d -> tags.put(INCOMPLETE_TAG, d));
    return tags;
  }

  /** The MLflow key of a series: {@code <context in lower case>/<key>}, system metrics as they are. */
  static String mlflowKey(MetricSeries series) {
    return series.context().name().equals("SYSTEM") ? series.key()
        : series.context().name().toLowerCase(Locale.ROOT) + "/" + series.key();
  }

  /** The series' file name in the metrics folder: how the cursor names it. */
  static String fileName(MetricSeries series) {
    return series.file().getFileName().toString();
  }

  /** Records a refusal of the server, reported once; the element stays in the run directory only. */
  /**
   * Records that {@code file}, which the run directory names for {@code what}, is not read: the directory is
   * untrusted input, and {@link RunFiles} refuses a link out of it or a special file. Said once, and kept in the
   * cursor with the server's refusals, since sending again would not help either.
   */
  void refuse(String what, Path file, String why) throws IOException {
    if (cursor.rejected.putIfAbsent(what, "not read: " + why) == null) {
      Logger.warn("prov4ml: {} of run {} is not uploaded: {} is {}", PrintableText.of(what), PrintableText.of(runDir),
          PrintableText.of(file), PrintableText.of(why));
      cursor.save();
    }
  }

  /** A series the run's writer created, heard of in the process before the document names it. */
  void seriesAdded(String key, Context context, Path file) {
    announced.add(MetricSeries.announced(runDir, key, context, rank, file));
  }

  /**
   * The rank's series: those announced in this process, then the document's that were not. The document is
   * rewritten on its own schedule, so a new series reaches the server without waiting for it; and an announced
   * series wins over the reader's find of the same file in the metrics folder, whose key is only the file
   * name's ({@code / \\ :} as {@code _}).
   */
  List<MetricSeries> metrics() {
    List<MetricSeries> named = record.metrics();
    if (announced.isEmpty()) {
      return named;
    }
    Set<Path> files = new HashSet<>();
    List<MetricSeries> all = new ArrayList<>(named.size() + announced.size());
    for (MetricSeries s : announced) {
      if (files.add(s.file())) {
        all.add(s);
      }
    }
    for (MetricSeries s : named) {
      if (files.add(s.file())) {
        all.add(s);
      }
    }
    return all;
  }

  void reject(String what, String serverMessage) {
    if (cursor.rejected.putIfAbsent(what, serverMessage) == null) {
      Logger.warn("prov4ml: MLflow at {} refused {} of run {}: {} (it stays in the run directory, not retried)",
          tracking.http().server(), PrintableText.of(what), PrintableText.of(runDir), PrintableText.of(serverMessage));
    }
  }

  /**
   * Records {@code what} as refused for good when the server's reason is a bad value (it is never sent again);
   * rethrows any other refusal, which is retried.
   */
  void rejectOrRethrow(String what, MlflowRejectedException e) throws MlflowRejectedException {
    if (!e.isInvalidValue()) {
      throw e;
    }
    reject(what, e.serverMessage());
  }

  /** Whether this pass links epoch points to LoggedModels (the server has them). */
  boolean linkingModels() {
    return linkingModels;
  }

  /** Whether an epoch's points may wait for its checkpoint; false once the run ends or a flush waits. */
  boolean holdingAllowed() {
    return holdingAllowed;
  }

  /** A flush waits for what the directory holds: held epoch points go as they are, without a model_id. */
  void allowHolding(boolean allowed) {
    holdingAllowed = allowed;
  }

  /** The MLflow run, once created or found; read by other threads. */
  RunRef run() {
    return run;
  }

  DatasetInputs datasets() {
    return datasets;
  }

  /** Whether this is the last pass, over a record no writer changes any more. */
  boolean finishing() {
    return finishing;
  }

  UploadCursor cursor() {
    return cursor;
  }

  RankRecord record() {
    return record;
  }

  MlflowTracking tracking() {
    return tracking;
  }

  Path runDir() {
    return runDir;
  }

  int rank() {
    return rank;
  }

  MlflowSettings settings() {
    return settings;
  }
}
