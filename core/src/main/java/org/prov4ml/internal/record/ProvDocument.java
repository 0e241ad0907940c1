package org.prov4ml.internal.record;

import static org.prov4ml.internal.format.ProvVocabulary.ACTIVITY;
import static org.prov4ml.internal.format.ProvVocabulary.AGENT;
import static org.prov4ml.internal.format.ProvVocabulary.ALTERNATE1;
import static org.prov4ml.internal.format.ProvVocabulary.ALTERNATE2;
import static org.prov4ml.internal.format.ProvVocabulary.COLLECTION;
import static org.prov4ml.internal.format.ProvVocabulary.DELEGATE;
import static org.prov4ml.internal.format.ProvVocabulary.ENTITY;
import static org.prov4ml.internal.format.ProvVocabulary.GENERAL_ENTITY;
import static org.prov4ml.internal.format.ProvVocabulary.GENERATED_ENTITY;
import static org.prov4ml.internal.format.ProvVocabulary.INFLUENCEE;
import static org.prov4ml.internal.format.ProvVocabulary.INFLUENCER;
import static org.prov4ml.internal.format.ProvVocabulary.INFORMANT;
import static org.prov4ml.internal.format.ProvVocabulary.INFORMED;
import static org.prov4ml.internal.format.ProvVocabulary.RESPONSIBLE;
import static org.prov4ml.internal.format.ProvVocabulary.SPECIFIC_ENTITY;
import static org.prov4ml.internal.format.ProvVocabulary.TRIGGER;
import static org.prov4ml.internal.format.ProvVocabulary.USED_ENTITY;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An in-memory W3C PROV-JSON document, as yProv4ML writes it: records keyed by id in the default
 * namespace, every attribute a plain string, relations with anonymous ids {@code _:id<N>}.
 *
 * <p>The document is rewritten whole (the run directory replaces it atomically), yet most of it
 * never changes again once written: a model version, a param, a relation. So each record keeps its
 * JSON text from the last write, and a rewrite serializes only the records touched since; the rest
 * is a copy of bytes. The layout is Jackson's default pretty printer's, byte for byte, written here
 * so that a record's text does not depend on where in the document it lands.
 *
 * <p>Owned by the drainer thread; not thread-safe.
 */
final class ProvDocument {

  /** The PROV-JSON relation kinds used here, with the attribute names of their two ends. */
  enum Relation {
    WAS_GENERATED_BY("wasGeneratedBy", ENTITY, ACTIVITY),
    USED("used", ACTIVITY, ENTITY),
    WAS_INFORMED_BY("wasInformedBy", INFORMED, INFORMANT),
    WAS_ASSOCIATED_WITH("wasAssociatedWith", ACTIVITY, AGENT),
    WAS_DERIVED_FROM("wasDerivedFrom", GENERATED_ENTITY, USED_ENTITY),
    // The others PROV-JSON has, so that a document continued by a relaunch keeps whatever it holds.
    WAS_STARTED_BY("wasStartedBy", ACTIVITY, TRIGGER),
    WAS_ENDED_BY("wasEndedBy", ACTIVITY, TRIGGER),
    WAS_INVALIDATED_BY("wasInvalidatedBy", ENTITY, ACTIVITY),
    WAS_ATTRIBUTED_TO("wasAttributedTo", ENTITY, AGENT),
    ACTED_ON_BEHALF_OF("actedOnBehalfOf", DELEGATE, RESPONSIBLE),
    WAS_INFLUENCED_BY("wasInfluencedBy", INFLUENCEE, INFLUENCER),
    SPECIALIZATION_OF("specializationOf", SPECIFIC_ENTITY, GENERAL_ENTITY),
    ALTERNATE_OF("alternateOf", ALTERNATE1, ALTERNATE2),
    HAD_MEMBER("hadMember", COLLECTION, ENTITY);

    /** The relation PROV-JSON names {@code jsonName}, or null when it has none of that name. */
    static Relation named(String jsonName) {
      for (Relation r : values()) {
        if (r.jsonName.equals(jsonName)) {
          return r;
        }
      }
      return null;
    }

    final String jsonName;
    final String from;
    final String to;

    Relation(String jsonName, String from, String to) {
      this.jsonName = jsonName;
      this.from = from;
      this.to = to;
    }
  }

  private static final byte[] NEWLINE_LEVEL_1 = ascii("\n  ");
  private static final byte[] NEWLINE_LEVEL_2 = ascii("\n    ");
  private static final byte[] NEXT_LEVEL_1 = ascii(",\n  ");
  private static final byte[] NEXT_LEVEL_2 = ascii(",\n    ");
  private static final byte[] NEXT_LEVEL_3 = ascii(",\n      ");
  private static final byte[] NEWLINE_LEVEL_3 = ascii("\n      ");
  private static final byte[] FIELD_SEPARATOR = ascii(" : ");
  private static final byte[] EMPTY_OBJECT = ascii("{ }");

