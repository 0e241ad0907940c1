package org.prov4ml.internal.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.prov4ml.rundir.PrintableText;
import org.tinylog.Logger;

/**
 * The few calls of MLflow's REST API 2.0 that an upload needs, one request each (no retries here).
 * Errors arrive as {@link MlflowUnavailableException} (try again later) or
 * {@link MlflowRejectedException} (the server's final word).
 */
final class MlflowTracking {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API = "/api/2.0/mlflow/";
  /** The proxied artifact store that {@code mlflow server} serves by default ({@code --serve-artifacts}). */
  static final String PROXIED_ARTIFACTS_SCHEME = "mlflow-artifacts:";

  /** A run on the server. */
  record RunRef(String runId, String experimentId, String artifactUri, String status) {
    boolean hasProxiedArtifacts() {
      return artifactUri != null && artifactUri.startsWith(PROXIED_ARTIFACTS_SCHEME);
    }
  }

  /** One point of a metric's history on the server. */
  record StoredPoint(long step, long timestamp, double value) {}

  private final MlflowHttp http;

  MlflowTracking(MlflowHttp http) {
    this.http = http;
  }

  MlflowHttp http() {
    return http;
  }

  /**
   * The experiment tag from which MLflow 3's UI decides an experiment's kind; without it an experiment
   * is shown as a GenAI one ("Evaluations"). MLflow 2.x keeps it as an ordinary tag.
   */
  static final String EXPERIMENT_KIND_TAG = "mlflow.experimentKind";
  /** The kind MLflow 3's UI shows as "Model training": what a DJL run is. */
  static final String MODEL_TRAINING_KIND = "custom_model_development";

  /**
   * The id of the experiment {@code name}, created when missing (a concurrent creation is fine), with
   * its kind: one it creates gets {@value #MODEL_TRAINING_KIND}, as does an existing one that has no
   * kind; a kind someone chose is kept.
   */
  String experimentId(String name) throws IOException, InterruptedException {
    Optional<JsonNode> found = experimentByName(name);
    if (found.isEmpty()) {
      try {
        ObjectNode body = JSON.createObjectNode().put("name", name);
        body.putArray("tags").addObject().put("key", EXPERIMENT_KIND_TAG).put("value", MODEL_TRAINING_KIND);
        return http.postJson(API + "experiments/create", JSON.writeValueAsBytes(body)).path("experiment_id").asText();
      } catch (MlflowRejectedException e) {
        if (!"RESOURCE_ALREADY_EXISTS".equals(e.errorCode())) {
          throw e;
        }
        found = experimentByName(name); // another process created it between our two calls
      }
    }
    JsonNode experiment = found.orElseThrow(() -> new MlflowRejectedException(404, "RESOURCE_DOES_NOT_EXIST",
        "experiment '" + name + "' vanished right after it was created"));
    if ("deleted".equals(experiment.path("lifecycle_stage").asText())) {
      throw new MlflowRejectedException(400, "INVALID_STATE", "experiment '" + name + "' is deleted on "
          + http.server() + "; restore it (mlflow experiments restore) or choose another experiment name");
    }
    String id = experiment.path("experiment_id").asText();
    kindUnlessSet(id, experiment);
    return id;
  }

  /** Gives experiment {@code id} the kind {@value #MODEL_TRAINING_KIND} when it has none. */
  void ensureExperimentKind(String id) throws IOException, InterruptedException {
    kindUnlessSet(id, http.get(API + "experiments/get?experiment_id=" + query(id)).path("experiment"));
  }

  private void kindUnlessSet(String id, JsonNode experiment) throws IOException, InterruptedException {
    for (JsonNode tag : experiment.path("tags")) {
      if (EXPERIMENT_KIND_TAG.equals(tag.path("key").asText())) {
        return;
      }
    }
    try {
      http.postJson(API + "experiments/set-experiment-tag", JSON.writeValueAsBytes(
          Map.of("experiment_id", id, "key", EXPERIMENT_KIND_TAG, "value", MODEL_TRAINING_KIND)));
    } catch (MlflowRejectedException e) {
      // Only how the UI shows the experiment: not worth the run's upload (a user may not edit the experiment).
      Logger.warn("prov4ml: MLflow at {} did not set experiment {}'s kind ({}): {}", http.server(), id,
          EXPERIMENT_KIND_TAG, PrintableText.of(e.serverMessage()));
    }
  }

