package org.prov4ml.rundir;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.prov4ml.Context;

/**
 * One metric series, (key, context) of one rank, and its CSV file. The points are read from the
 * file only when asked for, as a stream, so a series of millions of points is never held in
 * memory. The file is read as it is now: during a run it may hold more points than the document
 * had counted when it was last written.
 */
public final class MetricSeries {

  private final String id;
  private final String key;
  private final Context context;
  private final int rank;
  private final Path runDir;
  private final Path file;
  private final Map<String, String> attributes;
  private long pointCount = -1;

  MetricSeries(String id, String key, Context context, int rank, Path runDir, Path file,
      Map<String, String> attributes) {
    this.id = id;
    this.runDir = runDir;
    this.key = key;
    this.context = context;
    this.rank = rank;
    this.file = file;
    this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }

  /**
   * A series its writer announced before the document names it (the MLflow replica hears of new series in the
   * process): its points are read from {@code file} as for any other.
   *
   * @param runDir the run directory {@code file} must lie in ({@link RunFiles})
   * @param key the metric's key
   * @param context its context
   * @param rank the rank that writes it
   * @param file its CSV file
   * @return the series
   */
  public static MetricSeries announced(Path runDir, String key, Context context, int rank, Path file) {
    return new MetricSeries(key + "//" + context.name(), key, context, rank, runDir, file, Map.of());
  }

  /** {@return the PROV entity's id, {@code <key>//<CONTEXT>}} */
  public String id() {
    return id;
  }

  /** {@return the metric's key, as logged (the file name may differ: it cannot hold {@code / \ :})} */
  public String key() {
    return key;
  }

  /**
   * The context the points were logged in.
   *
   * @return the context, e.g. {@link Context#TRAINING}
   */
  public Context context() {
    return context;
  }

  /** {@return the rank whose document records this series} */
  public int rank() {
    return rank;
  }

  /** {@return the CSV file (rebased if the run directory was moved)} */
  public Path file() {
    return file;
  }

  /** {@return every attribute of the metric's entity as recorded} */
  public Map<String, String> attributes() {
    return attributes;
  }

  /**
   * The number of whole rows in the file now, counted once (a scan of the file, not a parse) and
   * then remembered; a row still being written is not counted.
   *
   * @return the number of points in the file
   * @throws UncheckedIOException wrapping a {@link RunDirectoryException} when the file cannot be read
   */
  public long pointCount() {
    if (pointCount < 0) {
      pointCount = MetricCsv.countRows(runDir, file);
    }
    return pointCount;
  }

  /**
   * The points in the file's order, parsed as the stream is consumed. The stream holds the file
   * open: close it (try-with-resources). A row that cannot be parsed ends the stream with an
   * {@link UncheckedIOException} wrapping a {@link RunDirectoryException} that names the file and
   * line; a last row without its line end (still being written) is left out.
   *
   * @return the points, to be closed
   * @throws UncheckedIOException wrapping a {@link RunDirectoryException} when the file cannot be opened
   */
  public Stream<MetricPoint> points() {
    return MetricCsv.points(runDir, file);
  }

  /**
   * Follows the file as it grows, from where an earlier read stopped: reads up to {@code maxPoints}
   * whole rows after byte {@code offset} (0 = the start of the file, header included) into
   * {@code points}, and returns the offset just past the last row read, where the next read resumes. A
   * row still being written (no line end yet) is left for the next read. The cost is that of the rows
   * read, however long the file already is.
   *
   * @param offset the byte to read from: 0, or what the previous read returned
   * @param maxPoints the most rows to read
   * @param points receives each point read, in the file's order
   * @return the offset to resume from
   * @throws UncheckedIOException wrapping a {@link RunDirectoryException} naming the file when it cannot
   *     be read, is shorter than {@code offset}, or has a row that is not {@code step,value,timestamp}
   */
  public long readFrom(long offset, long maxPoints, Consumer<? super MetricPoint> points) {
    return MetricCsv.readFrom(runDir, file, offset, maxPoints, points);
  }

  @Override
  public String toString() {
    return key + " " + context + " (rank " + rank + ", " + file + ")";
  }
}
