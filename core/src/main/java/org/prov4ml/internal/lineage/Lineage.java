package org.prov4ml.internal.lineage;

import static org.prov4ml.internal.format.ProvVocabulary.HOST;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.prov4ml.rundir.DatasetRecord;
import org.prov4ml.rundir.PrintableText;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunActivity;

/**
 * Where content came from and where it went, over the run indexes of some output directories: upstream, the runs
 * that made it (model version or artifact), each with its status, times, host, commit and data sets, and what
 * that run started from (its input models), followed upstream in turn; downstream, every run that used it. Only
 * entries that their run's document confirms ({@link RunIndex#verify}) are followed or shown.
 *
 * <p>Cycle-safe: each content's makers are followed once per answer; a content met again is marked as shown
 * above, and the depth is bounded, so no crafted index or document can make it loop.
 */
public final class Lineage {

  /** How many input models deep upstream is followed. */
  static final int MAX_DEPTH = 100;

  /** A run as the lineage shows it. */
  public record RunSummary(Path runDir, String experiment, String runName, String runId, int rank, String status,
      OffsetDateTime started, Optional<OffsetDateTime> ended, Optional<String> host, Optional<String> sourceCode,
      Optional<String> sourceCodeDirty, List<DataSet> datasets) {}

  /** A data set a run used, with its one digest when every file was hashed. */
  public record DataSet(String label, String entity, Optional<String> sha256) {}

  /** A run that made the content, and what it started from. */
  public record Producer(RunSummary run, IndexEntry entry, List<StartedFrom> startedFrom) {}

  /**
   * A model a run started from: its makers, or {@code seenAbove} when this answer already followed it, or
   * {@code tooDeep} when the chain is longer than {@link #MAX_DEPTH}.
   */
  public record StartedFrom(IndexEntry model, List<Producer> producers, boolean seenAbove, boolean tooDeep) {}

  /** A run that used the content. */
  public record User(RunSummary run, IndexEntry entry) {}

  /** The answer for one content. */
  public record Result(String sha256, List<Producer> producers, List<User> users) {
    /** {@return whether any run knows the content} */
    public boolean found() {
      return !producers.isEmpty() || !users.isEmpty();
    }
  }

  private final List<RunIndex> indexes;

  private Lineage(List<RunIndex> indexes) {
    this.indexes = List.copyOf(indexes);
  }

  /**
   * The lineage over {@code indexes}, each {@linkplain RunIndex#refresh refreshed} by the caller.
   *
   * @param indexes the output directories' indexes
   * @return the lineage over them
   */
  public static Lineage over(List<RunIndex> indexes) {
    return new Lineage(indexes);
  }

  /**
   * Who made and who used {@code sha256}.
   *
   * @param sha256 a SHA-256 in lower-case hex
   * @return the runs that made it, followed upstream, and the runs that used it
   */
  public Result of(String sha256) {
    Set<String> followed = new HashSet<>();
    followed.add(sha256);
    List<Producer> producers = producers(sha256, followed, 0);
    List<User> users = new ArrayList<>();
    for (RunIndex.Verified v : verified(sha256, false)) {
      users.add(new User(summary(v.runDir(), v.rank()), v.entry()));
    }
    users.sort(Comparator.comparing((User u) -> u.run().started()).thenComparing(u -> u.run().runDir()));
    return new Result(sha256, producers, users);
  }

  private List<Producer> producers(String sha256, Set<String> followed, int depth) {
    List<Producer> producers = new ArrayList<>();
    for (RunIndex.Verified v : verified(sha256, true)) {
      List<StartedFrom> startedFrom = new ArrayList<>();
      for (IndexEntry input : RunIndexShard.entriesOf(v.rank())) {
        if (input.made() || !input.kind().equals(IndexEntry.INPUT_MODEL)) {
          continue;
        }
        if (depth + 1 >= MAX_DEPTH) {
          startedFrom.add(new StartedFrom(input, List.of(), false, true));
        } else if (!followed.add(input.sha256())) {
          startedFrom.add(new StartedFrom(input, List.of(), true, false));
        } else {
          startedFrom.add(new StartedFrom(input, producers(input.sha256(), followed, depth + 1), false, false));
        }
      }
      producers.add(new Producer(summary(v.runDir(), v.rank()), v.entry(), startedFrom));
    }
    producers.sort(Comparator.comparing((Producer p) -> p.run().started()).thenComparing(p -> p.run().runDir()));
    return producers;
  }

  /** The confirmed entries of {@code sha256} that say made ({@code made}) or used, each (run, entity) once. */
  private List<RunIndex.Verified> verified(String sha256, boolean made) {
    List<RunIndex.Verified> found = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (RunIndex index : indexes) {
      for (RunIndex.Located located : List.copyOf(index.lookup(sha256))) {
        if (located.entry().made() != made) {
          continue;
        }
        index.verify(located).ifPresent(v -> {
          if (seen.add(v.runDir() + "\u0000" + v.rank().rank() + "\u0000" + v.entry().entity())) {
            found.add(v);
          }
        });
      }
    }
    return found;
  }

  private static RunSummary summary(Path runDir, RankRecord rank) {
    RunActivity run = rank.run();
    String status = run.status().map(Enum::name)
        .orElse(run.ended() ? "ENDED" : "no status (running, or its process died)");
    List<DataSet> datasets = new ArrayList<>();
    for (DatasetRecord d : rank.datasets()) {
      datasets.add(new DataSet(d.label(), d.id(), d.sha256()));
    }
    return new RunSummary(runDir, run.experiment(), run.name(), run.runId(), rank.rank(), status, run.startTime(),
        run.endTime(), run.attribute(HOST), Optional.ofNullable(rank.params().get("source_code")),
        Optional.ofNullable(rank.params().get("source_code_dirty")), datasets);
  }

