package org.prov4ml.rundir;

import static org.prov4ml.internal.format.ProvVocabulary.CONTEXT;
import static org.prov4ml.internal.format.ProvVocabulary.ENDED_AT_TIME;
import static org.prov4ml.internal.format.ProvVocabulary.EXPERIMENT_DIR;
import static org.prov4ml.internal.format.ProvVocabulary.FILE_SIZE;
import static org.prov4ml.internal.format.ProvVocabulary.GENERATED_ENTITY;
import static org.prov4ml.internal.format.ProvVocabulary.GLOBAL_RANK;
import static org.prov4ml.internal.format.ProvVocabulary.IDENTIFIER;
import static org.prov4ml.internal.format.ProvVocabulary.LABEL;
import static org.prov4ml.internal.format.ProvVocabulary.MAIN_CLASS;
import static org.prov4ml.internal.format.ProvVocabulary.MEMORY_BYTES;
import static org.prov4ml.internal.format.ProvVocabulary.MODEL_NAME;
import static org.prov4ml.internal.format.ProvVocabulary.NO_FILE;
import static org.prov4ml.internal.format.ProvVocabulary.NOTE;
import static org.prov4ml.internal.format.ProvVocabulary.RUN_ID;
import static org.prov4ml.internal.format.ProvVocabulary.RUN_NAME;
import static org.prov4ml.internal.format.ProvVocabulary.SHA256;
import static org.prov4ml.internal.format.ProvVocabulary.STARTED_AT_TIME;
import static org.prov4ml.internal.format.ProvVocabulary.STATUS;
import static org.prov4ml.internal.format.ProvVocabulary.STEP;
import static org.prov4ml.internal.format.ProvVocabulary.TIME_ZONE;
import static org.prov4ml.internal.format.ProvVocabulary.TOTAL_PARAMS;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE_DATASET;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE_HYPER_PARAMETER;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE_INPUT_MODEL;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE_METRIC;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE_MODEL;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE_PERSON;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE_SOURCE_CODE;
import static org.prov4ml.internal.format.ProvVocabulary.USED_ENTITY;
import static org.prov4ml.internal.format.ProvVocabulary.VALUE;
import static org.prov4ml.internal.format.ProvVocabulary.YPROV;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.prov4ml.Context;
import org.prov4ml.RunStatus;
import org.prov4ml.internal.format.RunLayout;

/**
 * Turns one rank's PROV-JSON document into a {@link RankRecord}. Attribute values are flattened to
 * strings: prov4ml writes plain strings, while yProv4ML (through the {@code prov} package) writes
 * typed literals such as {@code {"$": 3, "type": "xsd:int"}} and qualified names.
 */
final class RankDocumentParser {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String METRIC = TYPE_METRIC;
  private static final String MODEL = TYPE_MODEL;
  private static final String PARAM = TYPE_HYPER_PARAMETER;
  private static final String DATASET = TYPE_DATASET;
  private static final String SOURCE_CODE = TYPE_SOURCE_CODE;

  private final Path runDir;
  private final Path document;
  private final String experiment;
  private final String activityId;
  private final int rank;
  private final String fileRunId;
  private final Map<String, Map<String, String>> entities = new LinkedHashMap<>();
  /** wasDerivedFrom: generated entity to the entities it derives from. */
  private final Map<String, List<String>> derivedFrom = new HashMap<>();
  private final Map<String, Map<String, String>> activities = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> agents = new LinkedHashMap<>();
  private final List<ProvRelation> relations = new ArrayList<>();
  private Path recordedDir;
  /** For times recorded without an offset (yProv4ML's): the writer's recorded zone, else this machine's. */
  private ZoneId zone = ZoneId.systemDefault();
  private Path artifactsDir;

  private RankDocumentParser(Path runDir, Path document, String experiment, String activityId, int rank,
      String fileRunId) {
    this.runDir = runDir;
    this.document = document;
    this.experiment = experiment;
    this.activityId = activityId;
    this.rank = rank;
    this.fileRunId = fileRunId;
  }

