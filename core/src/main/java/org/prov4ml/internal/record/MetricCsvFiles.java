package org.prov4ml.internal.record;

import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prov4ml.Context;
import org.prov4ml.internal.format.MetricCsvFormat;
import org.prov4ml.internal.format.RunLayout;

/**
 * The run's metric files, one CSV per (metric, context), appended as points arrive. A row is
 * {@code step,value,timestamp}; the header is yProv4ML's, {@code epoch,value,timestep}, so its
 * readers and pandas see the columns they expect.
 *
 * <p>Rows are formatted into one reused buffer and copied as ASCII into the file's own byte
 * buffer, so appending a point allocates nothing. Bytes reach the OS only in whole rows (when the
 * buffer is nearly full, and for every file at the end of each drained batch), so a crash, even
 * kill -9, loses at most the batch being drained and never leaves half a row for a reader to trip on.
 *
 * <p>Why a {@code FileOutputStream} and not a {@code FileChannel}: the channel takes a heap buffer
 * by copying it into a cached direct buffer first, and C2's compilation of that path
 * ({@code FileChannelImpl.write} with {@code Util.getTemporaryDirectBuffer} inlined) was the largest
 * compilation a recorded JVM added for prov4ml's own code (docs/benchmarks.md, the small-epochs
 * workload). The stream hands the array to one native write.
 *
 * <p>At most {@code maxOpenFiles} files are open at once, the least recently written closed first
 * and opened again (to append) when its next rows are written: a run of 20,000 series must not take
 * 20,000 of the process's file descriptors, which are the application's too.
 */
final class MetricCsvFiles implements Closeable {

  private static final byte[] HEADER_LINE = (MetricCsvFormat.HEADER + "\n").getBytes(StandardCharsets.US_ASCII);

  private static final int FILE_BUFFER_BYTES = 16 * 1024;

  /** One open metric file and what the document needs to know of it. */
  static final class MetricFile {
    final String key;
    final Context context;
    final Path path;
    /**
     * Opened to append, so the file's end is where every write goes; null while closed to keep the
     * open files within the limit.
     */
    FileOutputStream out;
    final byte[] pending = new byte[FILE_BUFFER_BYTES];
    int pendingLength;
    long pendingPoints;
    /** Bytes and points in the file: written to the OS, whole rows only. */
    long bytes;
    long points;

    MetricFile(String key, Context context, Path path) {
      this.key = key;
      this.context = context;
      this.path = path;
      queueHeader();
    }

    private void queueHeader() {
      byte[] header = HEADER_LINE;
      System.arraycopy(header, 0, pending, 0, header.length);
      pendingLength = header.length;
    }

    /**
     * Writes the buffered rows. When that fails (disk full, I/O error) the file is cut back to its
     * last whole row, so a later write that succeeds continues a well-formed file, and the rows are
     * counted as not written instead of being retried out of order.
     */
    void writePending(MetricCsvFiles files) {
      if (pendingLength == 0) {
        return;
      }
      UnwrittenRecords unwritten = files.unwritten;
      try {
        files.open(this).write(pending, 0, pendingLength); // all of it, or an exception
        bytes += pendingLength;
        points += pendingPoints;
        pendingLength = 0;
        pendingPoints = 0;
      } catch (IOException e) {
        unwritten.points(path, pendingPoints, e);
        try {
          if (out != null) {
            out.getChannel().truncate(bytes);
          }
        } catch (IOException ignored) {
          // the reader leaves out a last row without its line end; nothing more to do here
        }
        pendingLength = 0;
        pendingPoints = 0;
        if (bytes == 0) {
          queueHeader();
        }
      }
    }
  }

  private final RunLayout layout;
  private final UnwrittenRecords unwritten;
  private final Map<Context, Map<String, MetricFile>> byContext = new IdentityHashMap<>();
  private final Map<Path, String> owners = new HashMap<>();
  private final List<MetricFile> files = new ArrayList<>();
  private final StringBuilder row = new StringBuilder(64);
  private final int maxOpenFiles;
  /** The open files, least recently written first. */
  private final LinkedHashMap<MetricFile, Boolean> open = new LinkedHashMap<>(16, 0.75f, true);

  MetricCsvFiles(RunLayout layout, UnwrittenRecords unwritten, int maxOpenFiles) {
    if (maxOpenFiles < 1) {
      throw new IllegalArgumentException("maxOpenFiles must be >= 1, got " + maxOpenFiles);
    }
    this.layout = layout;
    this.unwritten = unwritten;
    this.maxOpenFiles = maxOpenFiles;
  }

