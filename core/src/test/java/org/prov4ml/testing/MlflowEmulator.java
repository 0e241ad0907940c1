package org.prov4ml.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few endpoints of MLflow's REST API that prov4ml's upload uses, in the JVM, for fast tests of the
 * uploader's logic (cursor, binding, batching, in-flight resolution, the Model Registry). It keeps
 * MLflow's semantics where the uploader depends on them: params are immutable, a metric key with
 * {@code //} is refused, a run's latest value per key follows MLflow's order (step, timestamp, value,
 * with NaN stored as 0 and infinities as the largest doubles), one {@code log-batch} applies all of its
 * metrics or none. Unlike MLflow's SQL stores it never drops a repeated metric point, so a point sent
 * twice shows twice. Behaviour against MLflow itself is tested with {@link MlflowServer}.
 *
 * <p>{@code metrics/get-history-bulk-interval} answers as MLflow 3.17.2's SQL store does (rows sampled
 * evenly, the range's last one always kept), or, after {@link #bulkIntervalAsIn2_17}, as 2.17.2 does
 * (steps sampled, every row at a sampled step).
 *
 * <p>Faults are injected per request path: {@link #failNext} answers the next matching request with a
 * fault before or after applying it, {@link #failEvery} every one.
 */
public final class MlflowEmulator implements AutoCloseable {

  /** What the emulator does to a request that a test chose to fail. */
  public enum Fault {
    /** Answers 503 without applying it. */
    UNAVAILABLE,
    /** Applies the request, then closes the connection without an answer: its outcome is unknown. */
    APPLY_THEN_DROP,
    /** Closes the connection without applying the request or answering: its outcome is unknown too. */
    DROP,
    /** Answers 404 ENDPOINT_NOT_FOUND, as a server that does not have the endpoint. */
    NOT_FOUND
  }

  /** A request as received: for tests that check what reached the server, credentials and bytes included. */
  public record Received(String method, String path, String authorization, byte[] body) {}

  /** A stored metric point. */
  public record Point(long step, double value, long timestamp) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API = "/api/2.0/mlflow/";
  private static final Pattern FILTER = Pattern.compile("tags\\.`([^`]+)` = '([^']*)'");

  private final HttpServer server;
  private final Map<String, String> experiments = new ConcurrentHashMap<>(); // name -> id
  private final Map<String, Map<String, String>> experimentTags = new ConcurrentHashMap<>(); // id -> tags
  /** Per experiment, its data sets by {@code name digest}: stored once, as the first request had them. */
  private final Map<String, Map<String, ObjectNode>> datasets = new ConcurrentHashMap<>();
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final Map<String, List<ObjectNode>> modelVersions = new ConcurrentHashMap<>();
  private final Map<String, byte[]> artifacts = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final List<FaultAt> faults = new CopyOnWriteArrayList<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, java.util.concurrent.CountDownLatch> holds = new ConcurrentHashMap<>();

  private record FaultAt(String pathSuffix, AtomicInteger skip, Fault fault) {}
  private final Map<String, Fault> everyTime = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  /** A LoggedModel's creation time: strictly increasing, so that the order by creation is the order created. */
  private final AtomicLong createdMillis = new AtomicLong(System.currentTimeMillis());
  private volatile boolean bulkIntervalAsIn2_17;
  private volatile boolean loggedModels;
  /** MLflow 3's LoggedModels, by id, as {@code logged-models/{id}} answers them. */
  private final Map<String, ObjectNode> models = new LinkedHashMap<>();
  /** Per LoggedModel, the points logged with its {@code model_id}: its own metrics. */
  private final Map<String, Map<String, List<Point>>> modelMetrics = new LinkedHashMap<>();

  private static final class Run {
    final ObjectNode info;
    final Map<String, String> params = new LinkedHashMap<>();
    final Map<String, String> tags = new LinkedHashMap<>();
    final Map<String, List<Point>> metrics = new LinkedHashMap<>();
    final Map<String, Point> latest = new LinkedHashMap<>();
    /** Per key, each stored point's {@code dataset_name@dataset_digest}, or null, in the order of {@link #metrics}. */
    final Map<String, List<String>> pointDatasets = new LinkedHashMap<>();
    /** The run's dataset inputs ({@code {dataset, tags}}), one per data set. */
    final Map<String, ObjectNode> inputs = new LinkedHashMap<>();
    /** {@code runs/outputs}: model id -> step. */
    final Map<String, Long> outputs = new LinkedHashMap<>();
    /** {@code runs/log-inputs}' {@code models[]}: the model ids, each once (the inputs table's key). */
    final Set<String> modelInputs = new LinkedHashSet<>();

    Run(ObjectNode info) {
      this.info = info;
    }
  }

  public MlflowEmulator() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "mlflow-emulator");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  public String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The next request whose path ends with {@code pathSuffix} (e.g. {@code runs/log-batch}) gets {@code fault}. */
  public void failNext(String pathSuffix, Fault fault) {
    failNext(pathSuffix, 0, fault);
  }

  /** The request whose path ends with {@code pathSuffix} after the next {@code skip} such requests gets {@code fault}. */
  public void failNext(String pathSuffix, int skip, Fault fault) {
    faults.add(new FaultAt(pathSuffix, new AtomicInteger(skip), fault));
  }

  /** Every request whose path ends with {@code pathSuffix} gets {@code fault}, from now on. */
  public void failEvery(String pathSuffix, Fault fault) {
    everyTime.put(pathSuffix, fault);
  }

  /** {@code metrics/get-history-bulk-interval} answers as MLflow 2.17.2 does, from now on. */
  public void bulkIntervalAsIn2_17() {
    bulkIntervalAsIn2_17 = true;
  }

  /**
   * From now on the emulator has MLflow 3's LoggedModels ({@code logged-models}, {@code runs/outputs},
   * {@code model_id} on metrics and model versions), as 3.17.2's handlers and SQL store do; without it,
   * it answers those endpoints with 404 as 2.17.2 does.
   */
  public void loggedModels() {
    loggedModels = true;
  }

  /** The LoggedModels created, in order, as {@code logged-models/{id}} answers them. */
  public synchronized List<JsonNode> loggedModelsCreated() {
    return models.values().stream().map(m -> (JsonNode) m.deepCopy()).toList();
  }

  /** The points logged with {@code model_id} = {@code modelId}, by key. */
  public synchronized Map<String, List<Point>> modelMetrics(String modelId) {
    return Map.copyOf(modelMetrics.getOrDefault(modelId, Map.of()));
  }

  /** {@code runs/outputs} of a run: model id -> step. */
  public synchronized Map<String, Long> outputs(String runId) {
    return Map.copyOf(run(runId).outputs);
  }

  /** The model inputs of a run ({@code run.inputs.model_inputs}), in the order first logged. */
  public synchronized List<String> modelInputs(String runId) {
    return List.copyOf(run(runId).modelInputs);
  }

  /** Requests received (faulted ones too) whose {@code METHOD path} ends with {@code suffix}. */
  public int requests(String suffix) {
    return requests.entrySet().stream().filter(e -> e.getKey().endsWith(suffix))
        .mapToInt(e -> e.getValue().get()).sum();
  }

  /**
   * Holds the next request whose path ends with {@code pathSuffix} unanswered until the returned latch is counted
   * down: the client's thread is then inside its send, for a test to look at.
   */
  public java.util.concurrent.CountDownLatch holdNext(String pathSuffix) {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    holds.put(pathSuffix, release);
    return release;
  }

  /** Every request received, in order, faulted ones too. */
  public List<Received> received() {
    return List.copyOf(received);
  }

  /** Every point stored for {@code key}, in the order received, repeats included. */
  public synchronized List<Point> history(String runId, String key) {
    return List.copyOf(run(runId).metrics.getOrDefault(key, List.of()));
  }

  public synchronized Map<String, String> params(String runId) {
    return Map.copyOf(run(runId).params);
  }

  public synchronized Map<String, String> tags(String runId) {
    return Map.copyOf(run(runId).tags);
  }

  /** An experiment's tags. */
  public synchronized Map<String, String> experimentTags(String experimentName) {
    return Map.copyOf(experimentTags.getOrDefault(experiments.get(experimentName), Map.of()));
  }

  /** Creates an experiment with {@code tags}, as another client would have. */
  public synchronized String createExperiment(String name, Map<String, String> tags) {
    String id = Long.toString(ids.incrementAndGet());
    experiments.put(name, id);
    experimentTags.put(id, new LinkedHashMap<>(tags));
    return id;
  }

  /** The run's dataset inputs as {@code runs/get} answers them ({@code {dataset: {...}, tags: [...]}}). */
  public synchronized List<JsonNode> datasetInputs(String runId) {
    return List.copyOf(run(runId).inputs.values());
  }

  /** Each stored point's data set of {@code key}, {@code name@digest} or null, in the order received. */
  public synchronized List<String> pointDatasets(String runId, String key) {
    return Collections.unmodifiableList(new ArrayList<>(run(runId).pointDatasets.getOrDefault(key, List.of())));
  }

  public synchronized String status(String runId) {
    return run(runId).info.path("status").asText();
  }

  /** The ids of the runs created, in no particular order. */
  public List<String> runIds() {
    return List.copyOf(runs.keySet());
  }

  /** Artifact paths stored, {@code <experiment>/<run>/artifacts/<path>}. */
  public Map<String, byte[]> artifacts() {
    return Collections.unmodifiableMap(artifacts);
  }

  /** The versions of a registered model, as {@code model-versions/get} answers them. */
  public synchronized List<JsonNode> modelVersions(String name) {
    return List.copyOf(modelVersions.getOrDefault(name, List.of()));
  }

  private Run run(String runId) {
    Run run = runs.get(runId);
    if (run == null) {
      throw new IllegalArgumentException("no run " + runId);
    }
    return run;
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    String method = exchange.getRequestMethod();
    requests.computeIfAbsent(method + " " + path, k -> new AtomicInteger()).incrementAndGet();
    byte[] body = exchange.getRequestBody().readAllBytes();
    received.add(new Received(method, path, exchange.getRequestHeaders().getFirst("Authorization"), body));
    for (var hold : holds.entrySet()) {
      if (path.endsWith(hold.getKey()) && holds.remove(hold.getKey(), hold.getValue())) {
        try {
          hold.getValue().await(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    Fault fault = takeFault(path);
    try {
      if (fault == Fault.UNAVAILABLE) {
        reply(exchange, 503, error("TEMPORARILY_UNAVAILABLE", "injected"));
        return;
      }
      if (fault == Fault.DROP) {
        exchange.close(); // no answer: the client sees the connection end
        return;
      }
      if (fault == Fault.NOT_FOUND) {
        reply(exchange, 404, error("ENDPOINT_NOT_FOUND", "injected: no " + path));
        return;
      }
      JsonNode answer;
      synchronized (this) {
        answer = path.startsWith("/api/2.0/mlflow-artifacts/artifacts/")
            ? putArtifact(path.substring("/api/2.0/mlflow-artifacts/artifacts/".length()), body)
            : apply(method, path.substring(API.length()), query(exchange), body.length == 0 ? null : JSON.readTree(body));
      }
      if (fault == Fault.APPLY_THEN_DROP) {
        exchange.close();
        return;
      }
      reply(exchange, 200, answer);
    } catch (Refused r) {
      reply(exchange, r.status, error(r.code, r.getMessage()));
    } catch (RuntimeException e) {
      reply(exchange, 500, error("INTERNAL_ERROR", String.valueOf(e)));
    }
  }

  private synchronized Fault takeFault(String path) {
    for (Map.Entry<String, Fault> f : everyTime.entrySet()) {
      if (path.endsWith(f.getKey())) {
        return f.getValue();
      }
    }
    for (FaultAt f : faults) {
      if (path.endsWith(f.pathSuffix())) {
        if (f.skip().getAndDecrement() > 0) {
          return null;
        }
        faults.remove(f);
        return f.fault();
      }
    }
    return null;
  }

  /** An MLflow error answer. */
  private static final class Refused extends RuntimeException {
    final int status;
    final String code;

    Refused(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  private JsonNode apply(String method, String endpoint, Map<String, String> query, JsonNode body) {
    ObjectNode out = JSON.createObjectNode();
    if (loggedModels && (endpoint.startsWith("logged-models") || endpoint.equals("runs/outputs"))) {
      return applyLoggedModels(method, endpoint, body, out);
    }
    switch (method + " " + endpoint) {
      case "GET experiments/get-by-name" -> {
        String id = experiments.get(query.get("experiment_name"));
        if (id == null) {
          throw new Refused(404, "RESOURCE_DOES_NOT_EXIST", "no experiment " + query.get("experiment_name"));
        }
        experiment(out, id, query.get("experiment_name"));
      }
      case "GET experiments/get" -> {
        String id = query.get("experiment_id");
        String name = experiments.entrySet().stream().filter(e -> e.getValue().equals(id)).map(Map.Entry::getKey)
            .findFirst().orElseThrow(() -> new Refused(404, "RESOURCE_DOES_NOT_EXIST", "no experiment " + id));
        experiment(out, id, name);
      }
      case "POST experiments/set-experiment-tag" -> {
        Map<String, String> tags = experimentTags.get(body.path("experiment_id").asText());
        if (tags == null) {
          throw new Refused(404, "RESOURCE_DOES_NOT_EXIST", "no experiment " + body.path("experiment_id").asText());
        }
        tags.put(body.path("key").asText(), body.path("value").asText());
      }
      case "POST runs/log-inputs" -> logInputs(run(body.path("run_id").asText()), body);
      case "POST experiments/create" -> {
        String name = body.path("name").asText();
        if (experiments.containsKey(name)) {
          throw new Refused(400, "RESOURCE_ALREADY_EXISTS", "experiment " + name + " exists");
        }
        String id = Long.toString(ids.incrementAndGet());
        experiments.put(name, id);
        Map<String, String> tags = new LinkedHashMap<>();
        body.path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
        experimentTags.put(id, tags);
        out.put("experiment_id", id);
      }
      case "POST runs/create" -> {
        String runId = UUID.randomUUID().toString().replace("-", "");
        String experiment = body.path("experiment_id").asText();
        ObjectNode info = JSON.createObjectNode().put("run_id", runId).put("experiment_id", experiment)
            .put("run_name", body.path("run_name").asText()).put("status", "RUNNING")
            .put("start_time", body.path("start_time").asLong())
            .put("artifact_uri", "mlflow-artifacts:/" + experiment + "/" + runId + "/artifacts");
        Run run = new Run(info);
        body.path("tags").forEach(t -> run.tags.put(t.path("key").asText(), t.path("value").asText()));
        runs.put(runId, run);
        out.putObject("run").set("info", info);
      }
      case "GET runs/get" -> out.set("run", runJson(run(query.get("run_id"))));
      case "POST runs/search" -> {
        Matcher m = FILTER.matcher(body.path("filter").asText());
        ArrayNode found = out.putArray("runs");
        for (Run r : runs.values()) {
          boolean inExperiment = false;
          for (JsonNode e : body.path("experiment_ids")) {
            inExperiment |= e.asText().equals(r.info.path("experiment_id").asText());
          }
          if (inExperiment && m.matches() && m.group(2).equals(r.tags.get(m.group(1)))) {
            found.add(runJson(r));
          }
        }
      }
      case "POST runs/log-batch" -> logBatch(run(body.path("run_id").asText()), body);
      case "POST runs/update" -> {
        Run run = run(body.path("run_id").asText());
        run.info.put("status", body.path("status").asText()).put("end_time", body.path("end_time").asLong());
        out.set("run_info", run.info);
      }
      case "GET metrics/get-history" -> {
        ArrayNode metrics = out.putArray("metrics");
        String key = query.get("metric_key");
        for (Point p : run(query.get("run_id")).metrics.getOrDefault(key, List.of())) {
          metrics.addObject().put("key", key).put("value", p.value()).put("timestamp", p.timestamp())
              .put("step", p.step());
        }
      }
      case "GET metrics/get-history-bulk-interval" -> bulkInterval(query, out.putArray("metrics"));
      case "POST registered-models/create" -> {
        String name = body.path("name").asText();
        if (modelVersions.containsKey(name)) {
          throw new Refused(400, "RESOURCE_ALREADY_EXISTS", "Registered Model (name=" + name + ") already exists.");
        }
        modelVersions.put(name, new ArrayList<>());
        out.putObject("registered_model").put("name", name);
      }
      case "POST model-versions/create" -> {
        String name = body.path("name").asText();
        List<ObjectNode> versions = modelVersions.get(name);
        if (versions == null) {
          throw new Refused(404, "RESOURCE_DOES_NOT_EXIST", "Registered Model with name=" + name + " not found");
        }
        // As MLflow 3.x checks it: an mlflow-artifacts: source lies in the artifacts of the run it names, or,
        // with model_id, in the LoggedModel's artifact location (_validate_source_model).
        Run source = runs.get(body.path("run_id").asText());
        String modelId = body.path("model_id").asText("");
        ObjectNode model = modelId.isEmpty() ? null : models.get(modelId);
        if (!modelId.isEmpty() && (!loggedModels || model == null)) {
          throw new Refused(404, "RESOURCE_DOES_NOT_EXIST", "Logged model with ID '" + modelId + "' not found.");
        }
        String root = model != null ? model.path("info").path("artifact_uri").asText()
            : source == null ? null : source.info.path("artifact_uri").asText();
        String src = body.path("source").asText();
        if (root == null || !(src.equals(root) || src.startsWith(root + "/"))) {
          throw new Refused(400, "INVALID_PARAMETER_VALUE", "Invalid model version source: '"
              + body.path("source").asText() + "'.");
        }
        ObjectNode v = JSON.createObjectNode().put("name", name).put("version", Integer.toString(versions.size() + 1))
            .put("source", body.path("source").asText()).put("run_id", body.path("run_id").asText())
            .put("status", "READY");
        v.set("tags", body.path("tags").deepCopy());
        versions.add(v);
        if (model != null) { // 3.17.2's SQL registry keeps no model_id: the LoggedModel's tag names the version
          ArrayNode tags = (ArrayNode) model.path("info").path("tags");
          ArrayNode named = JSON.createArrayNode();
          for (int i = tags.size() - 1; i >= 0; i--) {
            if (tags.get(i).path("key").asText().equals("mlflow.modelVersions")) {
              try {
                named = (ArrayNode) JSON.readTree(tags.get(i).path("value").asText());
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
              tags.remove(i);
            }
          }
          named.addObject().put("name", name).put("version", v.path("version").asText());
          tags.addObject().put("key", "mlflow.modelVersions").put("value", named.toString());
        }
        out.set("model_version", v);
      }
      case "GET model-versions/search" -> {
        // Filters of the form name='...' or run_id='...' (joined with "and"): what the uploader sends.
        ArrayNode found = out.putArray("model_versions");
        Matcher m = Pattern.compile("(name|run_id)\\s*=\\s*'([^']*)'").matcher(query.getOrDefault("filter", ""));
        Map<String, String> wanted = new LinkedHashMap<>();
        while (m.find()) {
          wanted.put(m.group(1), m.group(2));
        }
        modelVersions.values().forEach(versions -> versions.stream()
            .filter(v -> wanted.entrySet().stream().allMatch(w -> w.getValue().equals(v.path(w.getKey()).asText())))
            .forEach(found::add));
      }
      default -> throw new Refused(404, "ENDPOINT_NOT_FOUND", method + " " + endpoint + " is not emulated");
    }
    return out;
  }

  /** MLflow 3.17.2's LoggedModel endpoints, as its handlers and SQL store answer them. */
  private JsonNode applyLoggedModels(String method, String endpoint, JsonNode body, ObjectNode out) {
    Matcher one = Pattern.compile("logged-models/(m-[0-9a-f]+)(/tags)?").matcher(endpoint);
    if (method.equals("POST") && endpoint.equals("logged-models")) {
      String name = body.path("name").asText();
      if (name.isEmpty() || name.chars().anyMatch(c -> "/:.%\"'".indexOf(c) >= 0)) {
        throw new Refused(400, "INVALID_PARAMETER_VALUE", "Invalid model name ('" + name + "') provided.");
      }
      String experiment = body.path("experiment_id").asText();
      String id = "m-" + UUID.randomUUID().toString().replace("-", "");
      ObjectNode model = JSON.createObjectNode();
      ObjectNode info = model.putObject("info").put("model_id", id).put("experiment_id", experiment)
          .put("name", name).put("source_run_id", body.path("source_run_id").asText())
          .put("artifact_uri", "mlflow-artifacts:/" + experiment + "/models/" + id + "/artifacts")
          .put("status", "LOGGED_MODEL_PENDING").put("creation_timestamp_ms", createdMillis.incrementAndGet());
      info.set("tags", body.path("tags").isMissingNode() ? JSON.createArrayNode() : body.path("tags").deepCopy());
      models.put(id, model);
      out.set("model", model);
    } else if (method.equals("POST") && endpoint.equals("logged-models/search")) {
      List<String[]> clauses = loggedModelFilter(body.path("filter").asText(""));
      List<ObjectNode> matching = new ArrayList<>();
      for (ObjectNode model : models.values()) {
        boolean inExperiment = false;
        for (JsonNode e : body.path("experiment_ids")) {
          inExperiment |= e.asText().equals(model.path("info").path("experiment_id").asText());
        }
        if (inExperiment && clauses.stream().allMatch(c -> matches(model, c))) {
          matching.add(model);
        }
      }
      // 3.17.2's order: the order_by given, then creation time newest first, then model id.
      boolean oldestFirst = false;
      for (JsonNode ob : body.path("order_by")) {
        String field = ob.path("field_name").asText();
        if (!field.equals("creation_timestamp") && !field.equals("creation_time")) {
          throw new Refused(400, "INVALID_PARAMETER_VALUE", "order_by " + field + " is not emulated");
        }
        oldestFirst = ob.path("ascending").asBoolean(true);
      }
      java.util.Comparator<ObjectNode> byCreation = java.util.Comparator.comparingLong(
          (ObjectNode m) -> m.path("info").path("creation_timestamp_ms").asLong());
      matching.sort((oldestFirst ? byCreation : byCreation.reversed())
          .thenComparing(m -> m.path("info").path("model_id").asText()));
      ArrayNode found = out.putArray("models");
      matching.forEach(found::add);
    } else if (method.equals("POST") && endpoint.equals("runs/outputs")) {
      Run run = run(body.path("run_id").asText());
      for (JsonNode m : body.path("models")) {
        if (run.outputs.containsKey(m.path("model_id").asText())) { // the inputs table's key: an IntegrityError
          throw new RuntimeException("(sqlite3.IntegrityError) UNIQUE constraint failed: inputs.source_type, "
              + "inputs.source_id, inputs.destination_type, inputs.destination_id");
        }
      }
      body.path("models").forEach(m -> run.outputs.put(m.path("model_id").asText(), m.path("step").asLong()));
    } else if (one.matches()) {
      ObjectNode model = models.get(one.group(1));
      if (model == null) {
        throw new Refused(404, "RESOURCE_DOES_NOT_EXIST", "Logged model with ID '" + one.group(1) + "' not found.");
      }
      ObjectNode info = (ObjectNode) model.path("info");
      if (method.equals("PATCH") && one.group(2) == null) {
        int status = body.path("status").asInt(-1);
        String name = switch (status) {
          case 1 -> "LOGGED_MODEL_PENDING";
          case 2 -> "LOGGED_MODEL_READY";
          case 3 -> "LOGGED_MODEL_UPLOAD_FAILED";
          default -> throw new Refused(400, "INVALID_PARAMETER_VALUE", "Invalid value for status: " + body.path("status"));
        };
        info.put("status", name);
      } else if (method.equals("PATCH")) {
        ArrayNode tags = (ArrayNode) info.path("tags");
        for (JsonNode t : body.path("tags")) {
          for (int i = tags.size() - 1; i >= 0; i--) {
            if (tags.get(i).path("key").asText().equals(t.path("key").asText())) {
              tags.remove(i);
            }
          }
          tags.add(t.deepCopy());
        }
      } else if (!method.equals("GET")) {
        throw new Refused(405, "ENDPOINT_NOT_FOUND", method + " " + endpoint + " is not emulated");
      }
      out.set("model", model);
    } else {
      throw new Refused(404, "ENDPOINT_NOT_FOUND", method + " " + endpoint + " is not emulated");
    }
    return out;
  }

  /**
   * A {@code logged-models/search} filter as 3.17.2's {@code parse_filter_string} reads the comparisons the
   * emulator knows: {@code source_run_id = '<id>'} and {@code tags.`<key>` = '<value>'}, joined by {@code AND};
   * anything else is refused, as the server refuses what it cannot parse.
   */
  private static List<String[]> loggedModelFilter(String filter) {
    List<String[]> clauses = new ArrayList<>();
    if (filter.isBlank()) {
      return clauses;
    }
    Matcher m = Pattern.compile("\\s*(source_run_id|tags\\.`[^`]+`|tags\\.[A-Za-z0-9_.]+)\\s*=\\s*'([^']*)'\\s*")
        .matcher("");
    for (String clause : filter.split("(?i)\\s+AND\\s+")) {
      if (!m.reset(clause).matches()) {
        throw new Refused(400, "INVALID_PARAMETER_VALUE", "Invalid filter string: '" + filter + "' (not emulated)");
      }
      String key = m.group(1).startsWith("tags.") ? "tag:" + m.group(1).substring(5).replace("`", "") : m.group(1);
      clauses.add(new String[] {key, m.group(2)});
    }
    return clauses;
  }

  private static boolean matches(ObjectNode model, String[] clause) {
    JsonNode info = model.path("info");
    if (!clause[0].startsWith("tag:")) {
      return clause[1].equals(info.path(clause[0]).asText());
    }
    for (JsonNode t : info.path("tags")) {
      if (t.path("key").asText().equals(clause[0].substring(4)) && t.path("value").asText().equals(clause[1])) {
        return true;
      }
    }
    return false;
  }

  private void logBatch(Run run, JsonNode body) {
    // MLflow validates the whole request before it stores anything.
    for (JsonNode p : body.path("params")) {
      String old = run.params.get(p.path("key").asText());
      if (old != null && !old.equals(p.path("value").asText())) {
        throw new Refused(400, "INVALID_PARAMETER_VALUE", "Changing param values is not allowed. Param with key='"
            + p.path("key").asText() + "' was already logged with value='" + old + "'");
      }
    }
    for (JsonNode m : body.path("metrics")) {
      if (m.path("key").asText().contains("//")) {
        throw new Refused(400, "INVALID_PARAMETER_VALUE", "Invalid metric name: '" + m.path("key").asText() + "'");
      }
      if (m.path("dataset_name").asText("").isEmpty() != m.path("dataset_digest").asText("").isEmpty()) {
        throw new Refused(400, "INVALID_PARAMETER_VALUE",
            "Both dataset_name and dataset_digest must be provided if one is provided");
      }
    }
    body.path("params").forEach(p -> run.params.put(p.path("key").asText(), p.path("value").asText()));
    for (JsonNode m : body.path("metrics")) {
      String key = m.path("key").asText();
      Point p = new Point(m.path("step").asLong(), value(m.path("value")), m.path("timestamp").asLong());
      run.metrics.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
      run.pointDatasets.computeIfAbsent(key, k -> new ArrayList<>()).add(m.path("dataset_name").asText("").isEmpty()
          ? null : m.path("dataset_name").asText() + "@" + m.path("dataset_digest").asText());
      String modelId = m.path("model_id").asText("");
      if (loggedModels && !modelId.isEmpty()) { // _log_model_metrics: the LoggedModel's own metrics too
        modelMetrics.computeIfAbsent(modelId, k -> new LinkedHashMap<>()).computeIfAbsent(key, k -> new ArrayList<>())
            .add(p);
      }
      Point latest = run.latest.get(key);
      if (latest == null || newer(p, latest)) {
        run.latest.put(key, p);
      }
    }
    body.path("tags").forEach(t -> run.tags.put(t.path("key").asText(), t.path("value").asText()));
  }

  private void experiment(ObjectNode out, String id, String name) {
    ObjectNode e = out.putObject("experiment").put("experiment_id", id).put("name", name)
        .put("lifecycle_stage", "active");
    ArrayNode tags = e.putArray("tags");
    experimentTags.getOrDefault(id, Map.of()).forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
  }

  /**
   * {@code runs/log-inputs} as {@code SqlAlchemyStore.log_inputs} 3.17.2 (and 2.17.2) does it: the request is
   * validated whole ({@code _validate_dataset_inputs}: name, digest, source type and source present, digest at
   * most 36 characters, source at most 65,535, an input tag's value at most 500); a data set is stored once per
   * experiment by (name, digest), keeping the first one's fields; an input once per run and data set, keeping
   * its first tags.
   */
  private void logInputs(Run run, JsonNode body) {
    if (loggedModels) { // 3.x: models[] stored by the inputs table's key, a repeat replacing, no existence check
      body.path("models").forEach(m -> run.modelInputs.add(m.path("model_id").asText()));
    } // 2.17.2's request parser ignores a field it does not know
    for (JsonNode input : body.path("datasets")) {
      JsonNode d = input.path("dataset");
      for (String field : List.of("name", "digest", "source_type", "source")) {
        if (!d.path(field).isTextual()) {
          throw new Refused(400, "INVALID_PARAMETER_VALUE", "Dataset " + field + " cannot be None");
        }
      }
      if (d.path("digest").asText().length() > 36 || d.path("source").asText().length() > 65_535
          || d.path("name").asText().length() > 500) {
        throw new Refused(400, "INVALID_PARAMETER_VALUE", "'digest', 'source' or 'name' exceeds the maximum length");
      }
      for (JsonNode t : input.path("tags")) {
        if (t.path("value").asText().length() > 500) {
          throw new Refused(400, "INVALID_PARAMETER_VALUE", "'value' exceeds the maximum length of 500");
        }
      }
    }
    Map<String, ObjectNode> ofExperiment = datasets.computeIfAbsent(run.info.path("experiment_id").asText(),
        k -> new LinkedHashMap<>());
    for (JsonNode input : body.path("datasets")) {
      JsonNode d = input.path("dataset");
      String key = d.path("name").asText() + " " + d.path("digest").asText();
      ObjectNode stored = ofExperiment.computeIfAbsent(key, k -> (ObjectNode) d.deepCopy());
      run.inputs.computeIfAbsent(key, k -> {
        ObjectNode in = JSON.createObjectNode();
        in.set("tags", input.path("tags").isArray() ? input.path("tags").deepCopy() : JSON.createArrayNode());
        in.set("dataset", stored);
        return in;
      });
    }
  }

  /** MLflow's order of stored points, as its SQL sorts them: step, timestamp, stored value, NaN last. */
  private static final java.util.Comparator<Point> STORED_ORDER = java.util.Comparator.comparingLong(Point::step)
      .thenComparingLong(Point::timestamp).thenComparingDouble(p -> stored(p.value()))
      .thenComparing(p -> Double.isNaN(p.value()));

  /**
   * {@code metrics/get-history-bulk-interval} of one run, as {@code SqlAlchemyStore} 3.17.2 samples rows
   * ({@code NTILE(max_results)} over the range's points in MLflow's order, each bucket's first, then the
   * range's last in place of the final one), or as 2.17.2's handler samples steps (every point at each
   * sampled step, at most 25,000).
   */
  private void bulkInterval(Map<String, String> query, ArrayNode metrics) {
    String runId = query.get("run_ids");
    String key = query.get("metric_key");
    int max = Integer.parseInt(query.getOrDefault("max_results", "2500"));
    if (max < 1 || max > 2500) {
      throw new Refused(400, "INVALID_PARAMETER_VALUE", "max_results must be between 1 and 2500.");
    }
    if (query.containsKey("start_step") != query.containsKey("end_step")) {
      throw new Refused(400, "INVALID_PARAMETER_VALUE", "If either start step or end step are specified, both must be specified.");
    }
    long from = Long.parseLong(query.getOrDefault("start_step", Long.toString(Long.MIN_VALUE)));
    long to = Long.parseLong(query.getOrDefault("end_step", Long.toString(Long.MAX_VALUE)));
    List<Point> inRange = new ArrayList<>(run(runId).metrics.getOrDefault(key, List.of()).stream()
        .filter(p -> p.step() >= from && p.step() <= to).sorted(STORED_ORDER).toList());
    List<Point> answer = new ArrayList<>();
    int n = inRange.size();
    if (bulkIntervalAsIn2_17) {
      List<Long> steps = inRange.stream().map(Point::step).distinct().toList();
      java.util.Set<Long> sampled = new java.util.HashSet<>();
      if (steps.size() <= max) {
        sampled.addAll(steps);
      } else {
        for (int i = 0; i < max; i++) {
          sampled.add(steps.get((int) (i * ((double) steps.size() / max))));
        }
        sampled.add(steps.get(steps.size() - 1));
      }
      inRange.stream().filter(p -> sampled.contains(p.step())).limit(25_000).forEach(answer::add);
    } else if (n <= max) {
      answer.addAll(inRange);
    } else {
      int small = n / max;
      int large = n % max; // NTILE: the first n % max buckets hold one row more
      for (int bucket = 0, first = 0; bucket < max; first += bucket < large ? small + 1 : small, bucket++) {
        answer.add(inRange.get(first));
      }
      Point last = inRange.get(n - 1);
      if (!answer.get(answer.size() - 1).equals(last)) {
        answer.set(answer.size() - 1, last);
      }
    }
    answer.forEach(p -> metrics.addObject().put("key", key).put("value", p.value()).put("timestamp", p.timestamp())
        .put("step", p.step()).put("run_id", runId));
  }

  /** MLflow's {@code _compare_metrics}: (step, timestamp, value) on stored values. */
  private static boolean newer(Point a, Point b) {
    if (a.step() != b.step()) {
      return a.step() > b.step();
    }
    if (a.timestamp() != b.timestamp()) {
      return a.timestamp() > b.timestamp();
    }
    return stored(a.value()) > stored(b.value());
  }

  private static double stored(double v) {
    return Double.isNaN(v) ? 0 : Double.isInfinite(v) ? Math.copySign(Double.MAX_VALUE, v) : v;
  }

  private static double value(JsonNode v) {
    return v.isTextual() ? Double.parseDouble(v.asText()) : v.asDouble();
  }

  private ObjectNode runJson(Run run) {
    ObjectNode r = JSON.createObjectNode();
    r.set("info", run.info);
    if (loggedModels && !run.outputs.isEmpty()) {
      ArrayNode outputs = r.putObject("outputs").putArray("model_outputs");
      run.outputs.forEach((id, step) -> outputs.addObject().put("model_id", id).put("step", step));
    }
    ObjectNode data = r.putObject("data");
    ArrayNode metrics = data.putArray("metrics");
    // As MLflow answers: NaN as NaN, an infinity as the largest double it was stored as.
    run.latest.forEach((key, p) -> metrics.addObject().put("key", key)
        .put("value", Double.isNaN(p.value()) ? p.value() : stored(p.value()))
        .put("timestamp", p.timestamp()).put("step", p.step()));
    ArrayNode params = data.putArray("params");
    run.params.forEach((k, v) -> params.addObject().put("key", k).put("value", v));
    ArrayNode tags = data.putArray("tags");
    run.tags.forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
    ObjectNode runInputs = r.putObject("inputs");
    ArrayNode inputs = runInputs.putArray("dataset_inputs");
    run.inputs.values().forEach(inputs::add);
    if (!run.modelInputs.isEmpty()) {
      ArrayNode modelInputs = runInputs.putArray("model_inputs");
      run.modelInputs.forEach(id -> modelInputs.addObject().put("model_id", id));
    }
    return r;
  }

  private JsonNode putArtifact(String path, byte[] body) {
    artifacts.put(URLDecoder.decode(path, StandardCharsets.UTF_8), body);
    return JSON.createObjectNode();
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> query = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        query.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return query;
  }

  private static JsonNode error(String code, String message) {
    return JSON.createObjectNode().put("error_code", code).put("message", Objects.toString(message));
  }

  private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
