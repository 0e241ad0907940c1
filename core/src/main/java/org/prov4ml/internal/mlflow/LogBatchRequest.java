package org.prov4ml.internal.mlflow;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code runs/log-batch} request that the server will not refuse for its size: at most 1000
 * metrics, 100 params, 100 tags, 1000 entities in all and well under the 1 MB body limit of
 * {@code mlflow/utils/validation.py}.
 *
 * <p>The JSON is written with Jackson's streaming generator rather than the client's protobuf
 * builders and {@code JsonFormat}: a million points go through here, and the generator writes a
 * point without building a message object for it. Non-finite values are written as the strings
 * {@code "NaN"}, {@code "Infinity"}, which protobuf's JSON parser on the server accepts.
 */
final class LogBatchRequest {

  static final int MAX_METRICS = 1000;
  static final int MAX_PARAMS = 100;
  static final int MAX_TAGS = 100;
  static final int MAX_ENTITIES = 1000;
  /** Below the server's 1e6-byte limit, leaving room for keys and JSON syntax. */
  static final int MAX_VALUE_BYTES = 800_000;

  private static final JsonFactory JSON = new JsonFactory();

  /**
   * A metric point as MLflow stores it, and the data set it was measured on ({@code dataset_name},
   * {@code dataset_digest}: MLflow 3 keeps them with a point that has a {@code model_id}; 2.x ignores them), or null.
   */
  record Metric(String key, double value, long timestamp, long step, DatasetInputs.DatasetLink dataset) {
    Metric(String key, double value, long timestamp, long step) {
      this(key, value, timestamp, step, null);
    }
  }

  /** A param or a tag. */
  record KeyValue(String key, String value) {}

  private final List<Metric> metrics = new ArrayList<>();
  /** Per metric, the LoggedModel it is linked to (MLflow 3: its epoch's checkpoint), or null. */
  private final List<String> modelIds = new ArrayList<>();
  private final List<KeyValue> params = new ArrayList<>();
  private final List<KeyValue> tags = new ArrayList<>();
  private int valueChars;

  boolean canAddMetric() {
    return metrics.size() < MAX_METRICS && size() < MAX_ENTITIES;
  }

  boolean canAddParam(KeyValue p) {
    return params.size() < MAX_PARAMS && size() < MAX_ENTITIES && fits(p);
  }

  boolean canAddTag(KeyValue t) {
    return tags.size() < MAX_TAGS && size() < MAX_ENTITIES && fits(t);
  }

  private boolean fits(KeyValue kv) {
    return valueChars + kv.key().length() + kv.value().length() <= MAX_VALUE_BYTES / 4 * 3 || size() == 0;
  }

  void add(Metric m) {
    add(m, null);
  }

  /** Adds a point linked to LoggedModel {@code modelId} (null for none). */
  void add(Metric m, String modelId) {
    metrics.add(m);
    modelIds.add(modelId);
  }

  /** The LoggedModel metric {@code index} is linked to, or null. */
  String modelId(int index) {
    return modelIds.get(index);
  }

  void addParam(KeyValue p) {
    params.add(p);
    valueChars += p.key().length() + p.value().length();
  }

  void addTag(KeyValue t) {
    tags.add(t);
    valueChars += t.key().length() + t.value().length();
  }

  List<Metric> metrics() {
    return metrics;
  }

  List<KeyValue> params() {
    return params;
  }

  List<KeyValue> tags() {
    return tags;
  }

  int size() {
    return metrics.size() + params.size() + tags.size();
  }

  boolean isEmpty() {
    return size() == 0;
  }

  byte[] toJson(String runId) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + metrics.size() * 80 + valueChars * 2);
    try (JsonGenerator json = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("run_id", runId);
      json.writeArrayFieldStart("metrics");
      for (int i = 0; i < metrics.size(); i++) {
        Metric m = metrics.get(i);
        json.writeStartObject();
        json.writeStringField("key", m.key());
        json.writeNumberField("value", m.value());
        json.writeNumberField("timestamp", m.timestamp());
        json.writeNumberField("step", m.step());
        if (m.dataset() != null) {
          json.writeStringField("dataset_name", m.dataset().name());
          json.writeStringField("dataset_digest", m.dataset().digest());
        }
        if (modelIds.get(i) != null) {
          json.writeStringField("model_id", modelIds.get(i));
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      writeKeyValues(json, "params", params);
      writeKeyValues(json, "tags", tags);
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  private static void writeKeyValues(JsonGenerator json, String field, List<KeyValue> values) throws IOException {
    json.writeArrayFieldStart(field);
    for (KeyValue kv : values) {
      json.writeStartObject();
      json.writeStringField("key", kv.key());
      json.writeStringField("value", kv.value());
      json.writeEndObject();
    }
    json.writeEndArray();
  }
}
