package org.prov4ml.internal.format;

import com.fasterxml.jackson.core.io.NumberOutput;

/**
 * The metric files' rows, spelled once for the writer and the reader: yProv4ML's header
 * {@code epoch,value,timestep}, then one {@code step,value,timestamp} row per line, the timestamp in
 * milliseconds. Values are written in Java's notation and read in Java's ({@code NaN}, {@code Infinity}) or
 * Python's ({@code nan}, {@code inf}), since yProv4ML writes with {@code str(value)}.
 */
public final class MetricCsvFormat {

  /** The first line of every metric file, without its line end. */
  public static final String HEADER = "epoch,value,timestep";

  private MetricCsvFormat() {}

  /**
   * Appends one row, line end included, to {@code row}. A value is written with the shortest digits that read
   * back as the same double ({@code 0.25}, {@code 1.0E-4}, {@code NaN}, {@code -Infinity}), by Schubfach
   * (Jackson's {@code NumberOutput}), not {@code Double.toString}: JDK 17's {@code FloatingDecimal.dtoa} is the
   * largest method C2 compiles in a recorded JVM, more compiler time than all of prov4ml's own code
   * (docs/benchmarks.md, the small-epochs workload).
   */
  public static StringBuilder appendRow(StringBuilder row, long step, double value, long timestampMillis) {
    return row.append(step).append(',').append(NumberOutput.toString(value, true)).append(',')
        .append(timestampMillis).append('\n');
  }

  /** A value as a row holds it, in Java's or Python's notation. */
  public static double parseValue(String text) {
    switch (text) {
      case "nan", "NaN", "-nan" -> {
        return Double.NaN;
      }
      case "inf", "+inf", "Infinity", "+Infinity" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf", "-Infinity" -> {
        return Double.NEGATIVE_INFINITY;
      }
      default -> {
        return Double.parseDouble(text);
      }
    }
  }

  /** Milliseconds; a Python float ({@code 1.7e12}, {@code 1700000000000.0}) is accepted too. */
  public static long parseTimestamp(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException notAnInteger) {
      double d = Double.parseDouble(text);
      if (!Double.isFinite(d)) {
        throw notAnInteger;
      }
      return (long) d;
    }
  }
}
