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
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.prov4ml.Context;
import org.prov4ml.RunStatus;
import org.prov4ml.internal.config.Prov4mlVersion;
import org.prov4ml.internal.format.RunLayout;
import org.prov4ml.internal.mlflow.MlflowReplica;
import org.prov4ml.rundir.Artifact;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.InputModel;
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
  /** Buckets shared by a report's series once it has more than 100 of them (see {@link #bucketsFor}). */
  static final long BUCKET_BUDGET = 100_000;
  static final int MIN_BUCKETS = 4;

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
    g.writeStringField("kind", kind.name().toLowerCase(Locale.ROOT));
    g.writeStringField("generator", "prov4ml " + Prov4mlVersion.get());
    g.writeStringField("generatedAt", Instant.now().toString());
    Map<String, List<Source>> byKey = seriesByKey();
    int buckets = bucketsFor(byKey.values().stream().mapToInt(List::size).sum());
    g.writeNumberField("buckets", buckets);
    g.writeArrayFieldStart("runs");
    for (RunDirectory run : runs) {
      writeRun(g, run);
    }
    g.writeEndArray();
    writeCharts(g, byKey, buckets);
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
      return Optional.of(MlflowReplica.runPage(server.get().replaceAll("//[^/@]*@", "//"), experiment.get(),
          runId.get()));
    }
    try {
      return Optional.ofNullable(MlflowReplica.recordedRunPage(
          new RunLayout(dir.path(), run.experiment(), run.runId(), run.rank())));
    } catch (IOException e) {
      return Optional.empty(); // an unreadable upload cursor only costs the link
    }
  }

  /** {@code page} when it is an absolute {@code http:} or {@code https:} URI with a host, the only links made. */
  static Optional<String> webLink(String page) {
    try {
      URI uri = new URI(page);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null ? Optional.of(page)
          : Optional.empty();
    } catch (URISyntaxException e) {
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
    g.writeArrayFieldStart("inputModels");
    for (InputModel m : dir.inputModels()) {
      g.writeStartObject();
      g.writeStringField("name", m.name());
      optional(g, "path", m.file().map(Path::toString));
      if (m.size().isPresent()) {
        g.writeNumberField("size", m.size().getAsLong());
      }
      optional(g, "sha256", m.sha256());
      g.writeBooleanField("noFile", m.noFile());
      g.writeNumberField("rank", m.rank());
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
   *
   * <p>A run of 20,000 series has 20,000 metric entities whose attributes mostly repeat (their type, context,
   * role, the directory of their file), so the graph is written compactly: {@code strings} holds every attribute
   * name, node kind, group and edge kind, and every value or path head that occurs more than once; a node is
   * {@code [id, kind, group, rank, [name, value, ...], label?]} (the label only when there is no
   * {@code prov:label}), a value is a string, a {@code strings} index, or {@code [index, tail]} (head + tail);
   * an edge is {@code [from, to, kind]} with {@code from}/{@code to} a node's index, or its id when the graph
   * has no such node. report.js decodes it.
   */
  private void writeGraph(JsonGenerator g, RunDirectory dir) throws IOException {
    StringTable strings = new StringTable();
    List<GraphNode> nodes = new ArrayList<>();
    for (RankRecord rank : dir.ranks()) {
      for (var a : rank.activities().entrySet()) {
        nodes.add(new GraphNode(rank.rank(), a.getKey(), "activity", a.getValue(), null));
      }
      for (var a : rank.agents().entrySet()) {
        nodes.add(new GraphNode(rank.rank(), a.getKey(), "agent", a.getValue(), null));
      }
      for (String id : rank.entityIds()) {
        Map<String, String> attributes = rank.entity(id).orElseThrow();
        String type = attributes.getOrDefault(TYPE, "");
        String group = switch (type) {
          case TYPE_METRIC -> "metrics:" + attributes.getOrDefault(CONTEXT, contextOf(id));
          case TYPE_HYPER_PARAMETER -> "params";
          default -> null;
        };
        nodes.add(new GraphNode(rank.rank(), id, "entity", attributes, group == null ? null : group + ":" + rank.rank()));
      }
    }
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).attributes().values().forEach(strings::count);
      index.putIfAbsent(nodeId(dir, nodes.get(i).rank(), nodes.get(i).id()), i);
    }
    // The nodes and edges are written to a buffer first: the table they index is complete only after them.
    StringWriter body = new StringWriter();
    JsonGenerator b = JSON.createGenerator(body);
    b.setCharacterEscapes(ScriptSafeEscapes.INSTANCE);
    b.writeStartObject();
    b.writeArrayFieldStart("nodes");
    for (GraphNode n : nodes) {
      b.writeStartArray();
      b.writeString(nodeId(dir, n.rank(), n.id()));
      b.writeNumber(strings.index(n.kind()));
      if (n.group() == null) {
        b.writeNull();
      } else {
        b.writeNumber(strings.index(n.group()));
      }
      b.writeNumber(n.rank());
      b.writeStartArray();
      for (var a : n.attributes().entrySet()) {
        b.writeNumber(strings.index(a.getKey()));
        strings.writeValue(b, a.getValue());
      }
      b.writeEndArray();
      if (!n.attributes().containsKey(LABEL)) {
        b.writeString(n.id());
      }
      b.writeEndArray();
    }
    b.writeEndArray();
    b.writeArrayFieldStart("edges");
    for (RankRecord rank : dir.ranks()) {
      for (ProvRelation r : rank.relations()) {
        b.writeStartArray();
        for (String end : List.of(nodeId(dir, rank.rank(), r.from()), nodeId(dir, rank.rank(), r.to()))) {
          Integer i = index.get(end);
          if (i == null) {
            b.writeString(end);
          } else {
            b.writeNumber(i);
          }
        }
        b.writeNumber(strings.index(r.kind()));
        b.writeEndArray();
      }
    }
    b.writeEndArray();
    b.writeEndObject();
    b.flush();

    g.writeObjectFieldStart("graph");
    g.writeArrayFieldStart("strings");
    for (String s : strings.table()) {
      g.writeString(s);
    }
    g.writeEndArray();
    // The buffer is {"nodes":[...],"edges":[...]}: its fields go on in this object, after the table.
    String nodesAndEdges = body.toString();
    g.writeRaw(',');
    g.writeRaw(nodesAndEdges, 1, nodesAndEdges.length() - 2);
    g.writeEndObject();
  }

  private record GraphNode(int rank, String id, String kind, Map<String, String> attributes, String group) {}

  /**
   * The graph's shared strings: a value seen more than once is written once and referred to by its index, and
   * so is the head (up to its last {@code /}) of a path whose head is shared, such as the metric files' folder.
   */
  static final class StringTable {
    /** Path heads are counted apart from whole values, under this prefix, which no attribute value holds. */
    private static final String HEAD = "\0head:";
    private final Map<String, Integer> counts = new HashMap<>();
    private final Map<String, Integer> index = new LinkedHashMap<>();

    void count(String value) {
      counts.merge(value, 1, Integer::sum);
      int slash = value.lastIndexOf('/');
      if (slash > 0 && slash < value.length() - 1) {
        counts.merge(HEAD + value.substring(0, slash + 1), 1, Integer::sum);
      }
    }

    int index(String s) {
      return index.computeIfAbsent(s, k -> index.size());
    }

    void writeValue(JsonGenerator g, String value) throws IOException {
      if (value.length() >= 3 && counts.getOrDefault(value, 0) > 1) {
        g.writeNumber(index(value));
        return;
      }
      int slash = value.lastIndexOf('/');
      if (slash >= 8 && slash < value.length() - 1
          && counts.getOrDefault(HEAD + value.substring(0, slash + 1), 0) > 1) {
        g.writeStartArray();
        g.writeNumber(index(value.substring(0, slash + 1)));
        g.writeString(value.substring(slash + 1));
        g.writeEndArray();
        return;
      }
      g.writeString(value);
    }

    List<String> table() {
      return List.copyOf(index.keySet());
    }
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
   *
   * <p>What a series carries is what its chart draws, written compactly, since a run may have tens of
   * thousands: each series is reduced to {@link #bucketsFor} buckets; steps and times are delta-encoded (the
   * first absolute, then differences); a system chart's x is its time in seconds, so it is not written; values
   * have the 7 significant digits the page shows ({@link #shown}); and {@code run}, {@code rank},
   * {@code total}, {@code file}, {@code downsampled}, {@code nonFinite} and {@code last} are written only when
   * they differ from what the page takes when they are absent (0, the points written, the last point written).
   */
  private void writeCharts(JsonGenerator g, Map<String, List<Source>> byKey, int buckets) throws IOException {
    g.writeArrayFieldStart("charts");
    for (var chart : byKey.entrySet()) {
      boolean overTime = chart.getValue().stream().allMatch(s -> s.series().context().equals(Context.SYSTEM));
      g.writeStartObject();
      g.writeStringField("key", chart.getKey());
      if (overTime) {
        g.writeBooleanField("system", true);
      }
      g.writeArrayFieldStart("series");
      for (Source source : chart.getValue()) {
        writeSeries(g, source, overTime, buckets);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private Map<String, List<Source>> seriesByKey() {
    Map<String, List<Source>> byKey = new LinkedHashMap<>();
    for (int r = 0; r < runs.size(); r++) {
      for (MetricSeries s : runs.get(r).metrics()) {
        byKey.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(new Source(r, s));
      }
    }
    return byKey;
  }

  /**
   * Buckets per series: {@link #BUCKETS} (about a chart's width in pixels) while the report has at most
   * {@code BUCKET_BUDGET / BUCKETS} series, fewer beyond, so that a report's size stops growing with the length
   * of its series; never fewer than {@link #MIN_BUCKETS}.
   */
  static int bucketsFor(int seriesCount) {
    return (int) Math.max(MIN_BUCKETS, Math.min(BUCKETS, BUCKET_BUDGET / Math.max(1, seriesCount)));
  }

  private record Source(int run, MetricSeries series) {}

  private void writeSeries(JsonGenerator g, Source source, boolean overTime, int buckets) throws IOException {
    MetricSeries s = source.series();
    SeriesDownsampler.Result r;
    try {
      SeriesDownsampler sampler = new SeriesDownsampler(s.pointCount(), buckets,
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
    List<SeriesDownsampler.Kept> kept = r.points();
    g.writeStartObject();
    if (source.run() != 0) {
      g.writeNumberField("run", source.run());
    }
    if (s.rank() != 0) {
      g.writeNumberField("rank", s.rank());
    }
    g.writeStringField("context", s.context().name());
    if (r.downsampled()) {
      g.writeBooleanField("downsampled", true);
      g.writeStringField("file", relative(runs.get(source.run()), s.file()));
    }
    if (r.total() != kept.size()) {
      g.writeNumberField("total", r.total());
    }
    if (r.nonFinite() > 0) {
      g.writeNumberField("nonFinite", r.nonFinite());
    }
    SeriesDownsampler.Kept end = kept.isEmpty() ? null : kept.get(kept.size() - 1);
    if (r.last() != null && (end == null || end.step() != r.last().step()
        || Double.compare(end.value(), r.last().value()) != 0 || end.timestampMillis() != r.last().timestampMillis())) {
      g.writeObjectFieldStart("last");
      g.writeNumberField("step", r.last().step());
      g.writeFieldName("value");
      shown(g, r.last().value());
      g.writeNumberField("time", r.last().timestampMillis());
      g.writeEndObject();
    }
    if (!overTime) {
      deltas(g, "x", kept, SeriesDownsampler.Kept::step);
    }
    g.writeArrayFieldStart("y");
    for (SeriesDownsampler.Kept k : kept) {
      shown(g, k.value());
    }
    g.writeEndArray();
    deltas(g, "t", kept, SeriesDownsampler.Kept::timestampMillis);
    if (overTime) {
      deltas(g, "steps", kept, SeriesDownsampler.Kept::step);
    }
    g.writeEndObject();
  }

  /** The first value, then each one's difference from the one before. */
  private static void deltas(JsonGenerator g, String field, List<SeriesDownsampler.Kept> kept,
      java.util.function.ToLongFunction<SeriesDownsampler.Kept> value) throws IOException {
    g.writeArrayFieldStart(field);
    long before = 0;
    for (SeriesDownsampler.Kept k : kept) {
      long v = value.applyAsLong(k);
      g.writeNumber(v - before);
      before = v;
    }
    g.writeEndArray();
  }

  private static final java.math.MathContext SHOWN_DIGITS = new java.math.MathContext(7,
      java.math.RoundingMode.HALF_UP);

  /**
   * A value as the page shows it: report.js prints a value of magnitude 1e-4 up to 1e7 with
   * {@code toPrecision(7)}, so there its 7 significant digits, rounded as {@code toPrecision} rounds (half away
   * from zero, from the double's exact value), are all a reader ever sees, and the rest is not written; other
   * values are written whole. NaN and the infinities, which JSON has no number for, are the strings NaN,
   * Infinity and -Infinity.
   */
  static void shown(JsonGenerator g, double v) throws IOException {
    double a = Math.abs(v);
    if (Double.isFinite(v) && v != Math.rint(v) && a >= 1e-4 && a < 1e7) {
      g.writeNumber(new java.math.BigDecimal(v).round(SHOWN_DIGITS).stripTrailingZeros().toPlainString());
    } else {
      number(g, v);
    }
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
