package org.prov4ml.internal.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTML page with named slots, read from a resource: {@code {{name}}} is filled with text, HTML-escaped;
 * {@code {{{name}}}} with content written as it is (an inlined script, a stylesheet, a JSON data island), which
 * its {@link Slot} must make safe for where it stands. Everything a page shows is built in the page, by its
 * script, from its data island, so Java never assembles markup; filling a slot streams, so a report's data is
 * never held whole in memory.
 */
final class HtmlTemplate {

  /** Writes one slot's content. */
  @FunctionalInterface
  interface Slot {
    void write(Writer out) throws IOException;
  }

  private static final Pattern SLOT = Pattern.compile("\\{\\{(\\{)?([a-z][a-z0-9.-]*)}}(})?");

  private final String name;
  /** Alternating: literal text, slot, literal text, ...; a slot is {@code "=" + name} (text) or {@code "!" + name} (raw). */
  private final List<String> parts = new ArrayList<>();

  private HtmlTemplate(String name, String text) {
    this.name = name;
    Matcher m = SLOT.matcher(text);
    int at = 0;
    while (m.find()) {
      if ((m.group(1) == null) != (m.group(3) == null)) {
        throw new IllegalStateException(name + ": unbalanced braces in " + m.group());
      }
      parts.add(text.substring(at, m.start()));
      parts.add((m.group(1) == null ? "=" : "!") + m.group(2));
      at = m.end();
    }
    parts.add(text.substring(at));
  }

  /** The template in the resource {@code name}, next to this class. */
  static HtmlTemplate resource(String name) {
    return new HtmlTemplate(name, ReportResources.text(name));
  }

  /** Writes the page, each slot from {@code slots}; a slot the template names but {@code slots} lacks is an error. */
  void render(Writer out, Map<String, Slot> slots) throws IOException {
    for (int i = 0; i < parts.size(); i++) {
      String part = parts.get(i);
      if (i % 2 == 0) {
        out.write(part);
        continue;
      }
      Slot slot = slots.get(part.substring(1));
      if (slot == null) {
        throw new IllegalArgumentException(name + " has the slot '" + part.substring(1) + "', which was not given");
      }
      if (part.charAt(0) == '!') {
        slot.write(out);
      } else {
        java.io.StringWriter text = new java.io.StringWriter();
        slot.write(text);
        out.write(escape(text.toString()));
      }
    }
  }

  /** A slot of text (escaped by {@link #render}, for {@code {{name}}}). */
  static Slot text(String value) {
    return out -> out.write(value);
  }

  static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** Resources of the report package: the templates, the page's script and style, the libraries. */
  static final class ReportResources {
    private ReportResources() {}

    static String text(String name) {
      try (InputStream in = HtmlTemplate.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException("resource " + name + " is missing from prov4ml's jar");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * A script or stylesheet to inline in a {@code <script>} or {@code <style>} element: it must not hold the
     * element's end tag, which would end the element early (checked, not escaped: these are our own files).
     */
    static Slot inline(String name, String element) {
      String text = text(name);
      if (text.toLowerCase(java.util.Locale.ROOT).contains("</" + element)) {
        throw new IllegalStateException(name + " holds </" + element + " and cannot be inlined");
      }
      return out -> out.write(text);
    }
  }
}