  static RankRecord parse(Path runDir, Path document, String experiment, String activityId, int rank,
      String fileRunId) throws RunDirectoryException {
    return new RankDocumentParser(runDir, document, experiment, activityId, rank, fileRunId).parse();
  }

  private RankRecord parse() throws RunDirectoryException {
    JsonNode doc = readTree();
    if (!doc.isObject()) {
      throw new RunDirectoryException(document, "not a PROV-JSON document (not a JSON object)");
    }
    JsonNode activityNode = doc.path("activity").path(activityId);
    if (!activityNode.isObject()) {
      throw new RunDirectoryException(document, "no run activity '" + activityId + "' in the document");
    }
    Map<String, String> runAttributes = attributes(activityNode);
    zone = zoneOf(runAttributes.get(TIME_ZONE));
    String dir = runAttributes.get(EXPERIMENT_DIR);
    recordedDir = dir == null ? null : Path.of(dir).normalize();
    artifactsDir = RunLayout.artifactsDir(runDir, rank);

    doc.path("entity").fields().forEachRemaining(e -> entities.put(e.getKey(), attributes(e.getValue())));
    doc.path("activity").fields().forEachRemaining(e -> activities.put(e.getKey(), attributes(e.getValue())));
    doc.path("agent").fields().forEachRemaining(e -> agents.put(e.getKey(), attributes(e.getValue())));
    ProvRelation.ROLES.forEach((kind, roles) -> doc.path(kind).forEach(r -> {
      String from = literal(r.path(roles[0]));
      String to = literal(r.path(roles[1]));
      if (from != null && to != null) {
        relations.add(new ProvRelation(kind, from, to));
      }
    }));
    doc.path("wasDerivedFrom").fields().forEachRemaining(r -> {
      String generated = literal(r.getValue().path(GENERATED_ENTITY));
      String used = literal(r.getValue().path(USED_ENTITY));
      if (generated != null && used != null) {
        derivedFrom.computeIfAbsent(generated, k -> new ArrayList<>()).add(used);
      }
    });

    RunActivity run = runActivity(runAttributes, user(doc));
    Map<String, String> params = new LinkedHashMap<>();
    List<MetricSeries> metrics = new ArrayList<>();
    Map<String, Artifact> artifacts = new LinkedHashMap<>();
    List<String> modelIds = new ArrayList<>();
    List<String> versionIds = new ArrayList<>();
    List<DatasetRecord> datasets = new ArrayList<>();
    List<SourceCode> code = new ArrayList<>();
    List<InputModel> inputModels = new ArrayList<>();
    for (var e : entities.entrySet()) {
      String id = e.getKey();
      Map<String, String> a = e.getValue();
      String type = a.getOrDefault(TYPE, "");
      String label = a.getOrDefault(LABEL, id);
      if (type.equals(PARAM)) {
        params.put(label, a.getOrDefault(VALUE, ""));
      } else if (type.equals(METRIC)) {
        metrics.add(metric(id, label, a));
      } else if (type.equals(DATASET)) {
        datasets.add(dataset(id, label, a));
      } else if (type.equals(TYPE_INPUT_MODEL)) {
        inputModels.add(inputModel(id, a));
      } else if (type.equals(SOURCE_CODE)) {
        code.add(sourceCode(id, a));
      } else if (type.equals(MODEL) && a.containsKey(STEP) && a.containsKey(IDENTIFIER)) {
        versionIds.add(id);
        artifact(id, label, a).ifPresent(art -> artifacts.put(id, art));
      } else if (type.equals(MODEL) && !a.containsKey(IDENTIFIER)) {
        modelIds.add(id);
      } else if (a.containsKey(IDENTIFIER) && !label.startsWith("Original_")) {
        artifact(id, label, a).ifPresent(art -> artifacts.put(id, art));
      }
    }
    metrics.addAll(unnamedMetricFiles(metrics));
    List<Model> models = new ArrayList<>();
    for (String id : modelIds) {
      models.add(model(id, artifacts));
    }
    Map<String, ModelVersion> versions = new LinkedHashMap<>();
    for (String id : versionIds) {
      version(id, versionIds, versions, 0);
    }
    return new RankRecord(rank, document, artifactsDir, run, params, metrics, new ArrayList<>(artifacts.values()),
        models, versionIds.stream().map(versions::get).toList(), datasets, code, entities, activities, agents,
        relations, inputModels);
  }

