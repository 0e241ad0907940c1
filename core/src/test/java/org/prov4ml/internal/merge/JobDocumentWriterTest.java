package org.prov4ml.internal.merge;

import org.prov4ml.internal.config.Prov4mlConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.RunStatus;
import org.prov4ml.internal.run.RecordedRun;
import org.prov4ml.testing.PythonEnv;
import org.prov4ml.internal.format.RunLayout;

class JobDocumentWriterTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path out;

  /** Starts rank {@code rank} of the job {@code job}, logs a shared and an own param and three points. */
  private Run rank(String job, int rank, int worldSize) {
    Run run = Prov4ml.startRun(RunOptions.builder().experimentName("merge").outputDir(out).runId(job).rank(rank)
        .worldSize(worldSize).build());
    run.logParam("lr", 0.01);
    run.logParam("shard", rank);
    for (int i = 0; i < 3; i++) {
      run.logMetric("loss", rank + 1.0 / (i + 1), Context.TRAINING);
    }
    return run;
  }

  @Test
  void ranksShareOneDirectoryAndRankZeroMergesAtItsEnd() throws Exception {
    for (int r = 1; r < 3; r++) {
      rank("job-7", r, 3).close();
    }
    Run zero = rank("job-7", 0, 3);
    zero.close();

    Path runDir = out.resolve("merge_job-7");
    assertEquals(List.of(runDir), listDirs(out));
    for (int r = 0; r < 3; r++) {
      assertTrue(Files.exists(runDir.resolve("prov_merge_GR" + r + "_job-7.json")));
      assertTrue(Files.exists(runDir.resolve("metrics_GR" + r + "/loss_TRAINING_None_GR" + r + ".csv")));
    }
    JsonNode job = JSON.readTree(runDir.resolve("prov_merge_job-7.json").toFile());
    JsonNode activity = job.path("activity").path("merge_job-7");
    assertEquals("FINISHED", activity.path("yprov:status").asText());
    assertEquals("3", activity.path("yprov:world_size").asText());
    assertEquals("0,1,2", activity.path("yprov:ranks").asText());
    assertEquals(List.of("job:GR0", "job:GR1", "job:GR2"), fieldNames(job.path("bundle")));
    assertEquals("1", job.path("bundle").path("job:GR1").path("activity").path("merge_GR1_job-7")
        .path("yprov:global_rank").asText());
    assertEquals("0.01", job.path("entity").path("lr//merge_job-7").path("prov:value").asText(),
        "a param every rank has alike is the job's");
    assertTrue(job.path("entity").path("shard//merge_job-7").isMissingNode(), "a param that differs is not");

    String script = String.join("\n",
        "import json, sys",
        "from prov.model import ProvDocument, ProvBundle",
        "text = open(sys.argv[1]).read()",
        "doc = ProvDocument.deserialize(content=text, format='json')",
        "again = ProvDocument.deserialize(content=doc.serialize(format='json'), format='json')",
        "assert doc == again, 'round trip changed the document'",
        "bundles = sorted(b.identifier.localpart for b in doc.bundles)",
        "informed = sorted(r.get_attribute('prov:informed').pop().uri for r in doc.get_records()",
        "                  if r.get_type().localpart == 'Communication')",
        "entities = {r.identifier.uri for r in doc.get_records() if r.get_type().localpart == 'Entity'}",
        "described = all(b.identifier.uri in entities for b in doc.bundles)",
        "print(json.dumps({'bundles': bundles, 'informed': informed, 'described': described,",
        "  'records': [len(list(b.get_records())) for b in sorted(doc.bundles, key=lambda b: str(b.identifier))]}))");
    JsonNode read = JSON.readTree(PythonEnv.runScript(script, 120, runDir.resolve("prov_merge_job-7.json").toString())
        .requireSuccess("prov").stdout());
    assertEquals("[\"GR0\",\"GR1\",\"GR2\"]", read.get("bundles").toString());
    assertEquals(3, read.get("informed").size());
    assertTrue(read.get("described").asBoolean(), "each bundle is the top level's entity GR<rank>");
    assertTrue(read.get("informed").get(1).asText().endsWith("/merge_GR1_job-7/merge_GR1_job-7"),
        read.get("informed").toString());
    for (JsonNode records : read.get("records")) {
      assertTrue(records.asInt() > 5, "each bundle holds its rank's records: " + read.get("records"));
    }
  }

  @Test
  void aRankThatHasNotEndedIsNamedAndTheJobIsIncomplete() throws Exception {
    // Rank 1 stays open while rank 2 ends; the recorder is not the API's one active run.
    RecordedRun one = RecordedRun.start(RunOptions.builder().experimentName("merge").outputDir(out).runId("job-8")
        .rank(1).worldSize(3).build(), Prov4mlConfig.current(), false);
    one.flush();
    rank("job-8", 2, 3).close();
    RunLayout zero = RunLayout.claim(out, "merge", "job-8", 0);
    AtomicReference<Object> told = new AtomicReference<>();
    JobDocumentWriter.Result r = JobDocumentWriter.awaitRanksAndWrite(zero, 3, Duration.ofMillis(300), told::set);
    assertFalse(r.complete());
    assertEquals("rank 0 (no document), rank 1 (not ended)", r.describeMissing());
    assertEquals("{0=no document, 1=not ended}", told.get().toString(), "the wait was announced");
    assertEquals("INCOMPLETE", r.status());
    JsonNode job = JSON.readTree(r.file().toFile());
    assertEquals("0,1", job.path("activity").path("merge_job-8").path("yprov:missing_ranks").asText());
    assertEquals(List.of("job:GR1", "job:GR2"), fieldNames(job.path("bundle")), "what there is, is merged");
    one.end(RunStatus.FINISHED);

    JobDocumentWriter.Result again = JobDocumentWriter.write(out.resolve("merge_job-8"));
    assertEquals(Map.of(0, "no document"), again.missing(), "merging again finds rank 1 final");
  }

  @Test
  void theSameRunIdAgainGoesOnInTheNextDirectory() throws Exception {
    rank("job-9", 0, 1).close();
    Run second = rank("job-9", 0, 1);
    second.close();
    assertEquals("job-9-2", second.runId());
    assertEquals(out.resolve("merge_job-9-2"), second.runDirectory());
    assertEquals(2, listDirs(out).size());
  }

  @Test
  void aDirectoryWithoutDocumentsCannotBeMerged() throws Exception {
    Path empty = Files.createDirectories(out.resolve("merge_x"));
    IOException e = assertThrows(IOException.class, () -> JobDocumentWriter.write(empty));
    assertTrue(e.getMessage().contains("no prov_<experiment>_GR<rank>_<runId>.json"), e.getMessage());
  }

  @Test
  void statusOfTheJobIsTheWorstOfItsRanks() {
    assertEquals("FINISHED", JobDocumentWriter.jobStatus(List.of("FINISHED", "FINISHED"), Map.of()));
    assertEquals("FAILED", JobDocumentWriter.jobStatus(List.of("FINISHED", "FAILED", "KILLED"), Map.of()));
    assertEquals("KILLED", JobDocumentWriter.jobStatus(List.of("KILLED", "FINISHED"), Map.of()));
    assertEquals("INCOMPLETE", JobDocumentWriter.jobStatus(List.of("FAILED", "INCOMPLETE"), Map.of()));
    assertEquals("INCOMPLETE", JobDocumentWriter.jobStatus(List.of("FINISHED"), Map.of(1, "no document")));
  }

  private static List<Path> listDirs(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith(".")) // the run index
          .sorted().toList();
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