  private final Map<String, String> prefixes = new LinkedHashMap<>();
  private final Section agents = new Section("agent");
  private final Section activities = new Section("activity");
  private final Section entities = new Section("entity");
  private final Map<Relation, Section> relations = new LinkedHashMap<>();
  private int nextRelationId = 1;

  void prefix(String name, String uri) {
    prefixes.put(name, uri);
  }

  /**
   * The attributes of the agent {@code id}, created empty on first use. The caller may change them
   * until the next {@link #writeTo}; a later change needs another call, which marks the record as
   * changed. The same holds for {@link #activity} and {@link #entity}.
   */
  Map<String, String> agent(String id) {
    return agents.touch(id);
  }

  Map<String, String> activity(String id) {
    return activities.touch(id);
  }

  boolean hasActivity(String id) {
    return activities.records.containsKey(id);
  }

  Map<String, String> entity(String id) {
    return entities.touch(id);
  }

  boolean hasEntity(String id) {
    return entities.records.containsKey(id);
  }

  void relate(Relation relation, String from, String to) {
    Map<String, String> ends = relations.computeIfAbsent(relation, r -> new Section(r.jsonName))
        .touch("_:id" + nextRelationId++);
    ends.put(relation.from, from);
    ends.put(relation.to, to);
  }

  /** Writes the whole document; buffer {@code out}, it gets many small writes. */
  void writeTo(OutputStream out) throws IOException {
    out.write('{');
    out.write(NEWLINE_LEVEL_1);
    out.write(quoted("prefix"));
    out.write(FIELD_SEPARATOR);
    if (prefixes.isEmpty()) {
      out.write(EMPTY_OBJECT);
    } else {
      out.write('{');
      boolean first = true;
      for (var p : prefixes.entrySet()) {
        out.write(first ? NEWLINE_LEVEL_2 : NEXT_LEVEL_2);
        first = false;
        out.write(quoted(p.getKey()));
        out.write(FIELD_SEPARATOR);
        out.write(quoted(p.getValue()));
      }
      out.write(NEWLINE_LEVEL_1);
      out.write('}');
    }
    agents.writeTo(out);
    activities.writeTo(out);
    entities.writeTo(out);
    for (Section r : relations.values()) {
      r.writeTo(out);
    }
    out.write('\n');
    out.write('}');
  }

  /** One section's records, in order of creation, each with its JSON text once written. */
  private static final class Section {
    private final byte[] name;
    final Map<String, Entry> records = new LinkedHashMap<>();

    Section(String name) {
      this.name = quoted(name);
    }

    Map<String, String> touch(String id) {
      Entry e = records.computeIfAbsent(id, Entry::new);
      e.json = null;
      return e.attributes;
    }

    /** {@code ,\n  "<section>" : {\n    <record>,\n    <record>\n  }}, nothing when empty. */
    void writeTo(OutputStream out) throws IOException {
      if (records.isEmpty()) {
        return;
      }
      out.write(NEXT_LEVEL_1);
      out.write(name);
      out.write(FIELD_SEPARATOR);
      out.write('{');
      boolean first = true;
      for (Entry e : records.values()) {
        out.write(first ? NEWLINE_LEVEL_2 : NEXT_LEVEL_2);
        first = false;
        out.write(e.json());
      }
      out.write(NEWLINE_LEVEL_1);
      out.write('}');
    }
  }

  /** A record: its attributes and, once written and until changed, their JSON text. */
  private static final class Entry {
    final String id;
    final Map<String, String> attributes = new LinkedHashMap<>();
    byte[] json;

    Entry(String id) {
      this.id = id;
    }

    /** {@code "<id>" : {\n      "<name>" : "<value>",\n ...\n    }}. */
    byte[] json() {
      if (json == null) {
        ByteArrayOutputStream text = new ByteArrayOutputStream(64 + 48 * attributes.size());
        text.writeBytes(quoted(id));
        text.writeBytes(FIELD_SEPARATOR);
        if (attributes.isEmpty()) {
          text.writeBytes(EMPTY_OBJECT);
        } else {
          text.write('{');
          boolean first = true;
          for (var a : attributes.entrySet()) {
            text.writeBytes(first ? NEWLINE_LEVEL_3 : NEXT_LEVEL_3);
            first = false;
            text.writeBytes(quoted(a.getKey()));
            text.writeBytes(FIELD_SEPARATOR);
            text.writeBytes(quoted(a.getValue()));
          }
          text.writeBytes(NEWLINE_LEVEL_2);
          text.write('}');
        }
        json = text.toByteArray();
      }
      return json;
    }
  }

  private static final byte[] NULL = ascii("null");

  /** A JSON string literal in UTF-8, escaped as Jackson's generator escapes it; null as {@code null}. */
  private static byte[] quoted(String s) {
    if (s == null) {
      return NULL;
    }
    byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(s);
    byte[] literal = new byte[escaped.length + 2];
    literal[0] = '"';
    System.arraycopy(escaped, 0, literal, 1, escaped.length);
    literal[literal.length - 1] = '"';
    return literal;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
