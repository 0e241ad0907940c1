package org.prov4ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.testing.ForkedJvm;
import org.prov4ml.testing.ProgramOfOneRank;
import org.prov4ml.testing.PythonEnv;
import org.prov4ml.testing.RunDirectoryReader;

/**
 * Processes started at once by a launcher, each knowing only its environment: with a run identity
 * the ranks of a job meet in one run directory and rank 0 merges their documents; without one,
 * every process gets a run of its own, however many start together.
 */
class MultiProcessRunTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int POINTS = 500;

  @TempDir Path out;

  @Test
  void fourLocalRanksWithARunIdRecordOneRunAndOneJobDocument() throws Exception {
    startAll(4, rank -> Map.of("RANK", "" + rank, "WORLD_SIZE", "4", "LOCAL_RANK", "" + rank,
        "PROV4ML_RUN_ID", "job-42"));

    Path runDir = out.resolve("ranks_job-42");
    assertEquals(List.of(runDir), runDirectories());
    for (int rank = 0; rank < 4; rank++) {
      Map<String, String> run = rankActivity(runDir, "ranks_GR" + rank + "_job-42");
      assertEquals("FINISHED", run.get("yprov:status"));
      assertEquals("" + rank, run.get("yprov:global_rank"));
      assertEquals("4", run.get("yprov:world_size"));
      assertEquals("" + rank, run.get("yprov:local_rank"));
      assertEquals(run.get("yprov:host"), run.get("yprov:node"));
      assertOwnPoints(runDir, rank);
    }
    JsonNode job = JSON.readTree(runDir.resolve("prov_ranks_job-42.json").toFile());
    JsonNode activity = job.path("activity").path("ranks_job-42");
    assertEquals("FINISHED", activity.path("yprov:status").asText());
    assertEquals("0,1,2,3", activity.path("yprov:ranks").asText());
    assertEquals(4, job.path("bundle").size());
    assertEquals("0.1", job.path("entity").path("lr//ranks_job-42").path("prov:value").asText());

    String script = String.join("\n",
        "import json, sys",
        "from prov.model import ProvDocument",
        "doc = ProvDocument.deserialize(content=open(sys.argv[1]).read(), format='json')",
        "assert doc == ProvDocument.deserialize(content=doc.serialize(format='json'), format='json')",
        "print(len(doc.bundles))");
    assertEquals("4", PythonEnv.runScript(script, 120, runDir.resolve("prov_ranks_job-42.json").toString())
        .requireSuccess("prov").stdout().trim());
  }

  @Test
  void twoSlurmTasksRecordOneRunNamedAfterTheJobStep() throws Exception {
    startAll(2, rank -> Map.of("SLURM_JOB_ID", "4242", "SLURM_STEP_ID", "0", "SLURM_PROCID", "" + rank,
        "SLURM_NTASKS", "2", "SLURM_LOCALID", "0", "SLURM_NODEID", "" + rank, "SLURMD_NODENAME", "node" + rank));

    Path runDir = out.resolve("ranks_4242.0");
    assertEquals(List.of(runDir), runDirectories());
    for (int rank = 0; rank < 2; rank++) {
      Map<String, String> run = rankActivity(runDir, "ranks_GR" + rank + "_4242.0");
      assertEquals("2", run.get("yprov:world_size"));
      assertEquals("0", run.get("yprov:local_rank"));
      assertEquals("node" + rank, run.get("yprov:node"));
      assertEquals("" + rank, run.get("yprov:node_rank"));
      assertOwnPoints(runDir, rank);
    }
    JsonNode job = JSON.readTree(runDir.resolve("prov_ranks_4242.0.json").toFile());
    assertEquals("FINISHED", job.path("activity").path("ranks_4242.0").path("yprov:status").asText());
    assertEquals(2, job.path("bundle").size());
  }

  @Test
  void sixteenProcessesWithoutARunIdentityGetSixteenRuns() throws Exception {
    startAll(16, rank -> Map.of());

    List<Path> dirs = runDirectories();
    assertEquals(16, dirs.size(), dirs.toString());
    Set<String> ids = new TreeSet<>();
    for (Path dir : dirs) {
      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("prov_")).count(), dir.toString());
      }
      RunDirectoryReader reader = RunDirectoryReader.open(dir);
      assertEquals("FINISHED", reader.status());
      assertEquals("1", reader.runActivity().get("yprov:world_size"));
      assertEquals(POINTS, reader.metric("loss", "TRAINING").size());
      ids.add(reader.runActivity().get("yprov:run_id"));
    }
    assertEquals(16, ids.size(), "every run has its own number: " + ids);
  }

  /** Starts {@code n} programs at once, each with its environment, and waits for all of them. */
  private void startAll(int n, IntFunction<Map<String, String>> env) throws Exception {
    List<ForkedJvm.Started> started = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, String> variables = new HashMap<>(env.apply(i));
      started.add(ForkedJvm.start(ProgramOfOneRank.class, List.of("-Xmx64m", "-XX:TieredStopAtLevel=1"), variables,
          out.toString(), Integer.toString(POINTS)));
    }
    for (ForkedJvm.Started s : started) {
      s.await(180).requireSuccess("a rank");
    }
  }

  private List<Path> runDirectories() throws IOException {
    try (Stream<Path> dirs = Files.list(out)) {
      return dirs.filter(Files::isDirectory).sorted().toList();
    }
  }

  private static Map<String, String> rankActivity(Path runDir, String activityId) throws IOException {
    JsonNode doc = JSON.readTree(runDir.resolve("prov_" + activityId + ".json").toFile());
    JsonNode activity = doc.path("activity").path(activityId);
    assertTrue(activity.isObject(), "no run activity " + activityId);
    Map<String, String> attributes = new HashMap<>();
    activity.fields().forEachRemaining(f -> attributes.put(f.getKey(), f.getValue().asText()));
    return attributes;
  }

  /** The rank's metric file holds its own points, every one once. */
  private static void assertOwnPoints(Path runDir, int rank) {
    List<RunDirectoryReader.Point> points = RunDirectoryReader.readPoints(
        runDir.resolve("metrics_GR" + rank).resolve("loss_TRAINING_None_GR" + rank + ".csv"));
    assertEquals(POINTS, points.size());
    for (int i = 0; i < POINTS; i++) {
      assertEquals(rank * 1_000_000.0 + i, points.get(i).value());
    }
  }
}