  /**
   * Prints {@code result} for a person; every value from a run directory is printed escaped
   * ({@link PrintableText}), one line each.
   *
   * @param result the answer
   * @param out where to print
   */
  public static void printText(Result result, PrintWriter out) {
    out.println("content " + result.sha256());
    if (result.producers().isEmpty()) {
      out.println("made by: no run in these output directories");
    } else {
      out.println("made by " + runs(result.producers().size()) + ":");
      printProducers(result.producers(), out, "  ");
    }
    if (result.users().isEmpty()) {
      out.println("used by: no run in these output directories");
    } else {
      out.println("used by " + runs(result.users().size()) + ":");
      for (User u : result.users()) {
        printRunLine(u.run(), out, "  ");
        out.println("    used it as " + u.entry().kind() + " " + text(u.entry().label()) + " ("
            + text(u.entry().entity()) + ")");
      }
    }
  }

  private static String runs(int n) {
    return n + (n == 1 ? " run" : " runs");
  }

  private static void printProducers(List<Producer> producers, PrintWriter out, String indent) {
    for (Producer p : producers) {
      RunSummary run = p.run();
      printRunLine(run, out, indent);
      String more = indent + "  ";
      out.println(more + "made it as " + p.entry().kind() + " " + text(p.entry().label()) + " ("
          + text(p.entry().entity()) + ")");
      out.println(more + "started " + run.started() + run.ended().map(e -> ", ended " + e).orElse("")
          + run.host().map(h -> ", host " + text(h)).orElse(""));
      out.println(more + "source_code " + run.sourceCode().map(Lineage::text).orElse("(not recorded)")
          + run.sourceCodeDirty().map(d -> ", source_code_dirty " + text(d)).orElse(""));
      for (DataSet d : run.datasets()) {
        out.println(more + "data set " + text(d.label()) + " (" + text(d.entity()) + ") sha256 "
            + d.sha256().map(Lineage::text).orElse("(not hashed)"));
      }
      for (StartedFrom s : p.startedFrom()) {
        out.println(more + "started from input model " + text(s.model().label()) + " (" + text(s.model().entity())
            + ") sha256 " + s.model().sha256());
        if (s.seenAbove()) {
          out.println(more + "  (its lineage is shown above)");
        } else if (s.tooDeep()) {
          out.println(more + "  (not followed: more than " + MAX_DEPTH + " models deep)");
        } else if (s.producers().isEmpty()) {
          out.println(more + "  made by: no run in these output directories");
        } else {
          out.println(more + "  made by " + runs(s.producers().size()) + ":");
          printProducers(s.producers(), out, more + "    ");
        }
      }
    }
  }

  private static void printRunLine(RunSummary run, PrintWriter out, String indent) {
    out.println(indent + text(run.experiment()) + " / " + text(run.runName()) + " (run id " + text(run.runId())
        + ", rank " + run.rank() + ") " + run.status() + " in " + text(run.runDir()));
  }

  private static String text(Object value) {
    return PrintableText.of(value);
  }

  /**
   * Writes {@code result} as one JSON document, for tools.
   *
   * @param result the answer
   * @param out where to write
   * @throws IOException when writing fails
   */
  public static void printJson(Result result, PrintWriter out) throws IOException {
    // One line: the command's output escapes line ends, and a tool reads one document per line as easily.
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("sha256", result.sha256());
    root.put("found", result.found());
    producersJson(result.producers(), root.putArray("made_by"));
    ArrayNode users = root.putArray("used_by");
    for (User u : result.users()) {
      ObjectNode node = users.addObject();
      runJson(u.run(), node.putObject("run"));
      entryJson(u.entry(), node.putObject("used_as"));
    }
    out.println(json.writeValueAsString(root));
  }

  private static void producersJson(List<Producer> producers, ArrayNode array) {
    for (Producer p : producers) {
      ObjectNode node = array.addObject();
      runJson(p.run(), node.putObject("run"));
      entryJson(p.entry(), node.putObject("made_as"));
      ArrayNode startedFrom = node.putArray("started_from");
      for (StartedFrom s : p.startedFrom()) {
        ObjectNode input = startedFrom.addObject();
        entryJson(s.model(), input);
        input.put("shown_above", s.seenAbove());
        input.put("not_followed_too_deep", s.tooDeep());
        producersJson(s.producers(), input.putArray("made_by"));
      }
    }
  }

  private static void runJson(RunSummary run, ObjectNode node) {
    node.put("experiment", run.experiment());
    node.put("run_name", run.runName());
    node.put("run_id", run.runId());
    node.put("rank", run.rank());
    node.put("run_dir", run.runDir().toString());
    node.put("status", run.status());
    node.put("started", run.started().toString());
    node.put("ended", run.ended().map(OffsetDateTime::toString).orElse(null));
    node.put("host", run.host().orElse(null));
    node.put("source_code", run.sourceCode().orElse(null));
    node.put("source_code_dirty", run.sourceCodeDirty().orElse(null));
    ArrayNode datasets = node.putArray("datasets");
    for (DataSet d : run.datasets()) {
      datasets.addObject().put("label", d.label()).put("entity", d.entity()).put("sha256", d.sha256().orElse(null));
    }
  }

  private static void entryJson(IndexEntry entry, ObjectNode node) {
    node.put("kind", entry.kind()).put("label", entry.label()).put("entity", entry.entity())
        .put("sha256", entry.sha256());
  }
}
