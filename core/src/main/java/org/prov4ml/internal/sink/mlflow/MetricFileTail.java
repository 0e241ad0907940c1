package org.prov4ml.internal.sink.mlflow;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Reads the rows of a metric CSV file ({@code step,value,timestamp}) from a byte offset. Only
 * complete lines are read: the drainer may be appending the next row, and a line without its
 * newline is not finished yet. Memory is one read buffer, whatever the file's size.
 */
final class MetricFileTail {

  /** One row of a metric file. */
  record Row(long step, double value, long timestamp) {}

  private static final int BUFFER_BYTES = 1 << 17;

  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);

  /**
   * Reads up to {@code maxRows} complete rows starting at {@code offset} (0 = the start of the file,
   * whose header line is skipped).
   *
   * @return the offset just after the last row read
   * @throws IOException when a complete line is not a row; the message names the file and offset
   */
  long read(Path file, long offset, int maxRows, Consumer<Row> rows) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long position = offset;
      int read = 0;
      long end = channel.size();
      while (read < maxRows && position < end) {
        buffer.clear();
        buffer.limit((int) Math.min(BUFFER_BYTES, end - position));
        int n = channel.read(buffer, position);
        if (n <= 0) {
          break;
        }
        byte[] bytes = buffer.array();
        int lineStart = 0;
        int consumed = 0;
        for (int i = 0; i < n && read < maxRows; i++) {
          if (bytes[i] != '\n') {
            continue;
          }
          String line = new String(bytes, lineStart, i - lineStart, StandardCharsets.US_ASCII);
          if (!(position == 0 && lineStart == 0 && line.startsWith("epoch"))) {
            rows.accept(parse(line, file, position + lineStart));
            read++;
          }
          lineStart = i + 1;
          consumed = i + 1;
        }
        if (consumed == 0) {
          break; // no complete line left
        }
        position += consumed;
      }
      return position;
    }
  }

  /** The rows after {@code offset}: complete lines, less the header when {@code offset} is 0. */
  static long countRows(Path file, long offset) throws IOException {
    long lines = 0;
    ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long position = offset;
      int n;
      while ((n = channel.read(buf.clear(), position)) > 0) {
        for (int i = 0; i < n; i++) {
          if (buf.get(i) == '\n') {
            lines++;
          }
        }
        position += n;
      }
    }
    return offset == 0 && lines > 0 ? lines - 1 : lines;
  }

  private static Row parse(String line, Path file, long at) throws IOException {
    int first = line.indexOf(',');
    int second = line.indexOf(',', first + 1);
    try {
      return new Row(Long.parseLong(line, 0, first, 10), Double.parseDouble(line.substring(first + 1, second)),
          Long.parseLong(line, second + 1, line.length(), 10));
    } catch (RuntimeException e) {
      throw new IOException("metric file " + file + " has a bad row at byte " + at + ": '" + line + "'", e);
    }
  }
}
