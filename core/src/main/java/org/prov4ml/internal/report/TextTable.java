package org.prov4ml.internal.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.prov4ml.rundir.PrintableText;

/** Rows of text in columns padded to their widest cell, for the terminal commands ({@code diff}, {@code ls}). */
final class TextTable {

  private final List<String[]> rows = new ArrayList<>();
  private final String indent;

  TextTable(String indent, String... header) {
    this.indent = indent;
    rows.add(header);
  }

  /** A row; each cell is printed escaped ({@link PrintableText}), so a value read from a run stays in its cell. */
  TextTable row(String... cells) {
    String[] printable = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      printable[i] = PrintableText.of(cells[i]);
    }
    rows.add(printable);
    return this;
  }

  int size() {
    return rows.size() - 1;
  }

  void print(PrintWriter out) {
    int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    int[] width = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder(indent);
      for (int i = 0; i < r.length; i++) {
        line.append(r[i]);
        if (i < r.length - 1) {
          line.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