  private DatasetRecord dataset(String id, String label, Map<String, String> a) throws RunDirectoryException {
    String owner = id.contains("//") ? id.substring(id.lastIndexOf("//") + 2) : activityId;
    Optional<Context> context = owner.equals(activityId) || owner.isEmpty() ? Optional.empty()
        : Optional.of(context(id, owner));
    String prefix = YPROV + label + "_";
    Map<String, String> properties = new LinkedHashMap<>();
    a.forEach((name, value) -> {
      if (name.startsWith(prefix)) {
        properties.put(name.substring(prefix.length()), value);
      }
    });
    String source = properties.remove("source");
    String manifest = properties.remove("source_manifest");
    String note = properties.remove("source_note");
    List<String> sources = source == null || source.isBlank() ? List.of() : List.of(source.split("; "));
    return new DatasetRecord(id, label, context, properties, sources, Optional.ofNullable(a.get(SHA256)),
        Optional.ofNullable(manifest).map(this::rebase), Optional.ofNullable(note), rank, a, runDir);
  }

  /** An input model; its file is kept as recorded (it is outside the run directory) and never opened. */
  private InputModel inputModel(String id, Map<String, String> a) throws RunDirectoryException {
    String location = a.get(IDENTIFIER);
    Optional<Path> file;
    try {
      file = Optional.ofNullable(location).filter(l -> !l.isBlank()).map(Path::of);
    } catch (java.nio.file.InvalidPathException e) {
      throw new RunDirectoryException(document, "input model '" + id + "' has a file name that is not a path");
    }
    return new InputModel(id, a.getOrDefault(MODEL_NAME, a.getOrDefault(LABEL, id)), file,
        optionalNumber(id, a, FILE_SIZE), Optional.ofNullable(a.get(SHA256)), "true".equals(a.get(NO_FILE)), rank, a);
  }

  private SourceCode sourceCode(String id, Map<String, String> a) throws RunDirectoryException {
    String location = a.get(IDENTIFIER);
    return new SourceCode(id, Optional.ofNullable(location).filter(l -> !l.isBlank()).map(Path::of),
        a.getOrDefault(MAIN_CLASS, "unknown"), optionalNumber(id, a, FILE_SIZE),
        Optional.ofNullable(a.get(SHA256)), Optional.ofNullable(a.get(NOTE)), rank, a);
  }

  private JsonNode readTree() throws RunDirectoryException {
    try (InputStream in = RunFiles.open(runDir, document)) {
      JsonNode doc = JSON.readTree(in);
      if (doc == null || doc.isMissingNode()) {
        throw new RunDirectoryException(document, "the PROV document is empty");
      }
      return doc;
    } catch (RunDirectoryException refused) {
      throw refused;
    } catch (JsonEOFException cut) {
      throw new RunDirectoryException(document, "the PROV document is cut short" + at(cut.getLocation())
          + "; it was not written whole", cut);
    } catch (JsonProcessingException bad) {
      if (bad.getOriginalMessage().startsWith("Unexpected end-of-input")) {
        // Jackson reports some ends of input (between an object's entries) without JsonEOFException.
        throw new RunDirectoryException(document, "the PROV document is cut short" + at(bad.getLocation())
            + "; it was not written whole", bad);
      }
      throw new RunDirectoryException(document, "not a PROV-JSON document" + at(bad.getLocation()) + ": "
          + bad.getOriginalMessage().lines().findFirst().orElse(""), bad);
    } catch (IOException e) {
      throw new RunDirectoryException(document, "cannot read the PROV document: " + MetricCsv.reason(e), e);
    }
  }

