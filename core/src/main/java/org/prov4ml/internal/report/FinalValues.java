package org.prov4ml.internal.report;

import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.stream.Stream;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.RunDirectoryException;

/** A series' final value: its last point in file order, found by streaming the file (memory stays flat). */
final class FinalValues {

  private FinalValues() {}

  static Optional<MetricPoint> last(MetricSeries series) throws RunDirectoryException {
    try (Stream<MetricPoint> points = series.points()) {
      return points.reduce((a, b) -> b);
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof RunDirectoryException bad) {
        throw bad;
      }
      throw e;
    }
  }

  /** A value as the terminal shows it: the shortest text that reads back to the same double; NaN, +Inf, -Inf. */
  static String text(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    float f = (float) v;
    return f == v ? Float.toString(f) : Double.toString(v);
  }

  static String text(Optional<MetricPoint> p) {
    return p.map(x -> text(x.value())).orElse("-");
  }

  /** {@code text(a) - text(b)} in the same notation, or "" when either side is missing or not finite. */
  static String delta(Optional<MetricPoint> left, Optional<MetricPoint> right) {
    if (left.isEmpty() || right.isEmpty() || !Double.isFinite(left.get().value())
        || !Double.isFinite(right.get().value())) {
      return "";
    }
    double d = right.get().value() - left.get().value();
    if (d == 0) {
      return "0";
    }
    return (d > 0 ? "+" : "") + new java.math.BigDecimal(d).round(new java.math.MathContext(6)).stripTrailingZeros()
        .toString();
  }
}
