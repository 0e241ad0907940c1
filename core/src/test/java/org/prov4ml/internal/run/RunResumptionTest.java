package org.prov4ml.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.RunStatus;
import org.prov4ml.internal.cli.Prov4mlCli;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.ModelVersion;
import org.prov4ml.rundir.ProvRelation;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.ForkedJvm;
import org.prov4ml.testing.ProgramKilledMidRun;
import org.prov4ml.testing.ProgramOfOneRank;
import org.prov4ml.testing.PythonEnv;

/**
 * A relaunched job continues its run: the same directory and files, one attempt activity per launch, the
 * counters prov4ml owns going on from where the record ends, and never a run a live process still writes.
 */
class RunResumptionTest {

  @TempDir Path out;

  private Run start(String runId, RunOptions.Resume resume) {
    return start(runId, resume, 1);
  }

  private Run start(String runId, RunOptions.Resume resume, int worldSize) {
    return Prov4ml.startRun(RunOptions.builder().experimentName("resume").outputDir(out).runId(runId)
        .worldSize(worldSize).resume(resume).build());
  }

  private static Model mlp() {
    Model model = Model.newInstance("mlp");
    model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(4).build()).add(Activation::relu)
        .add(Linear.builder().setUnits(2).build()));
    model.getBlock().initialize(model.getNDManager(), model.getDataType(), new Shape(1, 6));
    return model;
  }

  @Test
  void aFailedRunRelaunchedExplicitlyGoesOnInItsDirectoryAsASecondAttempt() throws Exception {
    Path runDir;
    try (Model model = mlp()) {
      Run first = start("job-1", RunOptions.Resume.AUTO);
      runDir = first.runDirectory();
      first.logParam("lr", 0.1);
      first.logParam("batch", 32);
      for (int i = 0; i < 5; i++) {
        first.logMetric("loss", i, Context.TRAINING);
      }
      first.logMetric("acc", 0.5, Context.VALIDATION, 4);
      first.saveModelVersion(model, "mlp", Context.TRAINING);
      first.saveModelVersion(model, "mlp", Context.TRAINING, 4);
      first.end(RunStatus.FAILED);

      Run second = start("job-1", RunOptions.Resume.ALWAYS);
      assertEquals(runDir, second.runDirectory());
      assertEquals("job-1", second.runId());
      second.logParam("lr", 0.1); // the same value: nothing new
      second.logParam("batch", 64); // changed: recorded for this attempt, never an exception
      for (int i = 0; i < 3; i++) {
        second.logMetric("loss", 10 + i, Context.TRAINING);
      }
      second.logMetric("acc", 0.6, Context.VALIDATION, 4); // the app's step, kept as passed
      second.saveModelVersion(model, "mlp", Context.TRAINING); // the chain goes on: version 2
      second.saveModelVersion(model, "mlp", Context.TRAINING, 4); // epoch 4 again: a file of its own
      second.end(RunStatus.FINISHED);
    }

    try (Stream<Path> dirs = Files.list(out)) {
      assertEquals(List.of(runDir), dirs.filter(Files::isDirectory) // not the run index folder
          .filter(d -> !d.getFileName().toString().startsWith(".")).toList());
    }
    RunDirectory dir = RunDirectory.open(runDir);
    RankRecord rank = dir.primary();
    assertEquals(RunStatus.FINISHED, dir.run().status().orElseThrow());
    assertEquals("0.1", dir.params().get("lr"));
    assertEquals("32", dir.params().get("batch"));
    assertEquals("64", dir.params().get("attempt2.batch"));
    try (Stream<MetricPoint> points = dir.metric("loss", Context.TRAINING).orElseThrow().points()) {
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), points.map(MetricPoint::step).toList());
    }
    try (Stream<MetricPoint> points = dir.metric("acc", Context.VALIDATION).orElseThrow().points()) {
      assertEquals(List.of(4L, 4L), points.map(MetricPoint::step).toList());
    }
    List<ModelVersion> versions = dir.modelVersions();
    assertEquals(List.of(0L, 4L, 2L, 4L), versions.stream().map(ModelVersion::step).toList());
    assertEquals(4, versions.stream().map(ModelVersion::file).distinct().count(), versions.toString());
    assertEquals(4, versions.stream().map(ModelVersion::id).distinct().count());
    assertEquals(versions.get(1).id(), versions.get(2).previous().orElseThrow().id(),
        "the chain goes on from the first attempt's last version");

    Map<String, Map<String, String>> activities = rank.activities();
    String runActivity = rank.run().id();
    Map<String, String> attempt1 = activities.get("attempt1//" + runActivity);
    Map<String, String> attempt2 = activities.get("attempt2//" + runActivity);
    assertEquals("FAILED", attempt1.get("yprov:status"));
    assertEquals("FINISHED", attempt2.get("yprov:status"));
    assertEquals("provml:RunAttempt", attempt2.get("prov:type"));
    assertEquals(Long.toString(ProcessHandle.current().pid()), attempt2.get("yprov:pid"));
    assertTrue(attempt2.containsKey("yprov:command_line") && attempt2.containsKey("prov:endedAtTime")
        && attempt2.containsKey("yprov:host"), attempt2.toString());
    assertEquals("2", rank.run().attributes().get("yprov:attempts"));
    assertTrue(rank.relations().contains(new ProvRelation("wasInformedBy", "attempt2//" + runActivity,
        "attempt1//" + runActivity)), rank.relations().toString());
    assertEquals(attempt1.get("prov:startedAtTime"), rank.run().attributes().get("prov:startedAtTime"));

    // Every digest either attempt recorded still holds, and the W3C package reads the document.
    assertEquals(0, Prov4mlCli.run(new String[] {"verify", runDir.toString()}, System.out, System.err));
    String script = String.join("\n",
        "import sys",
        "from prov.model import ProvDocument",
        "doc = ProvDocument.deserialize(content=open(sys.argv[1]).read(), format='json')",
        "assert doc == ProvDocument.deserialize(content=doc.serialize(format='json'), format='json')",
        "print(len(list(doc.get_records())))");
    PythonEnv.runScript(script, 120, rank.document().toString()).requireSuccess("prov");
  }

  @Test
  void aRankALiveProcessStillWritesIsNeverContinued() throws Exception {
    // Two runs at once in this JVM stand for two launches: the API keeps one active run per JVM, so the first
    // is started beside it, as the agent's per-trainer runs are.
    Run live = RecordedRun.start(RunOptions.builder().experimentName("resume").outputDir(out).runId("job-2")
        .resume(RunOptions.Resume.NEVER).build(), Prov4mlConfig.load(new Properties(), Map.of(), null), false);
    try {
      Run concurrent = start("job-2", RunOptions.Resume.ALWAYS);
      assertEquals(out.resolve("resume_job-2-2").toAbsolutePath(), concurrent.runDirectory());
      concurrent.end(RunStatus.FINISHED);
    } finally {
      live.end(RunStatus.FINISHED);
    }
    Run later = start("job-2", RunOptions.Resume.ALWAYS);
    assertEquals(out.resolve("resume_job-2-2").toAbsolutePath(), later.runDirectory(), "the newest one");
    later.end(RunStatus.FINISHED);
  }

  @Test
  void neverAndAutoWithoutARestartStartARunOfTheirOwn() {
    start("job-3", RunOptions.Resume.AUTO).end(RunStatus.FAILED);
    Run auto = start("job-3", RunOptions.Resume.AUTO); // no restart count in this JVM's environment
    assertEquals(out.resolve("resume_job-3-2").toAbsolutePath(), auto.runDirectory());
    auto.end(RunStatus.FINISHED);
    Run never = start("job-3", RunOptions.Resume.NEVER);
    assertEquals(out.resolve("resume_job-3-3").toAbsolutePath(), never.runDirectory());
    never.end(RunStatus.FINISHED);
  }

  @Test
  void aRestartWithAnotherWorldSizeIsANewRun() {
    Run first = start("job-4", RunOptions.Resume.NEVER, 1);
    first.logMetric("loss", 1, Context.TRAINING);
    first.end(RunStatus.FAILED);
    Run other = start("job-4", RunOptions.Resume.ALWAYS, 2);
    assertEquals(out.resolve("resume_job-4-2").toAbsolutePath(), other.runDirectory());
    other.end(RunStatus.FINISHED);
  }

  @Test
  void aKilledAttemptIsClosedAsKilledAndASlurmRequeueContinuesIt() throws Exception {
    Process killed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dprov4ml.output-dir=" + out, "-Dprov4ml.experiment-name=ranks", "-Dprov4ml.run-id=slurm-7", "-cp",
        System.getProperty("java.class.path"), ProgramKilledMidRun.class.getName())
        .redirectErrorStream(true).start();
    try (var lines = new BufferedReader(new InputStreamReader(killed.getInputStream()))) {
      String line;
      while ((line = lines.readLine()) != null && !line.equals("FLUSHED")) {
        // the program's own lines until it has flushed
      }
      Thread.sleep(300);
      killed.destroyForcibly(); // SIGKILL: nothing of prov4ml runs
      assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
    }
    Path runDir = out.resolve("ranks_slurm-7");
    long before = RunDirectory.open(runDir).metric("loss", Context.TRAINING).orElseThrow().pointCount();
    assertTrue(before >= 1000, "points before the kill: " + before);

    // The requeued job: same job id, SLURM_RESTART_COUNT 1, the default resume = auto.
    PythonEnv.Result requeued = ForkedJvm.start(ProgramOfOneRank.class, List.of("-Dprov4ml.run-id=slurm-7"),
        Map.of("SLURM_RESTART_COUNT", "1"), out.toString(), "50").await(120);
    assertEquals(0, requeued.exitCode(), requeued.stderr());
    assertTrue(requeued.stdout().lines().anyMatch(runDir.toString()::equals), requeued.stdout());

    RunDirectory dir = RunDirectory.open(runDir);
    assertEquals(RunStatus.FINISHED, dir.run().status().orElseThrow());
    RankRecord rank = dir.primary();
    String runActivity = rank.run().id();
    assertEquals("KILLED", rank.activities().get("attempt1//" + runActivity).get("yprov:status"));
    assertEquals("FINISHED", rank.activities().get("attempt2//" + runActivity).get("yprov:status"));
    try (Stream<MetricPoint> points = dir.metric("loss", Context.TRAINING).orElseThrow().points()) {
      List<Long> steps = points.map(MetricPoint::step).toList();
      assertEquals(before + 50, steps.size());
      for (int i = 0; i < steps.size(); i++) {
        assertEquals(i, steps.get(i), "no implicit step repeats");
      }
    }
    assertNotEquals(null, dir.params().get("lr"));
    assertFalse(Files.exists(out.resolve("ranks_slurm-7-2")));
  }
}