  private Optional<JsonNode> experimentByName(String name) throws IOException, InterruptedException {
    try {
      return Optional.of(http.get(API + "experiments/get-by-name?experiment_name=" + query(name))
          .path("experiment"));
    } catch (MlflowRejectedException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  RunRef createRun(String experimentId, String runName, long startTime, List<LogBatchRequest.KeyValue> tags)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("experiment_id", experimentId).put("run_name", runName)
        .put("start_time", startTime);
    ArrayNode tagArray = body.putArray("tags");
    for (LogBatchRequest.KeyValue t : tags) {
      tagArray.addObject().put("key", t.key()).put("value", t.value());
    }
    return runRef(http.postJson(API + "runs/create", JSON.writeValueAsBytes(body)).path("run").path("info"));
  }

  RunRef getRun(String runId) throws IOException, InterruptedException {
    return runRef(http.get(API + "runs/get?run_id=" + query(runId)).path("run").path("info"));
  }

  /** The run {@code runId} as the server has it, and the value of its tag {@code key} (null when it has none). */
  TaggedRun getRunWithTag(String runId, String key) throws IOException, InterruptedException {
    JsonNode run = http.get(API + "runs/get?run_id=" + query(runId)).path("run");
    String value = null;
    for (JsonNode tag : run.path("data").path("tags")) {
      if (key.equals(tag.path("key").asText())) {
        value = tag.path("value").asText();
      }
    }
    return new TaggedRun(runRef(run.path("info")), value);
  }

  /** A run and the value of one of its tags. */
  record TaggedRun(RunRef run, String tag) {}

  /** The run of {@code experimentId} tagged {@code key=value}, if one exists. */
  Optional<RunRef> findRunByTag(String experimentId, String key, String value)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("experiment_ids").add(experimentId);
    body.put("filter", "tags.`" + key + "` = '" + value.replace("'", "") + "'").put("max_results", 1);
    JsonNode runs = http.postJson(API + "runs/search", JSON.writeValueAsBytes(body)).path("runs");
    return runs.isEmpty() ? Optional.empty() : Optional.of(runRef(runs.get(0).path("info")));
  }

