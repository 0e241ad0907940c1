package org.prov4ml.internal.merge;

import static org.prov4ml.internal.format.ProvVocabulary.ACTIVITY;
import static org.prov4ml.internal.format.ProvVocabulary.AGENT;
import static org.prov4ml.internal.format.ProvVocabulary.ENDED_AT_TIME;
import static org.prov4ml.internal.format.ProvVocabulary.ENTITY;
import static org.prov4ml.internal.format.ProvVocabulary.EXPERIMENT_DIR;
import static org.prov4ml.internal.format.ProvVocabulary.EXPERIMENT_NAME;
import static org.prov4ml.internal.format.ProvVocabulary.FULL_LABEL;
import static org.prov4ml.internal.format.ProvVocabulary.GLOBAL_RANK;
import static org.prov4ml.internal.format.ProvVocabulary.HOST;
import static org.prov4ml.internal.format.ProvVocabulary.IDENTIFIER;
import static org.prov4ml.internal.format.ProvVocabulary.INFORMANT;
import static org.prov4ml.internal.format.ProvVocabulary.INFORMED;
import static org.prov4ml.internal.format.ProvVocabulary.LABEL;
import static org.prov4ml.internal.format.ProvVocabulary.LOCAL_RANK;
import static org.prov4ml.internal.format.ProvVocabulary.MISSING_RANKS;
import static org.prov4ml.internal.format.ProvVocabulary.NODE;
import static org.prov4ml.internal.format.ProvVocabulary.PROVENANCE_PATH;
import static org.prov4ml.internal.format.ProvVocabulary.RANKS;
import static org.prov4ml.internal.format.ProvVocabulary.ROLE;
import static org.prov4ml.internal.format.ProvVocabulary.RUN_ID;
import static org.prov4ml.internal.format.ProvVocabulary.STARTED_AT_TIME;
import static org.prov4ml.internal.format.ProvVocabulary.STATUS;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE_BUNDLE;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE_HYPER_PARAMETER;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE_JOB;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE_PERSON;
import static org.prov4ml.internal.format.ProvVocabulary.VALUE;
import static org.prov4ml.internal.format.ProvVocabulary.WORLD_SIZE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.prov4ml.internal.format.AtomicFile;
import org.prov4ml.internal.format.RunLayout;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunActivity;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.rundir.RunDirectoryException;
import org.tinylog.Logger;

/**
 * Writes a job's one document, {@code prov_<experiment>_<runId>.json}, from the documents its
 * ranks wrote into their shared run directory: each rank's document as it is, as a PROV bundle
 * {@code job:GR<rank>}; a job activity {@code <experiment>_<runId>} that informed each rank's run
 * activity ({@code wasInformedBy}, as a run informs its context activities); each bundle generated
 * by its rank's run activity; and the params every rank has with the same value, as the job's.
 *
 * <p>A rank's identifiers live in its own default namespace, {@code <user-namespace>/<run
 * activity>/}; the merged document declares it as prefix {@code rank<N>}, so that the top level
 * names a rank's run activity without clashing with another rank's records of the same name.
 *
 * <p>A rank is final once its document records how it ended ({@code yprov:status}). A merge with
 * a rank missing or not final still writes the document, marked {@code INCOMPLETE} with the
 * ranks it lacks, and says so; merging again once they have ended replaces it.
 */
public final class JobDocumentWriter {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long POLL_MILLIS = 250;

  private JobDocumentWriter() {}

  /**
   * What a merge wrote.
   *
   * @param file the job's document
   * @param worldSize the number of ranks the job has
   * @param merged the ranks whose final document is in it
   * @param missing ranks not final, each with why (no document, or not ended)
   * @param status the job's status: FINISHED only when every rank finished
   * @param sharedParams params every rank recorded with the same value
   * @param end when the last rank ended, or null while a rank is missing
   */
  public record Result(Path file, int worldSize, List<Integer> merged, SortedMap<Integer, String> missing,
      String status, Map<String, String> sharedParams, OffsetDateTime end) {

    public boolean complete() {
      return missing.isEmpty();
    }

    /** {@code rank 2 (no document), rank 3 (not ended)}. */
    public String describeMissing() {
      return missing.entrySet().stream().map(e -> "rank " + e.getKey() + " (" + e.getValue() + ")")
          .collect(Collectors.joining(", "));
    }
  }