  private static String at(JsonLocation location) {
    return location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private RunActivity runActivity(Map<String, String> a, Optional<String> user) throws RunDirectoryException {
    // From the file name: yProv4ML records the activity id as yprov:experiment_name.
    // A number as yProv4ML numbers runs, or a job's run identity; the file name's when not recorded.
    String runId = a.getOrDefault(RUN_ID, fileRunId);
    // Read as a long and range-checked: cast to int, 99999999999 would read as rank 1215752191.
    long recordedRank = a.containsKey(GLOBAL_RANK) ? number(activityId, a, GLOBAL_RANK) : rank;
    if (recordedRank < 0 || recordedRank > Integer.MAX_VALUE) {
      throw new RunDirectoryException(document, "the run activity's " + GLOBAL_RANK + " " + recordedRank
          + " is out of range (0 to " + Integer.MAX_VALUE + ")");
    }
    if (recordedRank != rank) {
      throw new RunDirectoryException(document, "the run activity says rank " + recordedRank
          + " but the file name says rank " + rank);
    }
    String name = a.getOrDefault(RUN_NAME, experiment + "_" + runId);
    OffsetDateTime start = time(activityId, a, STARTED_AT_TIME)
        .orElseThrow(() -> new RunDirectoryException(document, "the run activity has no " + STARTED_AT_TIME));
    Optional<OffsetDateTime> end = time(activityId, a, ENDED_AT_TIME);
    Optional<RunStatus> status = Optional.empty();
    String recordedStatus = a.get(STATUS);
    if (recordedStatus != null) {
      try {
        status = Optional.of(RunStatus.valueOf(recordedStatus.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException unknown) {
        throw new RunDirectoryException(document, "the run activity's " + STATUS + " '" + recordedStatus
            + "' is none of FINISHED, FAILED, KILLED, INCOMPLETE");
      }
    } else if (end.isPresent()) {
      status = Optional.of(RunStatus.FINISHED); // yProv4ML's end_run records the end time, not a status
    }
    return new RunActivity(activityId, experiment, name, runId, rank, status, start, end, user, a);
  }

  /** The {@code prov:Person} agent; yProv4ML's one agent, the user, has no type. */
  private static Optional<String> user(JsonNode doc) {
    List<String> agents = new ArrayList<>();
    var records = doc.path("agent").fields();
    while (records.hasNext()) {
      var agent = records.next();
      if (TYPE_PERSON.equals(literal(agent.getValue().path(TYPE)))) {
        return Optional.of(agent.getKey());
      }
      agents.add(agent.getKey());
    }
    return agents.size() == 1 ? Optional.of(agents.get(0)) : Optional.empty();
  }

  /**
   * The metric files of the rank's metrics folder that the document does not name: the writer rewrites the
   * document on its own schedule, so a series created just before a {@code kill -9} has its file and not yet its
   * entity. Its key is the file's (a key's {@code / \\ :} are {@code _} in a file name), said in a note.
   */
  private List<MetricSeries> unnamedMetricFiles(List<MetricSeries> named) {
    Path folder = RunLayout.metricsDir(runDir, rank);
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    Set<Path> known = new HashSet<>();
    named.forEach(s -> known.add(s.file().toAbsolutePath().normalize()));
    List<MetricSeries> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : (Iterable<Path>) files.sorted()::iterator) {
        String[] keyAndContext = RunLayout.keyAndContextOf(file.getFileName().toString(), rank);
        if (keyAndContext == null || known.contains(file.toAbsolutePath().normalize())
            || RunFiles.refusal(runDir, file).isPresent()) {
          continue; // only regular files inside the directory: a stray FIFO or link is no series, and not opened
        }
        Context context;
        try {
          context = Context.of(keyAndContext[1]);
        } catch (IllegalArgumentException notAContext) {
          continue;
        }
        found.add(new MetricSeries(keyAndContext[0] + "//" + context.name(), keyAndContext[0], context, rank, runDir,
            file, Map.of(NOTE, "found in the metrics folder; the document did not name it yet")));
      }
    } catch (IOException e) {
      return found; // an unlistable folder costs only the series the document does not name
    }
    return found;
  }

  private MetricSeries metric(String id, String label, Map<String, String> a) throws RunDirectoryException {
    String contextName = a.get(CONTEXT);
    if (contextName == null) {
      int separator = id.lastIndexOf("//");
      contextName = separator < 0 ? "" : id.substring(separator + 2);
    }
    String identifier = a.get(IDENTIFIER);
    if (identifier == null) {
      throw new RunDirectoryException(document, "metric '" + id + "' names no file (dcterms:identifier)");
    }
    return new MetricSeries(id, label, context(id, contextName), rank, runDir, rebase(identifier), a);
  }

  private Optional<Artifact> artifact(String id, String label, Map<String, String> a) throws RunDirectoryException {
    Path file = rebase(a.get(IDENTIFIER));
    if (!file.startsWith(artifactsDir) || file.equals(artifactsDir)) {
      return Optional.empty(); // a file the run only used, e.g. yProv4ML's source code entities
    }
    String path = artifactsDir.relativize(file).toString().replace('\\', '/');
    String owner = id.contains("//") ? id.substring(id.lastIndexOf("//") + 2) : activityId;
    Optional<Context> context = owner.equals(activityId) || owner.isEmpty() ? Optional.empty()
        : Optional.of(context(id, owner));
    Optional<Path> original = derivedFrom.getOrDefault(id, List.of()).stream()
        .map(entities::get)
        .filter(o -> o != null && o.getOrDefault(LABEL, "").startsWith("Original_")
            && o.containsKey(IDENTIFIER))
        .map(o -> Path.of(o.get(IDENTIFIER)))
        .findFirst();
    long size = a.containsKey(FILE_SIZE) ? number(id, a, FILE_SIZE) : sizeOf(file);
    return Optional.of(new Artifact(id, path, file, size, Optional.ofNullable(a.get(SHA256)), context,
        original, MODEL.equals(a.get(TYPE)), rank, a));
  }

  private long sizeOf(Path file) {
    if (RunFiles.refusal(runDir, file).isPresent()) {
      return -1; // not even the size of a file outside the run directory is read through it
    }
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  private Model model(String id, Map<String, Artifact> artifacts) throws RunDirectoryException {
    Map<String, String> a = entities.get(id);
    List<Artifact> files = new ArrayList<>();
    derivedFrom.forEach((generated, used) -> {
      if (used.contains(id) && artifacts.containsKey(generated)) {
        files.add(artifacts.get(generated));
      }
    });
    files.sort(java.util.Comparator.comparing(Artifact::path));
    return new Model(id, a.getOrDefault(LABEL, id), optionalNumber(id, a, TOTAL_PARAMS),
        optionalNumber(id, a, MEMORY_BYTES), files, rank, a);
  }

  /** Builds a version after the one it derives from, so each holds its previous one. */
  private ModelVersion version(String id, List<String> versionIds, Map<String, ModelVersion> built, int depth)
      throws RunDirectoryException {
    ModelVersion done = built.get(id);
    if (done != null) {
      return done;
    }
    if (depth > versionIds.size()) {
      throw new RunDirectoryException(document, "model version '" + id + "' derives from itself (a cycle)");
    }
    Map<String, String> a = entities.get(id);
    Optional<ModelVersion> previous = Optional.empty();
    for (String used : derivedFrom.getOrDefault(id, List.of())) {
      if (versionIds.contains(used)) {
        previous = Optional.of(version(used, versionIds, built, depth + 1));
        break;
      }
    }
    String contextName = id.contains("//") ? id.substring(id.lastIndexOf("//") + 2) : "";
    Path file = rebase(a.get(IDENTIFIER));
    ModelVersion v = new ModelVersion(id, a.getOrDefault(MODEL_NAME, a.getOrDefault(LABEL, id)),
        number(id, a, STEP), context(id, contextName), file,
        a.containsKey(FILE_SIZE) ? number(id, a, FILE_SIZE) : sizeOf(file),
        Optional.ofNullable(a.get(SHA256)), previous, rank, a);
    built.put(id, v);
    return v;
  }

  private Context context(String id, String name) throws RunDirectoryException {
    try {
      return Context.of(name);
    } catch (IllegalArgumentException e) {
      throw new RunDirectoryException(document, "entity '" + id + "' has context '" + name
          + "', which is not a context name");
    }
  }

  /**
   * A path as the document recorded it, moved along with the run directory: paths are recorded
   * absolute, under the run directory as it was then ({@code yprov:experiment_dir}).
   */
  private Path rebase(String recorded) {
    Path path = Path.of(recorded).normalize();
    if (recordedDir != null && path.startsWith(recordedDir)) {
      return runDir.resolve(recordedDir.relativize(path).toString());
    }
    if (!path.isAbsolute()) {
      // Written relative to the writer's working directory: find it by the run directory's own name.
      Path runName = runDir.getFileName();
      for (int i = 0; i < path.getNameCount() - 1; i++) {
        if (path.getName(i).equals(runName)) {
          return runDir.resolve(path.subpath(i + 1, path.getNameCount()).toString());
        }
      }
      return runDir.resolve(path.toString());
    }
    return path;
  }

  private long number(String id, Map<String, String> a, String attribute) throws RunDirectoryException {
    String value = a.get(attribute);
    if (value == null) {
      throw new RunDirectoryException(document, "'" + id + "' has no " + attribute);
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new RunDirectoryException(document, "'" + id + "' has " + attribute + " '" + value
          + "', not a whole number");
    }
  }

  private OptionalLong optionalNumber(String id, Map<String, String> a, String attribute)
      throws RunDirectoryException {
    return a.containsKey(attribute) ? OptionalLong.of(number(id, a, attribute)) : OptionalLong.empty();
  }

  private Optional<OffsetDateTime> time(String id, Map<String, String> a, String attribute)
      throws RunDirectoryException {
    String value = a.get(attribute);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(value));
    } catch (DateTimeParseException noOffset) {
      try {
        // Python's datetime.isoformat() of a naive time: the writer's local time.
        return Optional.of(LocalDateTime.parse(value).atZone(zone).toOffsetDateTime());
      } catch (DateTimeParseException e) {
        throw new RunDirectoryException(document, "'" + id + "' has " + attribute + " '" + value
            + "', not an ISO-8601 time");
      }
    }
  }

