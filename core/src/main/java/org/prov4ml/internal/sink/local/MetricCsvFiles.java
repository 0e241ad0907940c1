package org.prov4ml.internal.sink.local;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.prov4ml.Context;

/**
 * The run's metric files, one CSV per (metric, context), appended as points arrive. A row is
 * {@code step,value,timestamp}; the header is yProv4ML's, {@code epoch,value,timestep}, so its
 * readers and pandas see the columns they expect.
 *
 * <p>Rows are formatted into one reused buffer and copied as ASCII into the file's own byte
 * buffer, so appending a point allocates nothing. Bytes reach the OS only in whole rows (when the
 * buffer is nearly full, and for every file at the end of each drained batch), so a crash, even
 * kill -9, loses at most the batch being drained and never leaves half a row for a reader to trip on.
 */
final class MetricCsvFiles implements Closeable {

  static final String HEADER = "epoch,value,timestep\n";

  private static final int FILE_BUFFER_BYTES = 16 * 1024;

  /** One open metric file and what the document needs to know of it. */
  static final class MetricFile {
    final String key;
    final Context context;
    final Path path;
    final OutputStream out;
    final byte[] pending = new byte[FILE_BUFFER_BYTES];
    int pendingLength;
    long bytes;
    long points;

    MetricFile(String key, Context context, Path path, OutputStream out) {
      this.key = key;
      this.context = context;
      this.path = path;
      this.out = out;
    }

    void writePending() throws IOException {
      if (pendingLength > 0) {
        out.write(pending, 0, pendingLength);
        pendingLength = 0;
      }
    }
  }

  private final RunLayout layout;
  private final Map<Context, Map<String, MetricFile>> byContext = new IdentityHashMap<>();
  private final Map<Path, String> owners = new HashMap<>();
  private final List<MetricFile> files = new ArrayList<>();
  private final StringBuilder row = new StringBuilder(64);

  MetricCsvFiles(RunLayout layout) {
    this.layout = layout;
  }

  /** The file of (key, context), or null when no point of it arrived yet. */
  MetricFile find(String key, Context context) {
    Map<String, MetricFile> keys = byContext.get(context);
    return keys == null ? null : keys.get(key);
  }

  /** Creates the file of (key, context) with its header. */
  MetricFile create(String key, Context context) throws IOException {
    Path path = layout.metricFile(key, context);
    // Two keys that differ only in characters a file name cannot hold ("a/b", "a_b") get distinct files.
    for (int n = 2; owners.containsKey(path); n++) {
      String name = layout.metricFile(key, context).getFileName().toString();
      path = path.resolveSibling(name.replace("_None_GR", "~" + n + "_None_GR"));
    }
    OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    out.write(HEADER.getBytes(StandardCharsets.US_ASCII));
    MetricFile file = new MetricFile(key, context, path, out);
    file.bytes = HEADER.length();
    owners.put(path, key);
    byContext.computeIfAbsent(context, c -> new HashMap<>()).put(key, file);
    files.add(file);
    return file;
  }

  void append(MetricFile file, long step, double value, long timestampMillis) throws IOException {
    row.setLength(0);
    row.append(step).append(',').append(value).append(',').append(timestampMillis).append('\n');
    int length = row.length();
    if (file.pendingLength + length > file.pending.length) {
      file.writePending();
    }
    for (int i = 0; i < length; i++) {
      file.pending[file.pendingLength++] = (byte) row.charAt(i); // digits, '.', 'E', '-', "NaN", "Infinity"
    }
    file.bytes += length;
    file.points++;
  }

  List<MetricFile> files() {
    return files;
  }

  void flush() throws IOException {
    IOException first = null;
    for (MetricFile file : files) {
      try {
        file.writePending();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (MetricFile file : files) {
      try {
        try {
          file.writePending();
        } finally {
          file.out.close();
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
