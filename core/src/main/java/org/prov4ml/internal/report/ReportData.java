package org.prov4ml.internal.report;

import static org.prov4ml.internal.format.ProvVocabulary.CONTEXT;
import static org.prov4ml.internal.format.ProvVocabulary.HOST;
import static org.prov4ml.internal.format.ProvVocabulary.JAVA_VERSION;
import static org.prov4ml.internal.format.ProvVocabulary.LABEL;
import static org.prov4ml.internal.format.ProvVocabulary.MAIN_CLASS;
import static org.prov4ml.internal.format.ProvVocabulary.MLFLOW_EXPERIMENT_ID;
import static org.prov4ml.internal.format.ProvVocabulary.MLFLOW_RUN_ID;
import static org.prov4ml.internal.format.ProvVocabulary.MLFLOW_TRACKING_URI;
import static org.prov4ml.internal.format.ProvVocabulary.OPERATING_SYSTEM;
import static org.prov4ml.internal.format.ProvVocabulary.PROV4ML_VERSION;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE_HYPER_PARAMETER;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE_METRIC;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.prov4ml.Context;
import org.prov4ml.RunStatus;
import org.prov4ml.internal.config.Prov4mlVersion;
import org.prov4ml.internal.format.RunLayout;
import org.prov4ml.internal.mlflow.RunDirectorySync;
import org.prov4ml.rundir.Artifact;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.ModelVersion;
import org.prov4ml.rundir.ProvRelation;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunActivity;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.rundir.RunDirectoryException;

/**
 * A report's data island: the JSON the page's script draws everything from, written as it is read. The runs'
 * descriptions are small; the metric series are streamed from their files one at a time through a
 * {@link SeriesDownsampler}, so memory holds one series' buckets, not the run.
 *
 * <p>The JSON is safe inside a {@code <script type="application/json">} element: {@code <}, {@code >} and
 * {@code &} are written as {@code \u003c}-style escapes, so no value can end the element.
 */
final class ReportData {

  /** What the report shows: one run in full, or several compared. */
  enum Kind { RUN, COMPARE }

  /** About the chart's width in pixels: each series is reduced to about two points per bucket. */
  static final int BUCKETS = 1000;

  private static final JsonFactory JSON = JsonFactory.builder().build();

  private final Kind kind;
  private final List<RunDirectory> runs;

  ReportData(Kind kind, List<RunDirectory> runs) {
    this.kind = kind;
    this.runs = List.copyOf(runs);
  }

  Kind kind() {
    return kind;
  }

