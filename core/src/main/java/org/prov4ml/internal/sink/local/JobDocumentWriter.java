package org.prov4ml.internal.sink.local;

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
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunActivity;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.rundir.RunDirectoryException;

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
      bundle.put("prov:type", "prov:Bundle");
      bundle.put("prov:label", record.document().getFileName().toString());
      bundle.put("yprov:global_rank", Integer.toString(r));
      bundle.put("dcterms:identifier", record.document().toString());
      run.status().ifPresent(s -> bundle.put("yprov:status", s.name()));
      for (String a : List.of("yprov:host", "yprov:node", "yprov:local_rank")) {
        run.attribute(a).ifPresent(v -> bundle.put(a, v));
      }
      bundles.set(bundleId, doc);
      ObjectNode inform = informed.putObject("_:id" + relation++);
      inform.put("prov:informed", rankRun);
      inform.put("prov:informant", jobActivity);
      ObjectNode generation = generated.putObject("_:id" + relation++);
      generation.put("prov:entity", bundleId);
      generation.put("prov:activity", rankRun);
    }
    if (sharedParams == null) {
      throw new RunDirectoryException(any.runDir(), "no document of a rank below " + worldSize);
    }

    String status = jobStatus(statuses, missing);
    activity.put("prov:type", "yprov:Job");
    if (start != null) {
      activity.put("prov:startedAtTime", start.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    }
    if (end != null && missing.isEmpty()) {
      activity.put("prov:endedAtTime", end.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    }
    activity.put("yprov:experiment_name", any.experimentName());
    activity.put("yprov:run_id", any.runId());
    activity.put("yprov:world_size", Integer.toString(worldSize));
    activity.put("yprov:ranks", merged.stream().map(String::valueOf).collect(Collectors.joining(",")));
    activity.put("yprov:status", status);
    if (!missing.isEmpty()) {
      activity.put("yprov:missing_ranks", missing.keySet().stream().map(String::valueOf)
          .collect(Collectors.joining(",")));
    }
    activity.put("yprov:provenance_path", any.jobProvFile().toString());
    activity.put("yprov:experiment_dir", any.runDir().toString());

    for (var p : sharedParams.entrySet()) {
      String id = p.getKey() + "//" + jobActivity;
      ObjectNode e = entities.putObject(id);
      e.put("prov:type", "provml:HyperParameter");
      e.put("prov:label", p.getKey());
      e.put("yprov:fullLabel", id);
      e.put("prov:value", p.getValue());
      e.put("prov:role", "output");
      ObjectNode generation = generated.putObject("_:id" + relation++);
      generation.put("prov:entity", id);
      generation.put("prov:activity", jobActivity);
    }
    if (!user.isEmpty()) {
      job.putObject("agent").putObject(user).put("prov:type", "prov:Person");
      ObjectNode association = job.putObject("wasAssociatedWith").putObject("_:id" + relation++);
      association.put("prov:activity", jobActivity);
      association.put("prov:agent", user);
    }
    job.set("bundle", bundles);

    Path target = any.jobProvFile();
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    // A temporary file left in the directory, or one planted there as a link out of it, is removed, not written
    // through: CREATE_NEW never follows a link.
    Files.deleteIfExists(tmp);
    try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      JSON.writerWithDefaultPrettyPrinter().writeValue(out, job);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return new Result(target, worldSize, List.copyOf(merged), missing, status, Map.copyOf(sharedParams),
        missing.isEmpty() ? end : null);
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
    for (String r : activity.path("yprov:missing_ranks").asText("").split(",")) {
      if (!r.isBlank()) {
        missing.put(Integer.parseInt(r.trim()), "not merged");
      }
    }
    List<Integer> merged = new ArrayList<>();
    for (String r : activity.path("yprov:ranks").asText("").split(",")) {
      if (!r.isBlank()) {
        merged.add(Integer.parseInt(r.trim()));
      }
    }
    Map<String, String> params = new LinkedHashMap<>();
    String suffix = "//" + layout.jobActivityId();
    job.path("entity").fields().forEachRemaining(e -> {
      if (e.getKey().endsWith(suffix) && "provml:HyperParameter".equals(e.getValue().path("prov:type").asText())) {
        params.put(e.getValue().path("prov:label").asText(), e.getValue().path("prov:value").asText());
      }
    });
    return new Result(file, activity.path("yprov:world_size").asInt(merged.size()), List.copyOf(merged), missing,
        activity.path("yprov:status").asText("INCOMPLETE"), Map.copyOf(params),
        activity.hasNonNull("prov:endedAtTime") ? OffsetDateTime.parse(activity.path("prov:endedAtTime").asText())
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
