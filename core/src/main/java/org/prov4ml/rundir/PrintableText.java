package org.prov4ml.rundir;

/**
 * A value read from a run directory, made fit to print on one line. A run directory is untrusted input, and a
 * value in it may hold a line break (U+000A, U+2028, ...), a NUL, an escape sequence for the terminal or a
 * bidirectional override: printed raw, it could forge a line of a command's output or of a log, or hide text.
 * Each such character is printed escaped instead ({@code \n}, {@code \r}, {@code \t}, else {@code \}{@code uXXXX}),
 * so the value stays readable and unambiguous; every other character, backslash included, is printed as it is.
 */
public final class PrintableText {

  private PrintableText() {}

  /**
   * Text fit to print on one line.
   *
   * @param text anything, printed by {@link String#valueOf(Object)}
   * @return its text with every control, line or paragraph separator and bidirectional control escaped
   */
  public static String of(Object text) {
    String s = String.valueOf(text);
    int i = 0;
    while (i < s.length() && !escaped(s.charAt(i))) {
      i++;
    }
    if (i == s.length()) {
      return s; // the usual case: nothing to escape, nothing allocated
    }
    StringBuilder out = new StringBuilder(s.length() + 8).append(s, 0, i);
    for (; i < s.length(); i++) {
      append(out, s.charAt(i));
    }
    return out.toString();
  }

  /**
   * Appends {@code c} to {@code out}, escaped when it must be.
   *
   * @param out where to append
   * @param c the character
   */
  public static void append(StringBuilder out, char c) {
    if (!escaped(c)) {
      out.append(c);
      return;
    }
    switch (c) {
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      default -> out.append(String.format("\\u%04x", (int) c));
    }
  }

  /**
   * Whether a character is printed escaped.
   *
   * @param c the character
   * @return whether {@link #of} escapes it
   */
  public static boolean escaped(char c) {
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      return true; // C0 and C1 controls, DEL: NUL, line ends, the terminal's escape sequences
    }
    return c == '\u2028' || c == '\u2029' // line and paragraph separators
        || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') // bidirectional controls
        || c == '\u200e' || c == '\u200f' || c == '\u061c';
  }
}
