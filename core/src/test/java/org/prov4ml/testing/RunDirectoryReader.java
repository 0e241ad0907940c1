package org.prov4ml.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads a run directory back for assertions: the PROV document and the metric files. */
public final class RunDirectoryReader {

  /** One row of a metric file. */
  public record Point(long step, double value, long timestampMillis) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path runDir;
  private final JsonNode document;

  private RunDirectoryReader(Path runDir, JsonNode document) {
    this.runDir = runDir;
    this.document = document;
  }

  public static RunDirectoryReader open(Path runDir) {
    try (Stream<Path> files = Files.list(runDir)) {
      Path prov = files.filter(p -> p.getFileName().toString().matches("prov_.+\\.json")).findFirst()
          .orElseThrow(() -> new AssertionError("no PROV document in " + runDir));
      return new RunDirectoryReader(runDir, JSON.readTree(prov.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return runDir.toString();
  }

  /** The only run directory under {@code outputDir}. */
  public static RunDirectoryReader openOnly(Path outputDir) {
    try (Stream<Path> dirs = Files.list(outputDir)) {
      List<Path> runs = dirs.filter(Files::isDirectory).toList();
      if (runs.size() != 1) {
        throw new AssertionError("expected one run directory in " + outputDir + ", found " + runs);
      }
      return open(runs.get(0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path runDir() {
    return runDir;
  }

  public JsonNode document() {
    return document;
  }

  /** The run activity: the activity with a {@code yprov:run_id}. */
  public Map<String, String> runActivity() {
    for (var e : iterable(document.path("activity").fields())) {
      if (e.getValue().has("yprov:run_id")) {
        return attributes(e.getValue());
      }
    }
    throw new AssertionError("no run activity");
  }

  public Map<String, String> entity(String id) {
    JsonNode node = document.path("entity").path(id);
    if (node.isMissingNode()) {
      throw new AssertionError("no entity '" + id + "'; entities: " + entityIds());
    }
    return attributes(node);
  }

  public List<String> entityIds() {
    List<String> ids = new ArrayList<>();
    document.path("entity").fieldNames().forEachRemaining(ids::add);
    return ids;
  }

  /** The value of the param {@code key}, as recorded (a string). */
  public String param(String key) {
    for (var e : iterable(document.path("entity").fields())) {
      JsonNode n = e.getValue();
      if ("provml:HyperParameter".equals(n.path("prov:type").asText()) && key.equals(n.path("prov:label").asText())) {
        return n.path("prov:value").asText();
      }
    }
    throw new AssertionError("no param '" + key + "'");
  }

  /** Every param, label to value. */
  public Map<String, String> params() {
    Map<String, String> params = new LinkedHashMap<>();
    for (var e : iterable(document.path("entity").fields())) {
      JsonNode n = e.getValue();
      if ("provml:HyperParameter".equals(n.path("prov:type").asText())) {
        params.put(n.path("prov:label").asText(), n.path("prov:value").asText());
      }
    }
    return params;
  }

  /** The (generatedEntity, usedEntity) pairs of wasDerivedFrom. */
  public List<Map.Entry<String, String>> derivations() {
    List<Map.Entry<String, String>> pairs = new ArrayList<>();
    for (var e : iterable(document.path("wasDerivedFrom").fields())) {
      pairs.add(Map.entry(e.getValue().path("prov:generatedEntity").asText(),
          e.getValue().path("prov:usedEntity").asText()));
    }
    return pairs;
  }

  /** The points of metric (key, context), read from the file its entity names; empty when there is none. */
  public List<Point> metric(String key, String context) {
    JsonNode entity = document.path("entity").path(key + "//" + context);
    return entity.isMissingNode() ? List.of() : readPoints(Path.of(entity.path("dcterms:identifier").asText()));
  }

  public List<Long> steps(String key, String context) {
    return metric(key, context).stream().map(Point::step).toList();
  }

  /** The value of (key, context) at {@code step}, as the float DJL had. */
  public float valueAt(String key, String context, long step) {
    return (float) metric(key, context).stream().filter(p -> p.step() == step).findFirst()
        .orElseThrow(() -> new AssertionError("no " + key + " " + context + " at step " + step)).value();
  }

  /** The params named in {@code expected}, to compare all of them in one assertion. */
  public Map<String, String> params(Map<String, String> expected) {
    Map<String, String> all = params();
    Map<String, String> named = new java.util.TreeMap<>();
    expected.keySet().forEach(k -> named.put(k, all.get(k)));
    return named;
  }

  /** The model versions' steps, by file name. */
  public Map<String, Long> modelVersions() {
    Map<String, Long> versions = new java.util.TreeMap<>();
    for (var e : iterable(document.path("entity").fields())) {
      JsonNode n = e.getValue();
      if ("provml:Model".equals(n.path("prov:type").asText()) && n.has("yprov:step")) {
        versions.put(n.path("prov:label").asText(), n.path("yprov:step").asLong());
      }
    }
    return versions;
  }

  /** FINISHED, FAILED, ... as the run activity records it; "(none)" while the run is open. */
  public String status() {
    return runActivity().getOrDefault("yprov:status", "(none)");
  }

  public static List<Point> readPoints(Path csv) {
    try {
      List<String> lines = Files.readAllLines(csv);
      if (!lines.get(0).equals("epoch,value,timestep")) {
        throw new AssertionError("bad header in " + csv + ": " + lines.get(0));
      }
      List<Point> points = new ArrayList<>(lines.size());
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        points.add(new Point(Long.parseLong(f[0]), Double.parseDouble(f[1]), Long.parseLong(f[2])));
      }
      return points;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> attributes(JsonNode node) {
    Map<String, String> attributes = new LinkedHashMap<>();
    node.fields().forEachRemaining(f -> attributes.put(f.getKey(), f.getValue().asText()));
    return attributes;
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
    return () -> it;
  }
}
