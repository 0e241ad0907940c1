package org.prov4ml.internal.sink.local;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An in-memory W3C PROV-JSON document, as yProv4ML writes it: records keyed by id in the default
 * namespace, every attribute a plain string, relations with anonymous ids {@code _:id<N>}.
 *
 * <p>Owned by the drainer thread; not thread-safe.
 */
final class ProvDocument {

  /** The PROV-JSON relation kinds used here, with the attribute names of their two ends. */
  enum Relation {
    WAS_GENERATED_BY("wasGeneratedBy", "prov:entity", "prov:activity"),
    USED("used", "prov:activity", "prov:entity"),
    WAS_INFORMED_BY("wasInformedBy", "prov:informed", "prov:informant"),
    WAS_ASSOCIATED_WITH("wasAssociatedWith", "prov:activity", "prov:agent"),
    WAS_DERIVED_FROM("wasDerivedFrom", "prov:generatedEntity", "prov:usedEntity");

    final String jsonName;
    final String from;
    final String to;

    Relation(String jsonName, String from, String to) {
      this.jsonName = jsonName;
      this.from = from;
      this.to = to;
    }
  }

  private static final JsonFactory JSON = new JsonFactory();

  private final Map<String, String> prefixes = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> agents = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> activities = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> entities = new LinkedHashMap<>();
  private final Map<Relation, Map<String, Map<String, String>>> relations = new LinkedHashMap<>();
  private int nextRelationId = 1;

  void prefix(String name, String uri) {
    prefixes.put(name, uri);
  }

  /** The attributes of the agent {@code id}, created empty on first use. */
  Map<String, String> agent(String id) {
    return agents.computeIfAbsent(id, k -> new LinkedHashMap<>());
  }

  Map<String, String> activity(String id) {
    return activities.computeIfAbsent(id, k -> new LinkedHashMap<>());
  }

  boolean hasActivity(String id) {
    return activities.containsKey(id);
  }

  Map<String, String> entity(String id) {
    return entities.computeIfAbsent(id, k -> new LinkedHashMap<>());
  }

  boolean hasEntity(String id) {
    return entities.containsKey(id);
  }

  void relate(Relation relation, String from, String to) {
    Map<String, String> ends = new LinkedHashMap<>();
    ends.put(relation.from, from);
    ends.put(relation.to, to);
    relations.computeIfAbsent(relation, k -> new LinkedHashMap<>()).put("_:id" + nextRelationId++, ends);
  }

  void writeTo(OutputStream out) throws IOException {
    try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeObjectFieldStart("prefix");
      for (var p : prefixes.entrySet()) {
        json.writeStringField(p.getKey(), p.getValue());
      }
      json.writeEndObject();
      writeRecords(json, "agent", agents);
      writeRecords(json, "activity", activities);
      writeRecords(json, "entity", entities);
      for (var r : relations.entrySet()) {
        writeRecords(json, r.getKey().jsonName, r.getValue());
      }
      json.writeEndObject();
    }
  }

  private static void writeRecords(JsonGenerator json, String section, Map<String, Map<String, String>> records)
      throws IOException {
    if (records.isEmpty()) {
      return;
    }
    json.writeObjectFieldStart(section);
    for (var record : records.entrySet()) {
      json.writeObjectFieldStart(record.getKey());
      for (var attribute : record.getValue().entrySet()) {
        json.writeStringField(attribute.getKey(), attribute.getValue());
      }
      json.writeEndObject();
    }
    json.writeEndObject();
  }
}
