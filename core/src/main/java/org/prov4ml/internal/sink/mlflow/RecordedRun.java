package org.prov4ml.internal.sink.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prov4ml.internal.sink.local.RunLayout;

/**
 * What a run directory's PROV document says that MLflow needs: params, tags, metric files and
 * artifacts. The document is the index of the directory, and the same reader serves a live run
 * (the document is replaced atomically, so a read sees a whole one) and {@code sync}.
 *
 * <p>Paths in the document are absolute; a directory that was moved since is read by rebasing
 * them from the recorded {@code yprov:experiment_dir} onto where it is now.
 */
final class RecordedRun {

  /** One metric file and its MLflow key: {@code <context in lower case>/<key>}, system metrics as they are. */
  record MetricSeries(String key, String context, Path file) {
    String mlflowKey() {
      return context.equals("SYSTEM") ? key : context.toLowerCase(Locale.ROOT) + "/" + key;
    }

    String fileName() {
      return file.getFileName().toString();
    }
  }

  /** A file under the run's artifact folder and its SHA-256 as the document recorded it. */
  record RecordedArtifact(ArtifactPath path, Path file, String sha256) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  final RunLayout layout;
  final Map<String, String> run = new LinkedHashMap<>();
  final Map<String, String> params = new LinkedHashMap<>();
  final Map<String, String> tags = new LinkedHashMap<>();
  final List<MetricSeries> metrics = new ArrayList<>();
  final Map<ArtifactPath, RecordedArtifact> artifacts = new LinkedHashMap<>();
  /** Artifacts the document names outside the artifact folder: refused, each with the reason. */
  final Map<String, String> refusedArtifacts = new LinkedHashMap<>();
  String user = "unknown";

  private RecordedRun(RunLayout layout) {
    this.layout = layout;
  }

  static RecordedRun read(RunLayout layout) throws IOException {
    RecordedRun r = new RecordedRun(layout);
    JsonNode doc = JSON.readTree(layout.provFile().toFile());
    JsonNode activity = doc.path("activity").path(layout.activityId());
    activity.fields().forEachRemaining(f -> r.run.put(f.getKey(), f.getValue().asText()));
    r.run.forEach((k, v) -> {
      if (k.startsWith("yprov:tag_")) {
        r.tags.put(k.substring("yprov:tag_".length()), v);
      }
    });
    doc.path("agent").fields().forEachRemaining(a -> {
      if ("prov:Person".equals(a.getValue().path("prov:type").asText())) {
        r.user = a.getKey();
      }
    });
    doc.path("entity").fields().forEachRemaining(e -> r.entity(e.getValue()));
    return r;
  }

  private void entity(JsonNode e) {
    String type = e.path("prov:type").asText();
    String label = e.path("prov:label").asText();
    if (type.equals("provml:HyperParameter")) {
      params.put(label, e.path("prov:value").asText());
    } else if (type.equals("provml:Metric")) {
      metrics.add(new MetricSeries(label, e.path("yprov:context").asText(),
          rebase(e.path("dcterms:identifier").asText())));
    } else if (e.has("yprov:sha256") && e.has("dcterms:identifier") && !label.startsWith("Original_")
        && !"input".equals(e.path("prov:role").asText())) { // a data set's or the code's files are not artifacts
      String identifier = e.path("dcterms:identifier").asText();
      try {
        Path file = rebase(identifier);
        ArtifactPath path = ArtifactPath.under(layout.artifactsDir(), file);
        artifacts.put(path, new RecordedArtifact(path, file, e.path("yprov:sha256").asText()));
      } catch (IllegalArgumentException refused) {
        refusedArtifacts.put(identifier, refused.getMessage());
      }
    }
  }

  /** The document's path, moved along with the run directory if it was moved. */
  private Path rebase(String recorded) {
    Path path = Path.of(recorded);
    String recordedDir = run.get("yprov:experiment_dir");
    if (recordedDir != null && path.normalize().startsWith(Path.of(recordedDir))) {
      return layout.runDir().resolve(Path.of(recordedDir).relativize(path.normalize()).toString());
    }
    return path;
  }

  String runName() {
    return run.getOrDefault("yprov:run_name", layout.experimentName() + "_" + layout.runId());
  }

  long startMillis() {
    return millis(run.get("prov:startedAtTime"), System.currentTimeMillis());
  }

  /** FINISHED, FAILED or KILLED once the run ended; null while it runs (or when it was interrupted). */
  String status() {
    return run.get("yprov:status");
  }

  long endMillis() {
    return millis(run.get("prov:endedAtTime"), System.currentTimeMillis());
  }

  private static long millis(String time, long fallback) {
    return time == null ? fallback : OffsetDateTime.parse(time).toInstant().toEpochMilli();
  }

  /**
   * Adds attributes to the run activity of a document no writer owns any more (an ended run, or
   * {@code sync}); replaced atomically like every rewrite of the document.
   */
  static void addRunAttributes(RunLayout layout, Map<String, String> attributes) throws IOException {
    ObjectNode doc = (ObjectNode) JSON.readTree(layout.provFile().toFile());
    ObjectNode activity = (ObjectNode) doc.path("activity").path(layout.activityId());
    attributes.forEach(activity::put);
    Path tmp = layout.provFile().resolveSibling(layout.provFile().getFileName() + ".tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), doc);
    Files.move(tmp, layout.provFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
