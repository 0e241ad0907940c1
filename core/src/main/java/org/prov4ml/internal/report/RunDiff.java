package org.prov4ml.internal.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.prov4ml.Context;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.RunStatus;

/**
 * How two runs differ, as text ({@code diff}): the params that differ, the params only one run has, and every
 * metric's final value on each side. For a run of several ranks, the primary rank's params and series.
 */
public final class RunDiff {

  private record Row(String key, Context context, Optional<MetricPoint> left, Optional<MetricPoint> right) {}

  private final RunDirectory left;
  private final RunDirectory right;
  private final List<String[]> differing = new ArrayList<>();
  private final List<String[]> onlyLeft = new ArrayList<>();
  private final List<String[]> onlyRight = new ArrayList<>();
  private int same;
  private final List<Row> finals = new ArrayList<>();

  private RunDiff(RunDirectory left, RunDirectory right) {
    this.left = left;
    this.right = right;
  }

  public static RunDiff of(RunDirectory left, RunDirectory right) throws IOException {
    RunDiff d = new RunDiff(left, right);
    Map<String, String> l = left.params();
    Map<String, String> r = right.params();
    for (var e : l.entrySet()) {
      if (!r.containsKey(e.getKey())) {
        d.onlyLeft.add(new String[] {e.getKey(), e.getValue()});
      } else if (!Objects.equals(e.getValue(), r.get(e.getKey()))) {
        d.differing.add(new String[] {e.getKey(), e.getValue(), r.get(e.getKey())});
      } else {
        d.same++;
      }
    }
    r.forEach((k, v) -> {
      if (!l.containsKey(k)) {
        d.onlyRight.add(new String[] {k, v});
      }
    });
    Map<String, Set<Context>> series = new LinkedHashMap<>();
    for (RunDirectory run : List.of(left, right)) {
      for (MetricSeries s : run.primary().metrics()) {
        series.computeIfAbsent(s.key(), k -> new LinkedHashSet<>()).add(s.context());
      }
    }
    for (var e : series.entrySet()) {
      for (Context c : e.getValue()) {
        d.finals.add(new Row(e.getKey(), c, last(left, e.getKey(), c), last(right, e.getKey(), c)));
      }
    }
    return d;
  }

  private static Optional<MetricPoint> last(RunDirectory run, String key, Context context) throws IOException {
    Optional<MetricSeries> s = run.metric(key, context);
    return s.isEmpty() ? Optional.empty() : FinalValues.last(s.get());
  }

  public void print(PrintWriter out) throws IOException {
    out.println("left:  " + describe(left));
    out.println("right: " + describe(right));
    out.println();
    if (differing.isEmpty()) {
      out.println("params that differ: none" + (same > 0 ? " (" + same + " the same)" : ""));
    } else {
      out.println("params that differ (" + differing.size() + ", " + same + " the same):");
      TextTable t = new TextTable("  ", "name", "left", "right");
      differing.forEach(t::row);
      t.print(out);
    }
    only(out, "left", onlyLeft);
    only(out, "right", onlyRight);
    out.println();
    if (finals.isEmpty()) {
      out.println("final metric values: no metrics on either side");
      return;
    }
    out.println("final metric values (last point of each series; step in brackets):");
    TextTable t = new TextTable("  ", "metric", "context", "left", "right", "right - left");
    for (Row row : finals) {
      t.row(row.key(), row.context().name(), withStep(row.left()), withStep(row.right()),
          FinalValues.delta(row.left(), row.right()));
    }
    t.print(out);
  }

  private static void only(PrintWriter out, String side, List<String[]> params) {
    if (params.isEmpty()) {
      out.println("params only in " + side + ": none");
      return;
    }
    out.println("params only in " + side + " (" + params.size() + "):");
    TextTable t = new TextTable("  ", "name", "value");
    params.forEach(t::row);
    t.print(out);
  }

  private static String withStep(Optional<MetricPoint> p) {
    return p.map(x -> FinalValues.text(x.value()) + " [" + x.step() + "]").orElse("-");
  }

  private static String describe(RunDirectory run) {
    return run.run().name() + " (" + run.run().status().map(RunStatus::name).orElse("IN PROGRESS") + ") "
        + run.path() + (run.ranks().size() > 1 ? " (rank " + run.primary().rank() + " of " + run.ranks().size()
        + " ranks)" : "");
  }
}
