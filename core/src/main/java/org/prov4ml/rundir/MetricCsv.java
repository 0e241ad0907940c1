package org.prov4ml.rundir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.prov4ml.internal.format.MetricCsvFormat;

/**
 * Reads the metric files of yProv4ML's layout, whose rows {@link MetricCsvFormat} spells.
 *
 * <p>Rows are parsed from bytes one at a time, into one reused line buffer: a hand-written scanner
 * rather than a CSV library, because the files are machine-written in one fixed shape and a stream
 * of millions of points must cost only the {@link MetricPoint}s the caller keeps.
 */
final class MetricCsv {

  private MetricCsv() {}

  static Stream<MetricPoint> points(Path runDir, Path file) {
    InputStream in = open(runDir, file);
    RowSpliterator rows = new RowSpliterator(file, in, 0);
    return StreamSupport.stream(rows, false).onClose(() -> {
      try {
        in.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /**
   * Reads up to {@code maxRows} whole rows after byte {@code offset} (0 = the start of the file, whose
   * header is checked and skipped) and returns the offset just past the last line read: where the next
   * read resumes. A last row without its line end is left for the next read.
   */
  static long readFrom(Path runDir, Path file, long offset, long maxRows, Consumer<? super MetricPoint> rows) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, not " + offset);
    }
    InputStream in = open(runDir, file);
    try (in) {
      if (offset > 0) {
        in.skipNBytes(offset);
      }
      RowSpliterator reader = new RowSpliterator(file, in, offset);
      for (long read = 0; read < maxRows && reader.tryAdvance(rows); read++) {
        // each advance reads one row
      }
      return reader.endOffset();
    } catch (java.io.EOFException shorter) {
      throw new UncheckedIOException(new RunDirectoryException(file, "the metric file is shorter than byte "
          + offset + ", where reading was to resume; it was replaced or cut", shorter));
    } catch (IOException e) {
      throw new UncheckedIOException(new RunDirectoryException(file, "cannot read the metric file: " + reason(e), e));
    }
  }

  static long countRows(Path runDir, Path file) {
    try (InputStream in = open(runDir, file)) {
      byte[] buffer = new byte[64 * 1024];
      long lines = 0;
      boolean header = false;
      boolean firstByte = true;
      for (int n; (n = in.read(buffer)) > 0; ) {
        if (firstByte) {
          header = buffer[0] == 'e'; // a header starts "epoch"; a row starts with a digit or '-'
          firstByte = false;
        }
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            lines++;
          }
        }
      }
      return header ? Math.max(0, lines - 1) : lines;
    } catch (IOException e) {
      throw new UncheckedIOException(new RunDirectoryException(file, "cannot read the metric file: " + reason(e), e));
    }
  }

  private static InputStream open(Path runDir, Path file) {
    try {
      return RunFiles.open(runDir, file);
    } catch (RunDirectoryException e) {
      throw new UncheckedIOException(new RunDirectoryException(file, "the metric file is " + e.problem(), e));
    } catch (IOException e) {
      throw new UncheckedIOException(new RunDirectoryException(file, "cannot read the metric file: " + reason(e), e));
    }
  }

  static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** One row per advance; the header is checked on the first. */
  private static final class RowSpliterator extends Spliterators.AbstractSpliterator<MetricPoint> {
    private final Path file;
    private final InputStream in;
    private final long startOffset;
    private final byte[] buffer = new byte[64 * 1024];
    /** The file offset of {@code buffer[0]}. */
    private long bufferOffset;
    private int position;
    private int limit;
    private byte[] line = new byte[64];
    private long lineNumber;
    /** The file offset just past the last whole line read. */
    private long endOffset;

    RowSpliterator(Path file, InputStream in, long startOffset) {
      super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
      this.file = file;
      this.in = in;
      this.startOffset = startOffset;
      this.bufferOffset = startOffset;
      this.endOffset = startOffset;
    }

