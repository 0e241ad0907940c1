package org.prov4ml.internal.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.prov4ml.internal.record.ProvDocument.Relation;

/**
 * The document's text, kept per record between rewrites, against Jackson's pretty printer writing
 * the same content afresh: a record changed after a rewrite must never be written from stale text.
 */
class ProvDocumentTest {

  private static final List<String> TEXTS = List.of("plain", "", "with \"quotes\" and \\ backslash",
      "tab\tnew\nline\rreturn\u0001\u001f", "é ü 中文 😀", "</script><!--", "mlp-0001.params//TRAINING",
      "https://github.com/HPCI-Lab/yProv4ML", "2026-12-01T07:12:47.072481721Z", "\u007f\u0080\u2028");

  /** What the document should hold, in plain maps: the prefixes, then sections in order of first use. */
  private final Map<String, String> prefixes = new LinkedHashMap<>();
  private final Map<String, Map<String, Map<String, String>>> sections = new LinkedHashMap<>();

  private Map<String, Map<String, String>> section(String name) {
    return sections.computeIfAbsent(name, n -> new LinkedHashMap<>());
  }

  /**
   * The same records written by Jackson's pretty printer (with a "\n" line feed on every system),
   * as the document was written before it kept each record's text: prefix, agent, activity, entity,
   * then the relations in order of first use; a section without records is left out.
   */
  private String jackson() throws Exception {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("prefix", prefixes);
    for (String name : List.of("agent", "activity", "entity")) {
      if (sections.containsKey(name)) {
        document.put(name, sections.get(name));
      }
    }
    sections.forEach(document::putIfAbsent);
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
    return new ObjectMapper().writer(printer).writeValueAsString(document);
  }

  private static String written(ProvDocument doc) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    doc.writeTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everyRewriteIsWhatJacksonWritesOfTheSameRecords() throws Exception {
    Random random = new Random(7);
    ProvDocument doc = new ProvDocument();
    for (String p : List.of("yprov", "prov\"ml")) {
      doc.prefix(p, "uri:" + p);
      prefixes.put(p, "uri:" + p);
    }
    doc.agent("root").put("prov:type", "prov:Person");
    section("agent").computeIfAbsent("root", k -> new LinkedHashMap<>()).put("prov:type", "prov:Person");
    List<String> activityIds = new ArrayList<>();
    List<String> entityIds = new ArrayList<>();
    int relationId = 1;
    for (int round = 0; round < 40; round++) {
      for (int op = 0; op < 25; op++) {
        String text = TEXTS.get(random.nextInt(TEXTS.size()));
        switch (random.nextInt(5)) {
          case 0 -> { // a new entity, or more attributes of a known one (a param logged again, a metric's progress)
            String id = random.nextInt(3) == 0 && !entityIds.isEmpty() ? entityIds.get(random.nextInt(entityIds.size()))
                : "e" + entityIds.size() + text;
            if (!entityIds.contains(id)) {
              entityIds.add(id);
            }
            String name = "yprov:" + random.nextInt(6);
            doc.entity(id).put(name, text);
            section("entity").computeIfAbsent(id, k -> new LinkedHashMap<>()).put(name, text);
          }
          case 1 -> { // an entity that exists but gets no attribute in this call
            String id = "bare" + random.nextInt(4);
            doc.entity(id);
            section("entity").computeIfAbsent(id, k -> new LinkedHashMap<>());
            if (!entityIds.contains(id)) {
              entityIds.add(id);
            }
          }
          case 2 -> { // an activity, or a run attribute set later (status, MLflow ids)
            String id = random.nextBoolean() && !activityIds.isEmpty() ? activityIds.get(0) : "ctx" + text;
            if (!activityIds.contains(id)) {
              activityIds.add(id);
            }
            doc.activity(id).put("prov:startedAtTime", text);
            section("activity").computeIfAbsent(id, k -> new LinkedHashMap<>()).put("prov:startedAtTime", text);
          }
          default -> {
            Relation r = Relation.values()[random.nextInt(Relation.values().length)];
            doc.relate(r, text, "to" + op);
            Map<String, String> ends = new LinkedHashMap<>();
            ends.put(r.from, text);
            ends.put(r.to, "to" + op);
            section(r.jsonName).put("_:id" + relationId++, ends);
          }
        }
      }
      if (random.nextInt(4) == 0) {
        doc.entity("nullable").put("yprov:value", null);
        section("entity").computeIfAbsent("nullable", k -> new LinkedHashMap<>()).put("yprov:value", null);
      }
      assertEquals(jackson(), written(doc), "after round " + round);
    }
  }

  @Test
  void recordsWithoutAttributesAndRelationsUsedBeforeAnyEntity() throws Exception {
    ProvDocument doc = new ProvDocument();
    doc.prefix("p", "u");
    prefixes.put("p", "u");
    doc.relate(Relation.WAS_DERIVED_FROM, "a", "b");
    Map<String, String> ends = new LinkedHashMap<>();
    ends.put("prov:generatedEntity", "a");
    ends.put("prov:usedEntity", "b");
    section("wasDerivedFrom").put("_:id1", ends);
    doc.entity("a");
    section("entity").put("a", new LinkedHashMap<>());
    assertEquals(jackson(), written(doc));
  }
}