  /**
   * The active runs of {@code experimentId} tagged {@code key=value}, oldest first (then by id): for
   * finding a job's parent run, which racing ranks may have created more than once.
   */
  List<RunRef> runsByTag(String experimentId, String key, String value) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("experiment_ids").add(experimentId);
    body.put("filter", "tags.`" + key + "` = '" + value.replace("'", "") + "'").put("max_results", 100);
    List<JsonNode> found = new ArrayList<>();
    http.postJson(API + "runs/search", JSON.writeValueAsBytes(body)).path("runs").forEach(r -> found.add(r.path("info")));
    found.sort(java.util.Comparator.comparingLong((JsonNode info) -> info.path("start_time").asLong())
        .thenComparing(info -> info.path("run_id").asText()));
    return found.stream().map(MlflowTracking::runRef).toList();
  }

  /** Marks a run deleted (MLflow keeps it, hidden, until garbage-collected). */
  void deleteRun(String runId) throws IOException, InterruptedException {
    http.postJson(API + "runs/delete", JSON.writeValueAsBytes(Map.of("run_id", runId)));
  }

  /** Deletes a tag; a run without it is fine. */
  void deleteTagIfPresent(String runId, String key) throws IOException, InterruptedException {
    try {
      http.postJson(API + "runs/delete-tag", JSON.writeValueAsBytes(Map.of("run_id", runId, "key", key)));
    } catch (MlflowRejectedException noSuchTag) {
      // nothing to delete
    }
  }

  void setTag(String runId, String key, String value) throws IOException, InterruptedException {
    http.postJson(API + "runs/set-tag", JSON.writeValueAsBytes(Map.of("run_id", runId, "key", key, "value", value)));
  }

  /** The run's params, by key. */
  Map<String, String> params(String runId) throws IOException, InterruptedException {
    Map<String, String> params = new java.util.LinkedHashMap<>();
    for (JsonNode p : http.get(API + "runs/get?run_id=" + query(runId)).path("run").path("data").path("params")) {
      params.put(p.path("key").asText(), p.path("value").asText());
    }
    return params;
  }

  void logBatch(String runId, LogBatchRequest batch) throws IOException, InterruptedException {
    http.postJson(API + "runs/log-batch", batch.toJson(runId));
  }

  /**
   * {@code runs/log-inputs} with data sets only ({@code models[]} is MLflow 3's). The server stores a
   * data set once per experiment by name and digest, and an input once per run, so sending one again
   * changes nothing.
   */
  void logInputs(String runId, List<DatasetInputs.MlflowDataset> datasets) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("run_id", runId);
    ArrayNode array = body.putArray("datasets");
    for (DatasetInputs.MlflowDataset d : datasets) {
      ObjectNode input = array.addObject();
      ObjectNode dataset = input.putObject("dataset").put("name", d.name()).put("digest", d.digest())
          .put("source_type", d.sourceType()).put("source", d.source()).put("profile", d.profile());
      if (d.schema() != null) {
        dataset.put("schema", d.schema());
      }
      ArrayNode tags = input.putArray("tags");
      if (d.context() != null) {
        tags.addObject().put("key", DatasetInputs.CONTEXT_TAG).put("value", d.context());
      }
    }
    http.postJson(API + "runs/log-inputs", JSON.writeValueAsBytes(body));
  }

  /** Sets a terminated run RUNNING again: a relaunched job continues it. */
  void setRunning(String runId) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("run_id", runId).put("status", "RUNNING");
    http.postJson(API + "runs/update", JSON.writeValueAsBytes(body));
  }

  void setTerminated(String runId, String status, long endTime) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("run_id", runId).put("status", status).put("end_time", endTime);
    http.postJson(API + "runs/update", JSON.writeValueAsBytes(body));
  }

  /**
   * The most points {@code metrics/get-history-bulk-interval} answers with ({@code max_results} is
   * 1..2500, {@code MAX_RESULTS_PER_RUN} in both 2.17.2 and 3.17.2).
   */
  static final int MAX_POINTS_AT_STEP = 2500;

  /**
   * Points of {@code key} at {@code step}, from {@code metrics/get-history-bulk-interval} with
   * {@code start_step = end_step = step} (served under {@code /api/2.0/mlflow/} as under
   * {@code /ajax-api/}, since MLflow 2.11). Servers answer it in one of two ways, and both are
   * exact when fewer than {@code maxResults} points come back:
   * <ul>
   *   <li>3.17.2's SQL store (it samples rows in SQL): every point at the step when there are at most
   *       {@code maxResults}, else {@code maxResults} of them spread evenly, the step's last one (in
   *       MLflow's order: step, timestamp, value) always included; with {@code maxResults = 1}, just
   *       that last one. The cost is the points at the step.
   *   <li>2.17.2, and the stores without that sampling ({@code max_results} bounds the sampled steps,
   *       not the rows): every point at the step, oldest first, up to 25,000. The server reads the
   *       key's whole history to sample the steps, so there it costs the series, though the answer is
   *       small and it takes about half of {@code get-history}'s time (docs/benchmarks.md).
   * </ul>
   */
  List<StoredPoint> metricAtStep(String runId, String key, long step, int maxResults)
      throws IOException, InterruptedException {
    JsonNode metrics = http.get(API + "metrics/get-history-bulk-interval?run_ids=" + query(runId) + "&metric_key="
        + query(key) + "&start_step=" + step + "&end_step=" + step + "&max_results=" + maxResults).path("metrics");
    return points(metrics);
  }

  /**
   * Every point of a metric: costs the whole series (the 2.17 server ignores paging and answers with
   * every point at once; 3.17.2 pages by offset in timestamp order, so a re-logged batch, the newest
   * points, is on the last page), so only the last resort of an in-flight check.
   */
  List<StoredPoint> metricHistory(String runId, String key) throws IOException, InterruptedException {
    return points(http.get(API + "metrics/get-history?run_id=" + query(runId) + "&metric_key=" + query(key))
        .path("metrics"));
  }

  private static List<StoredPoint> points(JsonNode metrics) {
    List<StoredPoint> points = new ArrayList<>(metrics.size());
    for (JsonNode m : metrics) {
      points.add(point(m));
    }
    return points;
  }

  /** Each key's latest value ({@code runs/get}): costs the run's keys, params and tags, not its points. */
  Map<String, StoredPoint> latestMetrics(String runId) throws IOException, InterruptedException {
    Map<String, StoredPoint> latest = new LinkedHashMap<>();
    for (JsonNode m : http.get(API + "runs/get?run_id=" + query(runId)).path("run").path("data").path("metrics")) {
      latest.put(m.path("key").asText(), point(m));
    }
    return latest;
  }

  private static StoredPoint point(JsonNode m) {
    JsonNode v = m.path("value");
    // Protobuf's JSON writes NaN and the infinities as strings.
    double value = v.isTextual() ? Double.parseDouble(v.asText()) : v.asDouble();
    return new StoredPoint(m.path("step").asLong(), m.path("timestamp").asLong(), value);
  }

  /** The Model Registry's model {@code name}, created when missing (a concurrent creation is fine). */
  void ensureRegisteredModel(String name) throws IOException, InterruptedException {
    try {
      http.postJson(API + "registered-models/create", JSON.writeValueAsBytes(Map.of("name", name)));
    } catch (MlflowRejectedException e) {
      if (!"RESOURCE_ALREADY_EXISTS".equals(e.errorCode())) {
        throw e;
      }
    }
  }

  /** A version of a registered model. */
  record RegisteredVersion(String name, String version, String source) {}

  /**
   * The registered model versions made from run {@code runId}, of every model (the filter names only the
   * run: a run id needs no quoting, a model's name might). One page: a run registers far fewer versions
   * than the server's 10,000 per page.
   */
  List<RegisteredVersion> modelVersionsOfRun(String runId) throws IOException, InterruptedException {
    List<RegisteredVersion> versions = new ArrayList<>();
    for (JsonNode v : http.get(API + "model-versions/search?filter=" + query("run_id='" + runId + "'"))
        .path("model_versions")) {
      versions.add(new RegisteredVersion(v.path("name").asText(), v.path("version").asText(),
          v.path("source").asText()));
    }
    return versions;
  }

  /** Creates a version of registered model {@code name} from {@code source}, linked to run {@code runId}. */
  RegisteredVersion createModelVersion(String name, String source, String runId, Map<String, String> tags)
      throws IOException, InterruptedException {
    return createModelVersion(name, source, runId, null, tags);
  }

  /** As above, made from LoggedModel {@code modelId} when not null (MLflow 3: the version's {@code model_id}). */
  RegisteredVersion createModelVersion(String name, String source, String runId, String modelId,
      Map<String, String> tags) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("name", name).put("source", source).put("run_id", runId);
    if (modelId != null) {
      body.put("model_id", modelId);
    }
    ArrayNode tagArray = body.putArray("tags");
    tags.forEach((k, v) -> tagArray.addObject().put("key", k).put("value", v));
    JsonNode v = http.postJson(API + "model-versions/create", JSON.writeValueAsBytes(body)).path("model_version");
    return new RegisteredVersion(v.path("name").asText(), v.path("version").asText(), v.path("source").asText());
  }

  /** A LoggedModel (MLflow 3): its id, where its files go, its status, its tags and the run that made it. */
  record LoggedModelRef(String modelId, String artifactLocation, String status, Map<String, String> tags,
      String sourceRunId) {}

  /** MLflow's LoggedModel statuses, as {@code FinalizeLoggedModel} takes them (an int: its schema says so). */
  static final int LOGGED_MODEL_READY = 2;
  static final int LOGGED_MODEL_UPLOAD_FAILED = 3;

  /**
   * Whether the server has LoggedModels (MLflow 3.0 and later): {@code logged-models/search} in
   * {@code experimentId}, which a 2.x server answers with 404.
   */
  boolean hasLoggedModels(String experimentId) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("max_results", 1);
    body.putArray("experiment_ids").add(experimentId);
    try {
      http.postJson(API + "logged-models/search", JSON.writeValueAsBytes(body));
      return true;
    } catch (MlflowRejectedException e) {
      if (e.status() == 404 || e.status() == 405) {
        return false;
      }
      throw e;
    }
  }

  LoggedModelRef createLoggedModel(String experimentId, String name, String sourceRunId, Map<String, String> tags)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("experiment_id", experimentId).put("name", name)
        .put("source_run_id", sourceRunId);
    ArrayNode tagArray = body.putArray("tags");
    tags.forEach((k, v) -> tagArray.addObject().put("key", k).put("value", v));
    return loggedModel(http.postJson(API + "logged-models", JSON.writeValueAsBytes(body)).path("model"));
  }

  /** The LoggedModels made by run {@code runId} in {@code experimentId}, every page. */
  List<LoggedModelRef> loggedModelsOfRun(String experimentId, String runId) throws IOException, InterruptedException {
    List<LoggedModelRef> found = new ArrayList<>();
    String token = null;
    do {
      ObjectNode body = JSON.createObjectNode().put("filter", "source_run_id = '" + runId.replace("'", "") + "'")
          .put("max_results", 100);
      body.putArray("experiment_ids").add(experimentId);
      if (token != null) {
        body.put("page_token", token);
      }
      JsonNode answer = http.postJson(API + "logged-models/search", JSON.writeValueAsBytes(body));
      answer.path("models").forEach(m -> found.add(loggedModel(m)));
      token = answer.path("next_page_token").asText(null);
    } while (token != null && !token.isEmpty());
    return found;
  }

  /** LoggedModel {@code modelId} ({@code logged-models/{id}}), or empty when the server has none of that id. */
  Optional<LoggedModelRef> loggedModel(String modelId) throws IOException, InterruptedException {
    try {
      return Optional.of(loggedModel(http.get(API + "logged-models/" + query(modelId)).path("model")));
    } catch (MlflowRejectedException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * The LoggedModels of {@code experimentId} tagged {@code key=value}, oldest first, one page of at most 100:
   * {@code logged-models/search} with the filter {@code tags.`key` = 'value'} (3.17.2's
   * {@code search_logged_model_utils.parse_filter_string}: the key in backticks, the value in single quotes,
   * which a SHA-256 never holds).
   */
  List<LoggedModelRef> loggedModelsTagged(String experimentId, String key, String value)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode()
        .put("filter", "tags.`" + key.replace("`", "") + "` = '" + value.replace("'", "") + "'")
        .put("max_results", 100);
    body.putArray("experiment_ids").add(experimentId);
    body.putArray("order_by").addObject().put("field_name", "creation_timestamp").put("ascending", true);
    List<LoggedModelRef> found = new ArrayList<>();
    http.postJson(API + "logged-models/search", JSON.writeValueAsBytes(body)).path("models")
        .forEach(m -> found.add(loggedModel(m)));
    return found;
  }

  /**
   * {@code runs/log-inputs} with LoggedModels only ({@code models[]}, MLflow 3): the run started from them.
   * 3.17.2 stores one input per run and model, replacing a repeat ({@code merge} on the table's key), and does
   * not check that the model exists: the caller confirms that first.
   */
  void logModelInputs(String runId, List<String> modelIds) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("run_id", runId);
    ArrayNode models = body.putArray("models");
    modelIds.forEach(id -> models.addObject().put("model_id", id));
    http.postJson(API + "runs/log-inputs", JSON.writeValueAsBytes(body));
  }

  /** Sets a LoggedModel's status; setting it again is harmless. */
  void finalizeLoggedModel(String modelId, int status) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("model_id", modelId).put("status", status);
    http.patchJson(API + "logged-models/" + query(modelId), JSON.writeValueAsBytes(body));
  }

  void setLoggedModelTag(String modelId, String key, String value) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("tags").addObject().put("key", key).put("value", value);
    http.patchJson(API + "logged-models/" + query(modelId) + "/tags", JSON.writeValueAsBytes(body));
  }

  /**
   * Records {@code modelId} as an output of run {@code runId} at {@code step}. Not idempotent: the
   * store's key (run, model) refuses a repeat with a server error, so ask {@link #modelOutputs} first.
   */
  void logOutput(String runId, String modelId, long step) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("run_id", runId);
    body.putArray("models").addObject().put("model_id", modelId).put("step", step);
    http.postJson(API + "runs/outputs", JSON.writeValueAsBytes(body));
  }

  /** The ids of the LoggedModels the run has as outputs ({@code runs/get}'s {@code outputs.model_outputs}). */
  java.util.Set<String> modelOutputs(String runId) throws IOException, InterruptedException {
    java.util.Set<String> ids = new java.util.LinkedHashSet<>();
    for (JsonNode m : http.get(API + "runs/get?run_id=" + query(runId)).path("run").path("outputs")
        .path("model_outputs")) {
      ids.add(m.path("model_id").asText());
    }
    return ids;
  }

  private static LoggedModelRef loggedModel(JsonNode model) {
    Map<String, String> tags = new LinkedHashMap<>();
    model.path("info").path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
    JsonNode info = model.path("info");
    return new LoggedModelRef(info.path("model_id").asText(), info.path("artifact_uri").asText(null),
        info.path("status").asText(null), tags, info.path("source_run_id").asText(""));
  }

  /** PUTs a file under a proxied artifact root other than a run's: a LoggedModel's {@code artifact_uri}. */
  void putArtifact(String artifactRoot, ArtifactPath path, Path file) throws IOException, InterruptedException {
    http.putFile("/api/2.0/mlflow-artifacts/artifacts/" + proxiedRoot(artifactRoot) + "/" + encode(path), file);
  }

  /**
   * PUTs a file to the server's artifact proxy,
   * {@code /api/2.0/mlflow-artifacts/artifacts/<expId>/<runId>/artifacts/<path>}. Java's
   * {@code logArtifact} would fork a Python CLI instead; this needs no Python.
   */
  void putArtifact(RunRef run, ArtifactPath path, Path file) throws IOException, InterruptedException {
    http.putFile("/api/2.0/mlflow-artifacts/artifacts/" + proxiedRoot(run.artifactUri()) + "/" + encode(path),
        file);
  }

  /** {@code 1/<runId>/artifacts} of {@code mlflow-artifacts:/1/<runId>/artifacts} (or {@code ://host/1/...}). */
  static String proxiedRoot(String artifactUri) {
    String rest = artifactUri.substring(PROXIED_ARTIFACTS_SCHEME.length());
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      rest = slash < 0 ? "" : rest.substring(slash);
    }
    return rest.replaceAll("^/+", "").replaceAll("/+$", "");
  }

  private static String encode(ArtifactPath path) {
    try {
      return new URI(null, null, path.toString(), null).getRawPath();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("artifact path " + path + " cannot be put in a URL", e);
    }
  }

  private static RunRef runRef(JsonNode info) {
    return new RunRef(info.path("run_id").asText(), info.path("experiment_id").asText(),
        info.path("artifact_uri").asText(null), info.path("status").asText(null));
  }

  private static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
