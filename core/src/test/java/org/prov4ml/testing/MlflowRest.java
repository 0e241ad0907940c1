package org.prov4ml.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntToDoubleFunction;

/**
 * Reads back what a tracking server holds, through its REST API, for assertions; and posts the
 * plain {@code log-batch} loop that benchmarks measure prov4ml's upload against.
 */
public final class MlflowRest {

  /** One point of a metric's history. */
  public record Point(long step, double value, long timestamp) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  MlflowRest(String base) {
    this.base = base;
  }

  /** {@code runs/get}: {@code info} and {@code data}. */
  public JsonNode run(String runId) throws IOException, InterruptedException {
    return get("/api/2.0/mlflow/runs/get?run_id=" + q(runId)).path("run");
  }

  public Map<String, String> params(String runId) throws IOException, InterruptedException {
    return keyValues(run(runId).path("data").path("params"));
  }

  public Map<String, String> tags(String runId) throws IOException, InterruptedException {
    return keyValues(run(runId).path("data").path("tags"));
  }

  /**
   * The ceiling a client can reach: {@code points} points of {@code key} (steps 0 to points - 1,
   * timestamps from {@code t0}), posted in {@code log-batch} requests of 1,000, one after another,
   * over one HTTP/1.1 connection, the way prov4ml's uploader sends them.
   */
  public void logBatches(String runId, String key, int points, long t0, IntToDoubleFunction value)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create(base + "/api/2.0/mlflow/runs/log-batch");
    for (int from = 0; from < points; from += 1000) {
      StringBuilder body = new StringBuilder(80_000).append("{\"run_id\":\"").append(runId).append("\",\"metrics\":[");
      for (int step = from; step < Math.min(points, from + 1000); step++) {
        body.append(step == from ? "" : ",").append("{\"key\":\"").append(key).append("\",\"value\":")
            .append(value.applyAsDouble(step)).append(",\"timestamp\":").append(t0 + step).append(",\"step\":")
            .append(step).append('}');
      }
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.append("]}").toString())).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("log-batch: " + r.statusCode() + " " + r.body());
      }
    }
  }

  /** Every point of the metric, in the server's order. */
  public List<Point> history(String runId, String key) throws IOException, InterruptedException {
    List<Point> points = new ArrayList<>();
    for (JsonNode m : get("/api/2.0/mlflow/metrics/get-history?run_id=" + q(runId) + "&metric_key=" + q(key))
        .path("metrics")) {
      points.add(new Point(m.path("step").asLong(), m.path("value").asDouble(), m.path("timestamp").asLong()));
    }
    return points;
  }

  /** Every artifact file of the run, recursively: path -> size. */
  public Map<String, Long> artifacts(String runId) throws IOException, InterruptedException {
    Map<String, Long> files = new TreeMap<>();
    listInto(runId, "", files);
    return files;
  }

  private void listInto(String runId, String path, Map<String, Long> files) throws IOException, InterruptedException {
    JsonNode list = get("/api/2.0/mlflow/artifacts/list?run_id=" + q(runId) + (path.isEmpty() ? "" : "&path=" + q(path)));
    for (JsonNode f : list.path("files")) {
      if (f.path("is_dir").asBoolean()) {
        listInto(runId, f.path("path").asText(), files);
      } else {
        files.put(f.path("path").asText(), f.path("file_size").asLong());
      }
    }
  }

  /** An artifact's bytes, through the server's artifact proxy. */
  public byte[] artifact(String runId, String path) throws IOException, InterruptedException {
    JsonNode info = run(runId).path("info");
    String root = info.path("artifact_uri").asText().replaceFirst("^mlflow-artifacts:/+", "");
    HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(base
        + "/api/2.0/mlflow-artifacts/artifacts/" + root + "/" + path.replace(" ", "%20"))).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException("GET artifact " + path + ": " + r.statusCode());
    }
    return r.body();
  }

  /** The runs of an experiment, by name: run name -> run id. */
  public Map<String, String> runsOf(String experimentName) throws IOException, InterruptedException {
    String id = get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=" + q(experimentName))
        .path("experiment").path("experiment_id").asText();
    String body = JSON.writeValueAsString(Map.of("experiment_ids", List.of(id), "max_results", 1000));
    Map<String, String> runs = new TreeMap<>();
    for (JsonNode r : post("/api/2.0/mlflow/runs/search", body).path("runs")) {
      runs.put(r.path("info").path("run_name").asText(), r.path("info").path("run_id").asText());
    }
    return runs;
  }

  public JsonNode post(String path, String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  public JsonNode get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).build());
  }

  private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(request.method() + " " + request.uri() + ": " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private static Map<String, String> keyValues(JsonNode array) {
    Map<String, String> map = new TreeMap<>();
    array.forEach(kv -> map.put(kv.path("key").asText(), kv.path("value").asText()));
    return map;
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