  /**
   * Merges what the run directory holds now. The world size is the largest any rank recorded
   * (documents of yProv4ML or of an older prov4ml record none: then the highest rank found plus one).
   *
   * @throws RunDirectoryException when {@code runDir} is not a run directory, or a document cannot be read
   * @throws IOException when the job's document cannot be written
   */
  public static Result write(Path runDir) throws IOException {
    RunDirectory dir = RunDirectory.open(runDir);
    RunActivity first = dir.primary().run();
    int worldSize = 0;
    for (RankRecord rank : dir.ranks()) {
      if (!rank.run().experiment().equals(first.experiment()) || !rank.run().runId().equals(first.runId())) {
        throw new RunDirectoryException(dir.path(), "it holds documents of two runs: "
            + dir.primary().document().getFileName() + " and " + rank.document().getFileName());
      }
      worldSize = Math.max(worldSize, Math.max(rank.rank() + 1, rank.run().worldSize()));
    }
    RunLayout layout;
    try {
      // The run id is the document's (yprov:run_id): the job's file name is built from it, so it is checked as
      // the writer checks it; merge then never writes outside the run directory.
      layout = RunLayout.ofRecordedNames(dir.path(), first.experiment(), first.runId(), dir.primary().rank());
    } catch (IllegalArgumentException e) {
      throw new RunDirectoryException(dir.primary().document(), e.getMessage() + "; no job document written");
    }
    return write(layout, worldSize, dir.ranks());
  }