  /** How many metric files are open now. */
  int openFiles() {
    return open.size();
  }

  /**
   * The file's stream, opened to append when it is closed; the least recently written file is
   * closed first when the limit is reached. Its rows were written at its last write, so closing it
   * loses nothing.
   */
  private FileOutputStream open(MetricFile file) throws IOException {
    if (file.out != null) {
      open.get(file); // most recently used now
      return file.out;
    }
    while (open.size() >= maxOpenFiles) {
      MetricFile eldest = open.keySet().iterator().next();
      open.remove(eldest);
      closeQuietly(eldest);
    }
    file.out = new FileOutputStream(file.path.toFile(), true);
    open.put(file, Boolean.TRUE);
    return file.out;
  }

  private void closeQuietly(MetricFile file) {
    try {
      file.out.close();
    } catch (IOException e) {
      // Its rows reached the OS at write(); a close error of a plain file loses nothing more.
    } finally {
      file.out = null;
    }
  }

  /** The file of (key, context), or null when no point of it arrived yet. */
  MetricFile find(String key, Context context) {
    Map<String, MetricFile> keys = byContext.get(context);
    return keys == null ? null : keys.get(key);
  }

  /**
   * Creates the file of (key, context); its header is written with its first rows. Null when the
   * file cannot be created: the point that needed it is counted as not written, and the next point
   * tries again.
   */
  MetricFile create(String key, Context context) {
    Path path = layout.metricFile(key, context.name());
    // Two keys that differ only in characters a file name cannot hold ("a/b", "a_b") get distinct files.
    for (int n = 2; owners.containsKey(path); n++) {
      String name = layout.metricFile(key, context.name()).getFileName().toString();
      path = path.resolveSibling(name.replace("_None_GR", "~" + n + "_None_GR"));
    }
    try {
      Files.createFile(path); // fails if it exists: never appends to a file this run did not start
    } catch (IOException e) {
      unwritten.points(path, 1, e);
      return null;
    }
    MetricFile file = new MetricFile(key, context, path); // opened when its first rows are written
    owners.put(path, key);
    byContext.computeIfAbsent(context, c -> new HashMap<>()).put(key, file);
    files.add(file);
    return file;
  }

  /**
   * Takes on the file of (key, context) that an earlier attempt of this run wrote, to append to it: {@code bytes}
   * whole rows of {@code points} points. A row the earlier process left half written (it died mid-write) is cut
   * off first, so the file stays well formed.
   *
   * @return the file, or null when it cannot be cut back (its next points then go to a file of their own)
   */
  MetricFile adopt(String key, Context context, Path path, long bytes, long points) {
    if (owners.containsKey(path) || find(key, context) != null) {
      return null;
    }
    try (var channel = java.nio.channels.FileChannel.open(path, java.nio.file.StandardOpenOption.WRITE,
        java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      if (channel.size() > bytes) {
        channel.truncate(bytes);
      }
    } catch (IOException e) {
      return null;
    }
    MetricFile file = new MetricFile(key, context, path);
    if (bytes > 0) {
      file.pendingLength = 0; // the header is there
    }
    file.bytes = bytes;
    file.points = points;
    owners.put(path, key);
    byContext.computeIfAbsent(context, c -> new HashMap<>()).put(key, file);
    files.add(file);
    return file;
  }

  void append(MetricFile file, long step, double value, long timestampMillis) throws IOException {
    row.setLength(0);
    MetricCsvFormat.appendRow(row, step, value, timestampMillis);
    int length = row.length();
    if (file.pendingLength + length > file.pending.length) {
      file.writePending(this);
    }
    for (int i = 0; i < length; i++) {
      file.pending[file.pendingLength++] = (byte) row.charAt(i); // digits, '.', 'E', '-', "NaN", "Infinity"
    }
    file.pendingPoints++;
  }

  List<MetricFile> files() {
    return files;
  }

  /** Writes every file's buffered rows; what cannot be written is counted in {@link UnwrittenRecords}. */
  void flush() {
    for (MetricFile file : files) {
      file.writePending(this);
    }
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (MetricFile file : files) {
      try {
        try {
          file.writePending(this);
        } finally {
          if (file.out != null) {
            open.remove(file);
            FileOutputStream out = file.out;
            file.out = null;
            out.close();
          }
        }
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