  /** yProv4ML's {@code yprov:time_zone}, e.g. {@code UTC+0100}; prov4ml's is a zone id. */
  private static ZoneId zoneOf(String recorded) {
    if (recorded != null) {
      try {
        return recorded.matches("UTC[+-]\\d{4}")
            ? java.time.ZoneOffset.of(recorded.substring(3, 6) + ":" + recorded.substring(6)) : ZoneId.of(recorded);
      } catch (java.time.DateTimeException unknown) {
        // fall through to this machine's zone
      }
    }
    return ZoneId.systemDefault();
  }

  /** A record's attributes, each flattened to a string. */
  private static Map<String, String> attributes(JsonNode record) {
    Map<String, String> attributes = new LinkedHashMap<>();
    record.fields().forEachRemaining(f -> {
      String value = literal(f.getValue());
      if (value != null) {
        attributes.put(f.getKey(), value);
      }
    });
    return attributes;
  }

  /**
   * A PROV-JSON value as text: a string or number as it is, a typed literal {@code {"$": v}} as
   * {@code v}, several values joined with {@code ", "}.
   */
  private static String literal(JsonNode value) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return null;
    }
    if (value.isObject()) {
      return literal(value.get("$"));
    }
    if (value.isArray()) {
      List<String> parts = new ArrayList<>();
      value.forEach(v -> {
        String text = literal(v);
        if (text != null) {
          parts.add(text);
        }
      });
      return String.join(", ", parts);
    }
    return value.asText();
  }
}