  void write(Writer out) throws IOException {
    JsonGenerator g = JSON.createGenerator(out);
    g.setCharacterEscapes(ScriptSafeEscapes.INSTANCE);
    g.writeStartObject();
    g.writeStringField("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
    g.writeStringField("generator", "prov4ml " + Prov4mlVersion.get());
    g.writeStringField("generatedAt", Instant.now().toString());
    g.writeNumberField("buckets", BUCKETS);
    g.writeArrayFieldStart("runs");
    for (RunDirectory run : runs) {
      writeRun(g, run);
    }
    g.writeEndArray();
    writeCharts(g);
    g.writeEndObject();
    g.flush();
  }

  private void writeRun(JsonGenerator g, RunDirectory dir) throws IOException {
    RunActivity run = dir.run();
    g.writeStartObject();
    g.writeStringField("dir", dir.path().toString());
    g.writeStringField("name", run.name());
    g.writeStringField("experiment", run.experiment());
    g.writeStringField("runId", run.runId());
    g.writeStringField("activity", run.id());
    g.writeStringField("activityNode", nodeId(dir, run.rank(), run.id()));
    writeStatus(g, run);
    g.writeStringField("start", run.startTime().toString());
    optional(g, "end", run.endTime().map(OffsetDateTime::toString));
    if (run.endTime().isPresent()) {
      g.writeNumberField("durationMs", Duration.between(run.startTime(), run.endTime().get()).toMillis());
    }
    optional(g, "host", run.attribute(HOST));
    optional(g, "jvm", run.attribute(JAVA_VERSION));
    optional(g, "os", run.attribute(OPERATING_SYSTEM));
    optional(g, "prov4ml", run.attribute(PROV4ML_VERSION));
    optional(g, "program", run.attribute(MAIN_CLASS));
    optional(g, "user", run.user());
    Optional<String> page = mlflowPage(dir, run);
    optional(g, "mlflow", page.flatMap(ReportData::webLink));
    optional(g, "mlflowText", page.filter(p -> webLink(p).isEmpty()));
    g.writeObjectFieldStart("tags");
    for (var tag : run.tags().entrySet()) {
      g.writeStringField(tag.getKey(), tag.getValue());
    }
    g.writeEndObject();

    g.writeArrayFieldStart("ranks");
    for (RankRecord rank : dir.ranks()) {
      g.writeStartObject();
      g.writeNumberField("rank", rank.rank());
      writeStatus(g, rank.run());
      g.writeStringField("start", rank.run().startTime().toString());
      optional(g, "end", rank.run().endTime().map(OffsetDateTime::toString));
      optional(g, "host", rank.run().attribute(HOST));
      g.writeStringField("document", dir.path().relativize(rank.document()).toString());
      g.writeEndObject();
    }
    g.writeEndArray();

    g.writeArrayFieldStart("params");
    for (var p : dir.params().entrySet()) {
      g.writeStartArray();
      g.writeString(p.getKey());
      g.writeString(p.getValue());
      g.writeEndArray();
    }
    g.writeEndArray();

    if (kind == Kind.RUN) {
      writeArtifacts(g, dir);
      writeGraph(g, dir);
    }
    g.writeEndObject();
  }

  private static void writeStatus(JsonGenerator g, RunActivity run) throws IOException {
    g.writeStringField("status", run.status().map(RunStatus::name).orElse("RUNNING"));
    optional(g, "statusDetail", run.status().isPresent() ? run.incompleteDetail()
        : Optional.of("no end recorded: the run is still in progress, or its process died before ending it"));
  }

  /**
   * The MLflow UI's page of the run: from the ids the upload recorded in the document, else in its cursor. Both
   * are untrusted input, so only an {@code http:} or {@code https:} page is linked; the report shows anything
   * else as text ({@link #webLink}).
   */
  private static Optional<String> mlflowPage(RunDirectory dir, RunActivity run) {
    Optional<String> server = run.attribute(MLFLOW_TRACKING_URI);
    Optional<String> experiment = run.attribute(MLFLOW_EXPERIMENT_ID);
    Optional<String> runId = run.attribute(MLFLOW_RUN_ID);
    if (server.isPresent() && experiment.isPresent() && runId.isPresent()) {
      String base = server.get().replaceAll("//[^/@]*@", "//");
      return Optional.of((base.endsWith("/") ? base : base + "/") + "#/experiments/" + experiment.get() + "/runs/"
          + runId.get());
    }
    try {
      return Optional.ofNullable(RunDirectorySync.recordedRunPage(
          new RunLayout(dir.path(), run.experiment(), run.runId(), run.rank())));
    } catch (IOException e) {
      return Optional.empty(); // an unreadable upload cursor only costs the link
    }
  }

  /** {@code page} when it is an absolute {@code http:} or {@code https:} URI with a host, the only links made. */
  static Optional<String> webLink(String page) {
    try {
      java.net.URI uri = new java.net.URI(page);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null ? Optional.of(page)
          : Optional.empty();
    } catch (java.net.URISyntaxException e) {
      return Optional.empty();
    }
  }

  private void writeArtifacts(JsonGenerator g, RunDirectory dir) throws IOException {
    g.writeArrayFieldStart("artifacts");
    for (Artifact a : dir.artifacts()) {
      g.writeStartObject();
      g.writeStringField("id", a.id());
      g.writeStringField("path", a.path());
      g.writeNumberField("size", a.size());
      optional(g, "sha256", a.sha256());
      optional(g, "context", a.context().map(Context::name));
      g.writeNumberField("rank", a.rank());
      g.writeBooleanField("model", a.model());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("models");
    for (var m : dir.models()) {
      g.writeStartObject();
      g.writeStringField("id", m.id());
      g.writeStringField("name", m.name());
      g.writeNumberField("rank", m.rank());
      if (m.totalParams().isPresent()) {
        g.writeNumberField("totalParams", m.totalParams().getAsLong());
      }
      if (m.memoryBytes().isPresent()) {
        g.writeNumberField("memoryBytes", m.memoryBytes().getAsLong());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("versions");
    for (ModelVersion v : dir.modelVersions()) {
      g.writeStartObject();
      g.writeStringField("id", nodeId(dir, v.rank(), v.id()));
      g.writeStringField("name", v.name());
      g.writeNumberField("step", v.step());
      g.writeStringField("context", v.context().name());
      g.writeStringField("path", relative(dir, v.file()));
      g.writeNumberField("size", v.size());
      optional(g, "sha256", v.sha256());
      optional(g, "previous", v.previous().map(p -> nodeId(dir, p.rank(), p.id())));
      g.writeNumberField("rank", v.rank());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /**
   * Every rank's activities, entities and agents and the relations between them. A node's {@code group} names
   * the collapsible box the page puts it in: a context's metrics, the run's params.
   */
  private void writeGraph(JsonGenerator g, RunDirectory dir) throws IOException {
    g.writeObjectFieldStart("graph");
    g.writeArrayFieldStart("nodes");
    for (RankRecord rank : dir.ranks()) {
      for (var a : rank.activities().entrySet()) {
        node(g, dir, rank, a.getKey(), "activity", a.getValue(), null);
      }
      for (var a : rank.agents().entrySet()) {
        node(g, dir, rank, a.getKey(), "agent", a.getValue(), null);
      }
      for (String id : rank.entityIds()) {
        Map<String, String> attributes = rank.entity(id).orElseThrow();
        String type = attributes.getOrDefault(TYPE, "");
        String group = switch (type) {
          case TYPE_METRIC -> "metrics:" + attributes.getOrDefault(CONTEXT, contextOf(id));
          case TYPE_HYPER_PARAMETER -> "params";
          default -> null;
        };
        node(g, dir, rank, id, "entity", attributes, group == null ? null : group + ":" + rank.rank());
      }
    }
    g.writeEndArray();
    g.writeArrayFieldStart("edges");
    for (RankRecord rank : dir.ranks()) {
      for (ProvRelation r : rank.relations()) {
        g.writeStartObject();
        g.writeStringField("from", nodeId(dir, rank.rank(), r.from()));
        g.writeStringField("to", nodeId(dir, rank.rank(), r.to()));
        g.writeStringField("kind", r.kind());
        g.writeEndObject();
      }
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void node(JsonGenerator g, RunDirectory dir, RankRecord rank, String id, String kind,
      Map<String, String> attributes, String group) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", nodeId(dir, rank.rank(), id));
    g.writeStringField("kind", kind);
    g.writeStringField("label", attributes.getOrDefault(LABEL, id));
    optional(g, "type", Optional.ofNullable(attributes.get(TYPE)));
    optional(g, "group", Optional.ofNullable(group));
    g.writeNumberField("rank", rank.rank());
    g.writeObjectFieldStart("attributes");
    for (var a : attributes.entrySet()) {
      g.writeStringField(a.getKey(), a.getValue());
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  /** A record's id in the page's graph: as recorded, prefixed by its rank when ranks share ids. */
  private static String nodeId(RunDirectory dir, int rank, String id) {
    return dir.ranks().size() == 1 ? id : "GR" + rank + ":" + id;
  }

  private static String contextOf(String id) {
    int separator = id.lastIndexOf("//");
    return separator < 0 ? "" : id.substring(separator + 2);
  }

  /**
   * One chart per metric key, in the order keys first appear, each with one series per (run, rank, context).
   * System metrics ({@link Context#SYSTEM}) are charted over time, the others over the step.
   */
  private void writeCharts(JsonGenerator g) throws IOException {
    Map<String, List<Source>> byKey = new LinkedHashMap<>();
    for (int r = 0; r < runs.size(); r++) {
      for (MetricSeries s : runs.get(r).metrics()) {
        byKey.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(new Source(r, s));
      }
    }
    g.writeArrayFieldStart("charts");
    for (var chart : byKey.entrySet()) {
      boolean overTime = chart.getValue().stream().allMatch(s -> s.series().context().equals(Context.SYSTEM));
      g.writeStartObject();
      g.writeStringField("key", chart.getKey());
      g.writeBooleanField("system", overTime);
      g.writeArrayFieldStart("series");
      for (Source source : chart.getValue()) {
        writeSeries(g, source, overTime);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private record Source(int run, MetricSeries series) {}

  private void writeSeries(JsonGenerator g, Source source, boolean overTime) throws IOException {
    MetricSeries s = source.series();
    SeriesDownsampler.Result r;
    try {
      SeriesDownsampler sampler = new SeriesDownsampler(s.pointCount(), BUCKETS,
          overTime ? p -> p.timestampMillis() / 1000.0 : MetricPoint::step);
      try (Stream<MetricPoint> points = s.points()) {
        points.forEach(sampler::add);
      }
      r = sampler.finish();
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof RunDirectoryException bad) {
        throw bad;
      }
      throw e;
    }
    g.writeStartObject();
    g.writeNumberField("run", source.run());
    g.writeNumberField("rank", s.rank());
    g.writeStringField("context", s.context().name());
    g.writeStringField("file", relative(runs.get(source.run()), s.file()));
    g.writeNumberField("total", r.total());
    g.writeNumberField("shown", r.points().size());
    g.writeBooleanField("downsampled", r.downsampled());
    g.writeNumberField("nonFinite", r.nonFinite());
    if (r.last() != null) {
      g.writeObjectFieldStart("last");
      g.writeNumberField("step", r.last().step());
      number(g, "value", r.last().value());
      g.writeNumberField("time", r.last().timestampMillis());
      g.writeEndObject();
    }
    g.writeArrayFieldStart("x");
    for (SeriesDownsampler.Kept k : r.points()) {
      if (overTime) {
        g.writeNumber(k.x());
      } else {
        g.writeNumber(k.step());
      }
    }
    g.writeEndArray();
    g.writeArrayFieldStart("y");
    for (SeriesDownsampler.Kept k : r.points()) {
      number(g, k.value());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("t");
    for (SeriesDownsampler.Kept k : r.points()) {
      g.writeNumber(k.timestampMillis());
    }
    g.writeEndArray();
    if (overTime) {
      g.writeArrayFieldStart("steps");
      for (SeriesDownsampler.Kept k : r.points()) {
        g.writeNumber(k.step());
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  /** A value as a JSON number, or, for what JSON has no number for, the string NaN, Infinity or -Infinity. */
  private static void number(JsonGenerator g, double v) throws IOException {
    if (Double.isFinite(v)) {
      if (v == Math.rint(v) && Math.abs(v) < 1e15) {
        g.writeNumber((long) v);
      } else {
        g.writeNumber(v);
      }
    } else {
      g.writeString(Double.toString(v));
    }
  }

  private static void number(JsonGenerator g, String field, double v) throws IOException {
    g.writeFieldName(field);
    number(g, v);
  }

  private static void optional(JsonGenerator g, String field, Optional<String> value) throws IOException {
    if (value.isPresent()) {
      g.writeStringField(field, value.get());
    }
  }

  private static String relative(RunDirectory dir, Path file) {
    Path p = file.toAbsolutePath().normalize();
    return p.startsWith(dir.path()) ? dir.path().relativize(p).toString().replace('\\', '/') : p.toString();
  }

  /** JSON escapes that keep a data island inside its script element. */
  private static final class ScriptSafeEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    static final ScriptSafeEscapes INSTANCE = new ScriptSafeEscapes();
    private final int[] escapes = standardAsciiEscapesForJSON();

    private ScriptSafeEscapes() {
      escapes['<'] = ESCAPE_STANDARD;
      escapes['>'] = ESCAPE_STANDARD;
      escapes['&'] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return escapes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      // U+2028 and U+2029 end a line in older JavaScript parsers.
      return ch == 0x2028 ? new SerializedString("\\u2028") : ch == 0x2029 ? new SerializedString("\\u2029") : null;
    }
  }
}
