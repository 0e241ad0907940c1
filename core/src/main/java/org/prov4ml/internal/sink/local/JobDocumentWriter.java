package org.prov4ml.internal.sink.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

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
   */
  public record Result(Path file, int worldSize, List<Integer> merged, SortedMap<Integer, String> missing,
      String status, Map<String, String> sharedParams) {

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
   * @throws IOException when the directory holds no rank's document, or one cannot be read
   */
  public static Result write(Path runDir) throws IOException {
    List<RunLayout> ranks = RunLayout.ranksIn(runDir);
    RunLayout first = ranks.get(0);
    Map<Integer, JsonNode> documents = new TreeMap<>();
    int worldSize = 0;
    for (RunLayout rank : ranks) {
      if (!rank.experimentName().equals(first.experimentName()) || !rank.runId().equals(first.runId())) {
        throw new IOException(runDir + " holds documents of two runs: " + first.provFile().getFileName()
            + " and " + rank.provFile().getFileName());
      }
      JsonNode doc = read(rank.provFile());
      documents.put(rank.rank(), doc);
      worldSize = Math.max(worldSize, Math.max(rank.rank() + 1,
          runActivity(doc, rank).path("yprov:world_size").asInt(0)));
    }
    return write(first, worldSize, documents);
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
    Map<Integer, JsonNode> documents = new TreeMap<>();
    boolean told = false;
    while (true) {
      SortedMap<Integer, String> missing = new TreeMap<>();
      for (int r = 0; r < worldSize; r++) {
        JsonNode doc = documents.get(r);
        if (doc == null || !isFinal(doc, own.ofRank(r))) {
          doc = readIfPresent(own.ofRank(r).provFile());
          if (doc != null) {
            documents.put(r, doc);
          }
          String why = whyNotFinal(doc, own.ofRank(r));
          if (why != null) {
            missing.put(r, why);
          }
        }
      }
      if (missing.isEmpty() || System.nanoTime() >= deadline) {
        return write(own, worldSize, documents);
      }
      if (!told) {
        progress.accept(missing);
        told = true;
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  private static Result write(RunLayout any, int worldSize, Map<Integer, JsonNode> documents) throws IOException {
    SortedMap<Integer, String> missing = new TreeMap<>();
    List<Integer> merged = new ArrayList<>();
    for (int r = 0; r < worldSize; r++) {
      String why = whyNotFinal(documents.get(r), any.ofRank(r));
      if (why == null) {
        merged.add(r);
      } else {
        missing.put(r, why);
      }
    }
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
    for (var entry : documents.entrySet()) {
      int r = entry.getKey();
      RunLayout rank = any.ofRank(r);
      JsonNode doc = entry.getValue();
      JsonNode run = runActivity(doc, rank);
      doc.path("prefix").fields().forEachRemaining(p -> {
        if (!p.getKey().equals("default") && !prefixes.has(p.getKey())) {
          prefixes.put(p.getKey(), p.getValue().asText());
        }
      });
      String rankNamespace = doc.path("prefix").path("default").asText(null);
      if (rankNamespace == null) {
        throw new IOException(rank.provFile() + " declares no default namespace");
      }
      prefixes.put("rank" + r, rankNamespace);
      if (r == documents.keySet().iterator().next()) {
        // A bundle's id is read in the bundle's own namespaces, where the default is the rank's:
        // the bundles are named with the job's namespace under a prefix of its own.
        prefixes.put("default", jobNamespace(rankNamespace, rank));
        prefixes.put("job", jobNamespace(rankNamespace, rank));
        user = personOf(doc);
      }
      start = earliest(start, time(run, "prov:startedAtTime"));
      end = latest(end, time(run, "prov:endedAtTime"));
      if (run.hasNonNull("yprov:status")) {
        statuses.add(run.path("yprov:status").asText());
      }
      Map<String, String> params = paramsOf(doc);
      if (sharedParams == null) {
        sharedParams = new LinkedHashMap<>(params);
      } else {
        sharedParams.entrySet().removeIf(p -> !p.getValue().equals(params.get(p.getKey())));
      }

      String bundleId = "job:GR" + r;
      String rankRun = "rank" + r + ":" + rank.activityId();
      ObjectNode bundle = entities.putObject(bundleId);
      bundle.put("prov:type", "prov:Bundle");
      bundle.put("prov:label", rank.provFile().getFileName().toString());
      bundle.put("yprov:global_rank", Integer.toString(r));
      bundle.put("dcterms:identifier", rank.provFile().toString());
      copy(run, bundle, "yprov:status", "yprov:host", "yprov:node", "yprov:local_rank");
      bundles.set(bundleId, doc);
      ObjectNode inform = informed.putObject("_:id" + relation++);
      inform.put("prov:informed", rankRun);
      inform.put("prov:informant", jobActivity);
      ObjectNode generation = generated.putObject("_:id" + relation++);
      generation.put("prov:entity", bundleId);
      generation.put("prov:activity", rankRun);
    }
    if (prefixes.path("default").isMissingNode()) {
      throw new IOException("no document of any rank in " + any.runDir());
    }
    if (sharedParams == null) {
      sharedParams = Map.of();
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
    if (user != null) {
      job.putObject("agent").putObject(user).put("prov:type", "prov:Person");
      ObjectNode association = job.putObject("wasAssociatedWith").putObject("_:id" + relation++);
      association.put("prov:activity", jobActivity);
      association.put("prov:agent", user);
    }
    if (informed.isEmpty()) {
      job.remove("wasInformedBy");
      job.remove("wasGeneratedBy");
    }
    job.set("bundle", bundles);

    Path target = any.jobProvFile();
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), job);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return new Result(target, worldSize, List.copyOf(merged), missing, status, Map.copyOf(sharedParams));
  }

  /** FINISHED when every rank finished; else the worst of the ranks' ends, INCOMPLETE when one is missing. */
  static String jobStatus(List<String> statuses, Map<Integer, String> missing) {
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

  private static String whyNotFinal(JsonNode doc, RunLayout rank) {
    if (doc == null) {
      return "no document";
    }
    return isFinal(doc, rank) ? null : "not ended";
  }

  private static boolean isFinal(JsonNode doc, RunLayout rank) {
    return runActivity(doc, rank).hasNonNull("yprov:status");
  }

  private static JsonNode runActivity(JsonNode doc, RunLayout rank) {
    return doc.path("activity").path(rank.activityId());
  }

  /** The rank's namespace {@code <user-namespace>/<run activity>/} with the job's activity in its place. */
  private static String jobNamespace(String rankNamespace, RunLayout rank) {
    String suffix = rank.activityId() + "/";
    String base = rankNamespace.endsWith(suffix) ? rankNamespace.substring(0, rankNamespace.length() - suffix.length())
        : rankNamespace + (rankNamespace.endsWith("/") ? "" : "/");
    return base + rank.jobActivityId() + "/";
  }

  private static Map<String, String> paramsOf(JsonNode doc) {
    Map<String, String> params = new LinkedHashMap<>();
    doc.path("entity").fields().forEachRemaining(e -> {
      JsonNode n = e.getValue();
      if ("provml:HyperParameter".equals(n.path("prov:type").asText())) {
        params.put(n.path("prov:label").asText(), n.path("prov:value").asText());
      }
    });
    return params;
  }

  private static String personOf(JsonNode doc) {
    var agents = doc.path("agent").fields();
    while (agents.hasNext()) {
      var a = agents.next();
      if ("prov:Person".equals(a.getValue().path("prov:type").asText())) {
        return a.getKey();
      }
    }
    return null;
  }

  private static void copy(JsonNode from, ObjectNode to, String... attributes) {
    for (String a : attributes) {
      if (from.hasNonNull(a)) {
        to.put(a, from.path(a).asText());
      }
    }
  }

  private static OffsetDateTime time(JsonNode run, String attribute) {
    String text = run.path(attribute).asText(null);
    try {
      return text == null ? null : OffsetDateTime.parse(text);
    } catch (RuntimeException e) {
      return null; // a time without an offset (yProv4ML's) does not order the job's
    }
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
      throw new IOException(file + " is not a readable PROV-JSON document: " + e.getMessage(), e);
    }
  }

  /** A rank's document, or null while it has none (not started, or still writing its first). */
  private static JsonNode readIfPresent(Path file) throws IOException {
    try {
      return Objects.requireNonNull(JSON.readTree(file.toFile()));
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      return null;
    }
  }
}