  /**
   * Rank 0's merge at its end: waits up to {@code wait} for every rank's document to be final,
   * then writes the job's document with what there is.
   *
   * @param own the layout of the rank that merges
   * @param progress told once, with the ranks not final yet, when the merge has to wait for them
   */
  public static Result awaitRanksAndWrite(RunLayout own, int worldSize, Duration wait,
      Consumer<SortedMap<Integer, String>> progress) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    boolean told = false;
    while (true) {
      List<RankRecord> ranks = RunDirectory.open(own.runDir()).ranks();
      SortedMap<Integer, String> missing = missing(ranks, worldSize);
      if (missing.isEmpty() || System.nanoTime() >= deadline) {
        return write(own, worldSize, ranks);
      }
      if (!told) {
        progress.accept(missing);
        told = true;
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /** The ranks below {@code worldSize} that are not final, each with why. */
  private static SortedMap<Integer, String> missing(List<RankRecord> ranks, int worldSize) {
    SortedMap<Integer, String> missing = new TreeMap<>();
    for (int r = 0; r < worldSize; r++) {
      missing.put(r, "no document");
    }
    for (RankRecord rank : ranks) {
      if (rank.run().status().isPresent()) {
        missing.remove(rank.rank());
      } else {
        missing.replace(rank.rank(), "not ended");
      }
    }
    return missing;
  }

  private static Result write(RunLayout any, int worldSize, List<RankRecord> ranks) throws IOException {
    SortedMap<Integer, String> missing = missing(ranks, worldSize);
    List<Integer> merged = new ArrayList<>();
    ObjectNode job = JSON.createObjectNode();
    ObjectNode prefixes = job.putObject("prefix");
    ObjectNode bundles = JSON.createObjectNode();
    String jobActivity = any.jobActivityId();
    ObjectNode activity = job.putObject("activity").putObject(jobActivity);
    ObjectNode entities = job.putObject("entity");
    ObjectNode informed = job.putObject("wasInformedBy");
    ObjectNode generated = job.putObject("wasGeneratedBy");
    int relation = 1;

    OffsetDateTime start = null;
    OffsetDateTime end = null;
    List<String> statuses = new ArrayList<>();
    Map<String, String> sharedParams = null;
    String user = null;
    for (RankRecord record : ranks) {
      int r = record.rank();
      if (r >= worldSize) {
        continue;
      }
      RunActivity run = record.run();
      RunLayout rank = any.ofRank(r);
      JsonNode doc = read(record.document());
      doc.path("prefix").fields().forEachRemaining(p -> {
        if (!p.getKey().equals("default") && !prefixes.has(p.getKey())) {
          prefixes.put(p.getKey(), p.getValue().asText());
        }
      });
      String rankNamespace = doc.path("prefix").path("default").asText(null);
      if (rankNamespace == null) {
        throw new RunDirectoryException(record.document(), "the document declares no default namespace");
      }
      prefixes.put("rank" + r, rankNamespace);
      if (user == null) {
        // A bundle's id is read in the bundle's own namespaces, where the default is the rank's:
        // the bundles are named with the job's namespace under a prefix of its own.
        prefixes.put("default", jobNamespace(rankNamespace, rank));
        prefixes.put("job", jobNamespace(rankNamespace, rank));
        user = run.user().orElse("");
      }
      if (!missing.containsKey(r)) {
        merged.add(r);
      }
      start = earliest(start, run.startTime());
      end = latest(end, run.endTime().orElse(null));
      run.status().ifPresent(s -> statuses.add(s.name()));
      Map<String, String> params = record.params();
      if (sharedParams == null) {
        sharedParams = new LinkedHashMap<>(params);
      } else {
        sharedParams.entrySet().removeIf(p -> !p.getValue().equals(params.get(p.getKey())));
      }

      String bundleId = "job:GR" + r;
      String rankRun = "rank" + r + ":" + run.id();
      ObjectNode bundle = entities.putObject(bundleId);
      bundle.put(TYPE, TYPE_BUNDLE);
      bundle.put(LABEL, record.document().getFileName().toString());
      bundle.put(GLOBAL_RANK, Integer.toString(r));
      bundle.put(IDENTIFIER, record.document().toString());
      run.status().ifPresent(s -> bundle.put(STATUS, s.name()));
      for (String a : List.of(HOST, NODE, LOCAL_RANK)) {
        run.attribute(a).ifPresent(v -> bundle.put(a, v));
      }
      bundles.set(bundleId, doc);
      ObjectNode inform = informed.putObject("_:id" + relation++);
      inform.put(INFORMED, rankRun);
      inform.put(INFORMANT, jobActivity);
      ObjectNode generation = generated.putObject("_:id" + relation++);
      generation.put(ENTITY, bundleId);
      generation.put(ACTIVITY, rankRun);
    }
    if (sharedParams == null) {
      throw new RunDirectoryException(any.runDir(), "no document of a rank below " + worldSize);
    }

    String status = jobStatus(statuses, missing);
    activity.put(TYPE, TYPE_JOB);
    if (start != null) {
      activity.put(STARTED_AT_TIME, start.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    }
    if (end != null && missing.isEmpty()) {
      activity.put(ENDED_AT_TIME, end.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    }
    activity.put(EXPERIMENT_NAME, any.experimentName());
    activity.put(RUN_ID, any.runId());
    activity.put(WORLD_SIZE, Integer.toString(worldSize));
    activity.put(RANKS, merged.stream().map(String::valueOf).collect(Collectors.joining(",")));
    activity.put(STATUS, status);
    if (!missing.isEmpty()) {
      activity.put(MISSING_RANKS, missing.keySet().stream().map(String::valueOf)
          .collect(Collectors.joining(",")));
    }
    activity.put(PROVENANCE_PATH, any.jobProvFile().toString());
    activity.put(EXPERIMENT_DIR, any.runDir().toString());

    for (var p : sharedParams.entrySet()) {
      String id = p.getKey() + "//" + jobActivity;
      ObjectNode e = entities.putObject(id);
      e.put(TYPE, TYPE_HYPER_PARAMETER);
      e.put(LABEL, p.getKey());
      e.put(FULL_LABEL, id);
      e.put(VALUE, p.getValue());
      e.put(ROLE, "output");
      ObjectNode generation = generated.putObject("_:id" + relation++);
      generation.put(ENTITY, id);
      generation.put(ACTIVITY, jobActivity);
    }
    if (!user.isEmpty()) {
      job.putObject("agent").putObject(user).put(TYPE, TYPE_PERSON);
      ObjectNode association = job.putObject("wasAssociatedWith").putObject("_:id" + relation++);
      association.put(ACTIVITY, jobActivity);
      association.put(AGENT, user);
    }
    job.set("bundle", bundles);

    Path target = any.jobProvFile();
    AtomicFile.write(target, out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, job));
    return new Result(target, worldSize, List.copyOf(merged), missing, status, Map.copyOf(sharedParams),
        missing.isEmpty() ? end : null);
  }

  /**
   * At rank 0's end: writes the job's document once every rank's is final, waiting for them up to {@code wait},
   * and says in one line what it wrote, or how to finish it ({@code merge}) when ranks are missing or it failed.
   *
   * @return whether a document was written, complete or not, so that a replica can mirror it
   */
  public static boolean mergeAtRankZerosEnd(RunLayout layout, int worldSize, Duration wait) {
    try {
      Result r = awaitRanksAndWrite(layout, worldSize, wait,
          missing -> Logger.info("prov4ml: waiting up to {} s for {} of {} ranks of run {} to end, to merge the job's "
              + "document", wait.toSeconds(), missing.size(), worldSize, layout.runId()));
      if (r.complete()) {
        Logger.info("prov4ml: job document of {} ranks, {}: {}", r.worldSize(), r.status(), r.file());
      } else {
        Logger.warn("prov4ml: job document {} lacks {}; once they end, run: java -jar prov4ml.jar merge {}",
            r.file(), r.describeMissing(), layout.runDir());
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Logger.warn("prov4ml: interrupted while merging the job's document; run: java -jar prov4ml.jar merge {}",
          layout.runDir());
    } catch (IOException | RuntimeException e) {
      Logger.warn("prov4ml: cannot merge the job's document in {}: {}; run: java -jar prov4ml.jar merge {}",
          layout.runDir(), e.getMessage(), layout.runDir());
    }
    return false;
  }

  /**
   * What the job's document in {@code layout}'s run directory says: as {@link #write} returned it when
   * it wrote the document (the ranks merged and missing, the status, the shared params).
   *
   * @throws IOException when there is no job document, or it cannot be read
   */
  public static Result read(RunLayout layout) throws IOException {
    Path file = layout.jobProvFile();
    JsonNode job = read(file);
    JsonNode activity = job.path("activity").path(layout.jobActivityId());
    if (!activity.isObject()) {
      throw new RunDirectoryException(file, "no job activity " + layout.jobActivityId());
    }
    SortedMap<Integer, String> missing = new TreeMap<>();
    for (String r : activity.path(MISSING_RANKS).asText("").split(",")) {
      if (!r.isBlank()) {
        missing.put(Integer.parseInt(r.trim()), "not merged");
      }
    }
    List<Integer> merged = new ArrayList<>();
    for (String r : activity.path(RANKS).asText("").split(",")) {
      if (!r.isBlank()) {
        merged.add(Integer.parseInt(r.trim()));
      }
    }
    Map<String, String> params = new LinkedHashMap<>();
    String suffix = "//" + layout.jobActivityId();
    job.path("entity").fields().forEachRemaining(e -> {
      if (e.getKey().endsWith(suffix) && TYPE_HYPER_PARAMETER.equals(e.getValue().path(TYPE).asText())) {
        params.put(e.getValue().path(LABEL).asText(), e.getValue().path(VALUE).asText());
      }
    });
    return new Result(file, activity.path(WORLD_SIZE).asInt(merged.size()), List.copyOf(merged), missing,
        activity.path(STATUS).asText("INCOMPLETE"), Map.copyOf(params),
        activity.hasNonNull(ENDED_AT_TIME) ? OffsetDateTime.parse(activity.path(ENDED_AT_TIME).asText())
            : null);
  }

  /** FINISHED when every rank finished; else the worst of the ranks' ends, INCOMPLETE when one is missing. */
  public static String jobStatus(List<String> statuses, Map<Integer, String> missing) {
    if (!missing.isEmpty() || statuses.contains("INCOMPLETE")) {
      return "INCOMPLETE";
    }
    for (String worst : List.of("FAILED", "KILLED")) {
      if (statuses.contains(worst)) {
        return worst;
      }
    }
    return statuses.stream().allMatch("FINISHED"::equals) ? "FINISHED" : "INCOMPLETE";
  }

  /** The rank's namespace {@code <user-namespace>/<run activity>/} with the job's activity in its place. */
  private static String jobNamespace(String rankNamespace, RunLayout rank) {
    String suffix = rank.activityId() + "/";
    String base = rankNamespace.endsWith(suffix) ? rankNamespace.substring(0, rankNamespace.length() - suffix.length())
        : rankNamespace + (rankNamespace.endsWith("/") ? "" : "/");
    return base + rank.jobActivityId() + "/";
  }

  private static OffsetDateTime earliest(OffsetDateTime a, OffsetDateTime b) {
    return a == null ? b : b == null || a.isBefore(b) ? a : b;
  }

  private static OffsetDateTime latest(OffsetDateTime a, OffsetDateTime b) {
    return a == null ? b : b == null || a.isAfter(b) ? a : b;
  }

  private static JsonNode read(Path file) throws IOException {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new RunDirectoryException(file, "cannot read the PROV document: " + e.getMessage(), e);
    }
  }
}
