package org.prov4ml.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Reads a local run directory as the tests need it: metric files and the PROV document. */
record RunDirectory(Path dir) {

  /** One metric point. */
  record Point(long step, double value) {}

  /** The points of {@code <key>_<context>_None_GR0.csv}, in file order; empty when there is no file. */
  List<Point> metric(String key, String context) throws IOException {
    Path file = dir.resolve("metrics_GR0").resolve(key.replaceAll("[/\\\\:]", "_") + "_" + context + "_None_GR0.csv");
    if (!Files.exists(file)) {
      return List.of();
    }
    List<Point> points = new ArrayList<>();
    for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
      String[] cells = line.split(",");
      points.add(new Point(Long.parseLong(cells[0]), Double.parseDouble(cells[1])));
    }
    return points;
  }

  List<Long> steps(String key, String context) throws IOException {
    return metric(key, context).stream().map(Point::step).toList();
  }

  /** The value of {@code key} at {@code step}, as the float DJL had. */
  float valueAt(String key, String context, long step) throws IOException {
    return (float) metric(key, context).stream().filter(p -> p.step() == step).findFirst()
        .orElseThrow(() -> new AssertionError("no " + key + " " + context + " at step " + step)).value();
  }

  JsonNode document() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      Path prov = files.filter(p -> p.getFileName().toString().startsWith("prov_")
          && p.getFileName().toString().endsWith(".json")).findFirst().orElseThrow();
      return new ObjectMapper().readTree(prov.toFile());
    }
  }

  /** Every param, by key. */
  Map<String, String> params() throws IOException {
    Map<String, String> params = new TreeMap<>();
    for (JsonNode entity : entities("provml:HyperParameter")) {
      params.put(entity.get("prov:label").asText(), entity.get("prov:value").asText());
    }
    return params;
  }

  /** The params named in {@code expected}, for comparing all of them in one assertion. */
  Map<String, String> params(Map<String, String> expected) throws IOException {
    Map<String, String> all = params();
    Map<String, String> named = new TreeMap<>();
    expected.keySet().forEach(k -> named.put(k, all.get(k)));
    return named;
  }

  /** The model versions' steps by file name. */
  Map<String, Long> modelVersions() throws IOException {
    Map<String, Long> versions = new TreeMap<>();
    for (JsonNode entity : entities("provml:Model")) {
      if (entity.has("yprov:step")) {
        versions.put(entity.get("prov:label").asText(), entity.get("yprov:step").asLong());
      }
    }
    return versions;
  }

  /** FINISHED, FAILED, ... as the run activity records it. */
  String status() throws IOException {
    for (Iterator<Map.Entry<String, JsonNode>> it = document().get("activity").fields(); it.hasNext(); ) {
      JsonNode activity = it.next().getValue();
      if (activity.has("yprov:status")) {
        return activity.get("yprov:status").asText();
      }
    }
    return "(none)";
  }

  private List<JsonNode> entities(String type) throws IOException {
    List<JsonNode> found = new ArrayList<>();
    document().get("entity").forEach(e -> {
      if (type.equals(e.path("prov:type").asText())) {
        found.add(e);
      }
    });
    return found;
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
