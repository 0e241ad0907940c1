package org.prov4ml.internal.cli;

import java.io.PrintWriter;
import org.prov4ml.rundir.PrintableText;

/**
 * A command's output or error stream, on which each line a command prints stays one line: every character
 * {@link PrintableText} escapes is printed escaped, and only {@code println}'s own line end ends a line. The
 * commands print values read from run directories (names, params, paths, reasons), which are untrusted input:
 * a value holding a newline must not forge a row of {@code ls} or a line of {@code verify}.
 */
final class PrintableLines extends PrintWriter {

  PrintableLines(PrintWriter target) {
    super(target, true);
  }

  @Override
  public void write(int c) {
    if (PrintableText.escaped((char) c)) {
      super.write(PrintableText.of(String.valueOf((char) c)));
    } else {
      super.write(c);
    }
  }

  @Override
  public void write(char[] buf, int off, int len) {
    write(new String(buf, off, len), 0, len);
  }

  @Override
  public void write(String s, int off, int len) {
    String escaped = PrintableText.of(s.substring(off, off + len));
    super.write(escaped, 0, escaped.length());
  }

  // println() writes the line end through PrintWriter's own newLine, straight to the target: not escaped.
}