    long endOffset() {
      return endOffset;
    }

    @Override
    public boolean tryAdvance(Consumer<? super MetricPoint> action) {
      try {
        while (true) {
          int length = readLine();
          if (length < 0) {
            return false;
          }
          lineNumber++;
          if (lineNumber == 1 && startOffset == 0 && length > 0 && line[0] == 'e') {
            String header = new String(line, 0, length, StandardCharsets.US_ASCII).strip();
            if (!header.equals(MetricCsvFormat.HEADER)) {
              throw problem("the header is '" + header + "', not '" + MetricCsvFormat.HEADER + "'");
            }
            continue;
          }
          if (length == 0 || (length == 1 && line[0] == '\r')) {
            continue;
          }
          action.accept(parse(length));
          return true;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(
            new RunDirectoryException(file, "cannot read the metric file: " + reason(e), e));
      }
    }

    /** The next whole line's length (without its '\n') in {@link #line}; -1 at the end, or before a cut row. */
    private int readLine() throws IOException {
      int length = 0;
      while (true) {
        if (position == limit) {
          bufferOffset += limit;
          limit = in.read(buffer);
          position = 0;
          if (limit <= 0) {
            limit = 0;
            return -1; // the end, or a last row without its '\n' that a writer has not finished
          }
        }
        byte b = buffer[position++];
        if (b == '\n') {
          endOffset = bufferOffset + position;
          return length;
        }
        if (length == line.length) {
          if (length >= 4096) {
            throw problem("line " + (lineNumber + 1) + " is longer than 4096 bytes; not a metric row");
          }
          line = java.util.Arrays.copyOf(line, length * 2);
        }
        line[length++] = b;
      }
    }

    private MetricPoint parse(int length) {
      int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
      int first = indexOf(',', 0, end);
      int second = first < 0 ? -1 : indexOf(',', first + 1, end);
      if (second < 0) {
        throw problem("line " + lineNumber + " is not 'step,value,timestamp': '" + text(0, end) + "'");
      }
      try {
        long step = parseLong(0, first);
        double value = MetricCsvFormat.parseValue(text(first + 1, second));
        long timestamp = second + 1 < end && isLong(second + 1, end) ? parseLong(second + 1, end)
            : MetricCsvFormat.parseTimestamp(text(second + 1, end));
        return new MetricPoint(step, value, timestamp);
      } catch (NumberFormatException e) {
        throw problem("line " + lineNumber + " is not 'step,value,timestamp': '" + text(0, end) + "'");
      }
    }

    /** Whether bytes [from, to) are an optional '-' and 1 to 18 digits: a long that cannot overflow. */
    private boolean isLong(int from, int to) {
      int start = from < to && line[from] == '-' ? from + 1 : from;
      if (to - start < 1 || to - start > 18) {
        return false;
      }
      for (int i = start; i < to; i++) {
        if (line[i] < '0' || line[i] > '9') {
          return false;
        }
      }
      return true;
    }

    /** A long straight from the bytes, without a String per field: most rows are two of these. */
    private long parseLong(int from, int to) {
      if (!isLong(from, to)) {
        return Long.parseLong(text(from, to)); // the rare long beyond 18 digits, or the error it is
      }
      boolean negative = line[from] == '-';
      long n = 0;
      for (int i = negative ? from + 1 : from; i < to; i++) {
        n = n * 10 + (line[i] - '0');
      }
      return negative ? -n : n;
    }

    private int indexOf(char c, int from, int to) {
      for (int i = from; i < to; i++) {
        if (line[i] == c) {
          return i;
        }
      }
      return -1;
    }

    private String text(int from, int to) {
      return new String(line, from, to - from, StandardCharsets.US_ASCII);
    }

    private UncheckedIOException problem(String what) {
      String where = startOffset == 0 ? what : what + " (counting lines from byte " + startOffset + ")";
      return new UncheckedIOException(new RunDirectoryException(file, where));
    }
  }
}
