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
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunActivity;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.ForkedJvm;
import org.prov4ml.testing.MlflowRest;
import org.prov4ml.testing.MlflowServer;
import org.prov4ml.testing.ProgramOfOneRank;
import org.prov4ml.testing.PythonEnv;
import org.prov4ml.testing.ReadBack;

/**
 * Processes started at once by a launcher, each knowing only its environment: with a run identity
 * the ranks of a job meet in one run directory, rank 0 merges their documents, and MLflow has one
 * parent run for the job with a child per rank; without one, every process gets a run of its own,
 * however many start together.
 */
class MultiProcessRunTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int POINTS = 500;

  @TempDir Path out;

  private static MlflowServer server;

  @BeforeAll
  static void startMlflow() throws Exception {
    server = MlflowServer.start();
  }

  @AfterAll
  static void stopMlflow() throws Exception {
    server.close();
  }

  /** A rank's environment with MLflow: the job's runs go to their own MLflow experiment. */
  private static Map<String, String> withMlflow(String experiment, Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put("MLFLOW_TRACKING_URI", server.uri());
    all.put("MLFLOW_EXPERIMENT_NAME", experiment);
    return all;
  }

  @Test
  void fourLocalRanksWithARunIdRecordOneRunAndOneJobDocument() throws Exception {
    startAll(4, rank -> withMlflow("local-ranks", Map.of("RANK", "" + rank, "WORLD_SIZE", "4", "LOCAL_RANK",
        "" + rank, "PROV4ML_RUN_ID", "job-42")));

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
    assertParentWithChildren("local-ranks", "ranks_job-42", 4);
  }

  @Test
  void aRequeuedJobOfTwoRanksContinuesEachRanksFilesAndMergesEveryAttempt() throws Exception {
    IntFunction<Map<String, String>> rankEnv = rank -> Map.of("RANK", "" + rank, "WORLD_SIZE", "2",
        "PROV4ML_RUN_ID", "job-77");
    startAll(2, rankEnv);
    startAll(2, rank -> {
      Map<String, String> requeued = new HashMap<>(rankEnv.apply(rank));
      requeued.put("SLURM_RESTART_COUNT", "1");
      return requeued;
    });

    Path runDir = out.resolve("ranks_job-77");
    assertEquals(List.of(runDir), runDirectories());
    RunDirectory dir = RunDirectory.open(runDir);
    for (RankRecord rank : dir.ranks()) {
      assertEquals("2", rank.run().attributes().get("yprov:attempts"));
      List<MetricPoint> points = ReadBack.points(rank.metric("loss", Context.TRAINING).orElseThrow());
      assertEquals(2 * POINTS, points.size());
      for (int i = 0; i < points.size(); i++) {
        assertEquals(i, points.get(i).step(), "rank " + rank.rank() + " continues its own steps");
        assertEquals(rank.rank() * 1_000_000 + i % POINTS, points.get(i).value());
      }
    }
    JsonNode job = JSON.readTree(runDir.resolve("prov_ranks_job-77.json").toFile());
    assertEquals("FINISHED", job.path("activity").path("ranks_job-77").path("yprov:status").asText());
    for (JsonNode bundle : job.path("bundle")) {
      assertTrue(bundle.path("activity").has("attempt1//ranks_GR" + (bundle.path("activity").has(
          "attempt1//ranks_GR0_job-77") ? "0" : "1") + "_job-77"), bundle.path("activity").toString());
      assertTrue(bundle.path("activity").toString().contains("attempt2//"), "the merge covers every attempt");
    }
  }

  @Test
  void twoSlurmTasksRecordOneRunNamedAfterTheJobStep() throws Exception {
    startAll(2, rank -> withMlflow("slurm-ranks", Map.of("SLURM_JOB_ID", "4242", "SLURM_STEP_ID", "0",
        "SLURM_PROCID", "" + rank, "SLURM_NTASKS", "2", "SLURM_LOCALID", "0", "SLURM_NODEID", "" + rank,
        "SLURMD_NODENAME", "node" + rank)));

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
    assertParentWithChildren("slurm-ranks", "ranks_4242.0", 2);
  }

  /**
   * MLflow has one run for the job, however the ranks raced to create it: FINISHED, with the params
   * all ranks share and the job's document; and one child per rank, nested under it, with its own points.
   */
  private static void assertParentWithChildren(String experiment, String job, int ranks) throws Exception {
    MlflowRest rest = server.rest();
    Map<String, String> runs = rest.runsOf(experiment);
    Set<String> names = new TreeSet<>(List.of(job));
    for (int rank = 0; rank < ranks; rank++) {
      names.add(job + "_GR" + rank);
    }
    assertEquals(names, runs.keySet(), "one parent and a child per rank, no duplicate parent left");
    String parent = runs.get(job);
    assertEquals("FINISHED", rest.run(parent).path("info").path("status").asText());
    assertEquals(job, rest.tags(parent).get("prov4ml.job"));
    assertEquals(Map.of("lr", "0.1"), rest.params(parent), "the shared param, not each rank's seed");
    assertTrue(rest.artifacts(parent).containsKey("prov4ml/prov_" + job + ".json"), rest.artifacts(parent).toString());
    for (int rank = 0; rank < ranks; rank++) {
      String child = runs.get(job + "_GR" + rank);
      assertEquals(parent, rest.tags(child).get("mlflow.parentRunId"), "rank " + rank);
      assertEquals("FINISHED", rest.run(child).path("info").path("status").asText());
      assertEquals("" + (1000 + rank), rest.params(child).get("seed"));
      List<MlflowRest.Point> points = rest.history(child, "training/loss");
      assertEquals(POINTS, points.size(), "rank " + rank);
      for (MlflowRest.Point p : points) {
        assertEquals(rank * 1_000_000.0 + p.step(), p.value(), "rank " + rank + "'s own points");
      }
    }
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
      return dirs.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith(".")) // the run index
          .sorted().toList();
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
