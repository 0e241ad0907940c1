package org.prov4ml.internal.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.prov4ml.rundir.MetricPoint;

/**
 * Reduces a metric series, as it streams from its file, to what a chart about {@code buckets} pixels wide can
 * show: the points are cut, in file order, into {@code buckets} runs of equal length, and each run keeps its
 * lowest and its highest finite point (min/max decimation: every spike survives, which an average or a stride
 * would drop), plus its first NaN, +Inf and -Inf, which a chart cannot place on a scale but must not hide.
 * A series of at most two points per bucket is kept whole. Memory is a few points per bucket, whatever the
 * series' length.
 *
 * <p>The points are returned ordered by x, one per x (a chart's x values must increase): when several share
 * an x, the one that deviates most from its neighbours' level wins, a non-finite one first.
 */
public final class SeriesDownsampler {

  /** A point kept for the chart; {@code value} may be NaN or infinite. */
  public record Kept(double x, long step, double value, long timestampMillis) {}

  /** The chart's points, how many the series had, and its last point in file order (the final value). */
  public record Result(List<Kept> points, long total, boolean downsampled, MetricPoint last, long nonFinite) {}

  private final ToDoubleFunction<MetricPoint> x;
  private final long expected;
  private final int buckets;
  private final boolean whole;
  private final List<Kept> all;
  private final Kept[] min;
  private final Kept[] max;
  private final Kept[][] special;
  private long seen;
  private long nonFinite;
  private MetricPoint last;

  /**
   * @param expected the series' length as counted before streaming it; a series still being written may have
   *     grown since, and the points past {@code expected} are left out, so the chart is the series as counted
   * @param buckets about the chart's width in pixels
   * @param x the chart's x for a point: its step, or its time
   */
  public SeriesDownsampler(long expected, int buckets, ToDoubleFunction<MetricPoint> x) {
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be at least 1, got " + buckets);
    }
    this.x = x;
    this.expected = expected;
    this.buckets = buckets;
    this.whole = expected <= 2L * buckets;
    this.all = whole ? new ArrayList<>() : null;
    this.min = whole ? null : new Kept[buckets];
    this.max = whole ? null : new Kept[buckets];
    this.special = whole ? null : new Kept[buckets][3];
  }

  public void add(MetricPoint p) {
    if (seen >= expected) {
      return;
    }
    Kept k = new Kept(x.applyAsDouble(p), p.step(), p.value(), p.timestampMillis());
    long index = seen++;
    last = p;
    boolean finite = Double.isFinite(p.value());
    if (!finite) {
      nonFinite++;
    }
    if (whole) {
      all.add(k);
      return;
    }
    int b = (int) Math.min(buckets - 1, index * buckets / expected);
    if (finite) {
      if (min[b] == null || p.value() < min[b].value()) {
        min[b] = k;
      }
      if (max[b] == null || p.value() > max[b].value()) {
        max[b] = k;
      }
    } else {
      int kind = Double.isNaN(p.value()) ? 0 : p.value() > 0 ? 1 : 2;
      if (special[b][kind] == null) {
        special[b][kind] = k;
      }
    }
  }

  public Result finish() {
    List<Kept> kept = new ArrayList<>();
    if (whole) {
      kept.addAll(all);
    } else {
      for (int b = 0; b < buckets; b++) {
        if (min[b] != null) {
          kept.add(min[b]);
        }
        if (max[b] != null && max[b] != min[b]) {
          kept.add(max[b]);
        }
        for (Kept s : special[b]) {
          if (s != null) {
            kept.add(s);
          }
        }
      }
    }
    return new Result(onePerX(kept), seen, !whole && seen > kept.size(), last, nonFinite);
  }

  /** Sorted by x (stable: file order among equals), one point per x. */
  private static List<Kept> onePerX(List<Kept> kept) {
    Kept[] sorted = kept.toArray(new Kept[0]);
    Arrays.sort(sorted, Comparator.comparingDouble(Kept::x));
    List<Kept> out = new ArrayList<>(sorted.length);
    int i = 0;
    while (i < sorted.length) {
      int j = i;
      while (j + 1 < sorted.length && sorted[j + 1].x() == sorted[i].x()) {
        j++;
      }
      out.add(j == i ? sorted[i] : mostTelling(sorted, i, j, out.isEmpty() ? null : out.get(out.size() - 1)));
      i = j + 1;
    }
    return out;
  }

  private static Kept mostTelling(Kept[] sorted, int from, int to, Kept before) {
    Kept best = null;
    double reference = before == null || !Double.isFinite(before.value()) ? Double.NaN : before.value();
    for (int i = from; i <= to; i++) {
      Kept k = sorted[i];
      if (!Double.isFinite(k.value())) {
        return k;
      }
      if (best == null || (!Double.isNaN(reference)
          && Math.abs(k.value() - reference) > Math.abs(best.value() - reference))) {
        best = k;
      }
    }
    return best;
  }
}
