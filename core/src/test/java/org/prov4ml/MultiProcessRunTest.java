package org.prov4ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunActivity;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.RunStatus;
import org.prov4ml.testing.ForkedJvm;
import org.prov4ml.testing.ProgramOfOneRank;
import org.prov4ml.testing.PythonEnv;
import org.prov4ml.testing.ReadBack;

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
    RunDirectory dir = RunDirectory.open(runDir);
    assertEquals(List.of(0, 1, 2, 3), dir.ranks().stream().map(RankRecord::rank).toList());
    for (RankRecord rank : dir.ranks()) {
      RunActivity run = rank.run();
      assertEquals(Optional.of(RunStatus.FINISHED), run.status());
      assertEquals("job-42", run.runId());
      assertEquals(4, run.worldSize());
      assertEquals(Optional.of("" + rank.rank()), run.attribute("yprov:local_rank"));
      assertEquals(run.attribute("yprov:host"), run.attribute("yprov:node"));
      assertOwnPoints(rank);
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
    RunDirectory dir = RunDirectory.open(runDir);
    assertEquals(2, dir.ranks().size());
    for (RankRecord rank : dir.ranks()) {
      RunActivity run = rank.run();
      assertEquals("4242.0", run.runId());
      assertEquals(2, run.worldSize());
      assertEquals(Optional.of("0"), run.attribute("yprov:local_rank"));
      assertEquals(Optional.of("node" + rank.rank()), run.attribute("yprov:node"));
      assertEquals(Optional.of("" + rank.rank()), run.attribute("yprov:node_rank"));
      assertOwnPoints(rank);
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
    for (Path path : dirs) {
      RunDirectory dir = RunDirectory.open(path);
      assertEquals(1, dir.ranks().size(), path.toString());
      assertEquals(Optional.of(RunStatus.FINISHED), dir.run().status());
      assertEquals(1, dir.run().worldSize());
      assertEquals(POINTS, ReadBack.points(dir, "loss", Context.TRAINING).size());
      ids.add(dir.run().runId());
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

  /** The rank's metric file holds its own points, every one once. */
  private static void assertOwnPoints(RankRecord rank) {
    MetricSeries loss = rank.metric("loss", Context.TRAINING).orElseThrow();
    assertEquals("metrics_GR" + rank.rank(), loss.file().getParent().getFileName().toString());
    List<MetricPoint> points = ReadBack.points(loss);
    assertEquals(POINTS, points.size());
    for (int i = 0; i < POINTS; i++) {
      assertEquals(rank.rank() * 1_000_000.0 + i, points.get(i).value());
    }
  }
}
