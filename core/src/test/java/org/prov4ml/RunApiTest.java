package org.prov4ml;

import org.prov4ml.internal.config.Prov4mlConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prov4ml.testing.ReadBack.points;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.ReadBack;

/** Each API call's exact effect on the run directory: files and document records. */
class RunApiTest {

  @TempDir Path out;

  @AfterEach
  void endRun() {
    Prov4ml.endRun();
  }

  private Run start() {
    return Prov4ml.startRun(RunOptions.builder().experimentName("exp").outputDir(out).build());
  }

  @Test
  void runDirectoryFollowsYprov4mlLayoutAndNumbersRuns() throws Exception {
    Run first = start();
    first.close();
    Run second = start();
    assertEquals(out.toAbsolutePath().resolve("exp_1"), second.runDirectory());
    assertEquals("1", second.runId());
    second.close();
    assertTrue(Files.isRegularFile(out.resolve("exp_0/prov_exp_GR0_0.json")));
    assertTrue(Files.isDirectory(out.resolve("exp_1/metrics_GR0")));
    assertTrue(Files.isDirectory(out.resolve("exp_1/artifacts_GR0")));
    Map<String, String> run = RunDirectory.open(out.resolve("exp_1")).run().attributes();
    assertEquals("exp", run.get("yprov:experiment_name"));
    assertEquals("1", run.get("yprov:run_id"));
    assertEquals("0", run.get("yprov:global_rank"));
    assertEquals("FINISHED", run.get("yprov:status"));
    assertTrue(run.containsKey("prov:startedAtTime") && run.containsKey("prov:endedAtTime"));
    for (String attribute : List.of("yprov:java_version", "yprov:operating_system", "yprov:host", "yprov:pid",
        "yprov:provenance_path", "yprov:artifact_uri")) {
      assertTrue(run.containsKey(attribute), attribute);
    }
  }

  @Test
  void endTakesAPublicStatusAndTheReportIsExactAfterwards() throws Exception {
    Run run = start();
    run.logMetric("loss", 0.5, Context.TRAINING);
    run.logMetric("loss", 0.25, Context.TRAINING);
    run.end(RunStatus.FAILED);
    run.end(RunStatus.FINISHED); // a second end does nothing
    assertTrue(run.isEnded());
    assertFalse(Prov4ml.activeRun().isPresent());
    RunReport report = run.report();
    assertEquals(2, report.metricPoints());
    assertEquals(Map.of(), report.failures());
    assertEquals("FAILED", ReadBack.status(RunDirectory.open(run.runDirectory())));
    assertThrows(IllegalStateException.class, () -> run.logParam("late", 1));
  }

  @Test
  void paramsAreRecordedOnceAndImmutable() throws Exception {
    Run run = start();
    run.logParam("lr", 0.01);
    run.logParam("lr", 0.01); // same value: no-op
    run.logParams(Map.of("layers", List.of(64, 3), "name", "mlp"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run.logParam("lr", 0.1));
    assertTrue(e.getMessage().contains("'lr'") && e.getMessage().contains("'0.01'")
        && e.getMessage().contains("'0.1'"), e.getMessage());
    run.close();

    RunDirectory dir = RunDirectory.open(run.runDirectory());
    assertEquals(Map.of("lr", "0.01", "layers", "[64, 3]", "name", "mlp"), dir.params());
    Map<String, String> lr = ReadBack.entity(dir, "lr//exp_GR0_0");
    assertEquals("provml:HyperParameter", lr.get("prov:type"));
    assertEquals("0.01", lr.get("prov:value"));
  }

  @Test
  void metricsWithoutStepCountPerKeyAndContext() throws Exception {
    Run run = start();
    run.logMetric("loss", 1.5, Context.TRAINING);
    run.logMetric("loss", 1.25, Context.TRAINING);
    run.logMetric("loss", 9, Context.VALIDATION);
    run.logMetric("loss", 1.0, Context.TRAINING, 10);
    run.logMetric("loss", 0.5, Context.TRAINING);
    run.logMetric("acc", 0.75, Context.TESTING, 7, true, 1234L);
    run.flush();

    RunDirectory dir = RunDirectory.open(run.runDirectory());
    List<MetricPoint> training = points(dir, "loss", Context.TRAINING);
    assertEquals(List.of(0L, 1L, 10L, 3L), training.stream().map(MetricPoint::step).toList());
    assertEquals(List.of(1.5, 1.25, 1.0, 0.5), training.stream().map(MetricPoint::value).toList());
    assertEquals(List.of(new MetricPoint(0, 9, points(dir, "loss", Context.VALIDATION).get(0).timestampMillis())),
        points(dir, "loss", Context.VALIDATION));
    assertEquals(List.of(new MetricPoint(7, 0.75, 1234)), points(dir, "acc", Context.TESTING));
    long now = System.currentTimeMillis();
    assertTrue(training.stream().allMatch(p -> p.timestampMillis() > now - 60_000 && p.timestampMillis() <= now));

    Map<String, String> entity = ReadBack.entity(dir, "loss//TRAINING");
    assertEquals("provml:Metric", entity.get("prov:type"));
    assertEquals("TRAINING", entity.get("yprov:context"));
    assertEquals("None", entity.get("yprov:source"));
    Path file = run.runDirectory().resolve("metrics_GR0/loss_TRAINING_None_GR0.csv");
    assertEquals(file.toString(), entity.get("dcterms:identifier"));
    assertEquals(Long.toString(Files.size(file)), entity.get("yprov:file_size"));
    run.close();
  }

  @Test
  void nanAndInfinitiesAreRecordedAsSuch() throws Exception {
    Run run = start();
    run.logMetric("odd", Double.NaN, Context.TRAINING);
    run.logMetric("odd", Double.POSITIVE_INFINITY, Context.TRAINING);
    run.logMetric("odd", Double.NEGATIVE_INFINITY, Context.TRAINING);
    run.close();
    List<MetricPoint> points = points(RunDirectory.open(run.runDirectory()), "odd", Context.TRAINING);
    assertTrue(Double.isNaN(points.get(0).value()));
    assertEquals(Double.POSITIVE_INFINITY, points.get(1).value());
    assertEquals(Double.NEGATIVE_INFINITY, points.get(2).value());
  }

  @Test
  void logMetricsRecordsEveryEntryAtTheGivenStep() throws Exception {
    Run run = start();
    Map<String, Number> metrics = new LinkedHashMap<>();
    metrics.put("loss", 0.25f);
    metrics.put("acc", 3);
    run.logMetrics(metrics, Context.VALIDATION, 4);
    run.logMetrics(metrics, Context.VALIDATION, 5, true);
    RunDirectory dir = RunDirectory.open(run.runDirectory());
    assertEquals(List.of(4L, 5L), points(dir, "loss", Context.VALIDATION).stream().map(MetricPoint::step).toList());
    assertEquals(List.of(3.0, 3.0), points(dir, "acc", Context.VALIDATION).stream().map(MetricPoint::value).toList());
    assertEquals(0.25, points(dir, "loss", Context.VALIDATION).get(0).value());
    run.close();
  }

  @Test
  void artifactsAreCopiedWithSizeAndSha256() throws Exception {
    Path file = Files.writeString(out.resolve("notes.txt"), "hello");
    Path folder = Files.createDirectories(out.resolve("data"));
    Files.writeString(folder.resolve("a.csv"), "1,2\n");
    Files.createDirectories(folder.resolve("sub"));
    Files.writeString(folder.resolve("sub/b.txt"), "bb");
    Run run = start();
    run.logArtifact(file);
    run.logArtifact(folder, Context.TRAINING);
    Files.delete(file); // the copy was made at the call
    run.close();

    Path artifacts = run.runDirectory().resolve("artifacts_GR0");
    assertEquals("hello", Files.readString(artifacts.resolve("notes.txt")));
    assertEquals("bb", Files.readString(artifacts.resolve("data/sub/b.txt")));
    RunDirectory dir = RunDirectory.open(run.runDirectory());
    Map<String, String> copy = ReadBack.entity(dir, "notes.txt//exp_GR0_0");
    assertEquals("5", copy.get("yprov:file_size"));
    // sha256("hello")
    assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", copy.get("yprov:sha256"));
    assertEquals(artifacts.resolve("notes.txt").toString(), copy.get("dcterms:identifier"));
    assertEquals(file.toAbsolutePath().toString(),
        ReadBack.entity(dir, "Original_notes.txt//exp_GR0_0").get("dcterms:identifier"));
    assertEquals("4", ReadBack.entity(dir, "data/a.csv//TRAINING").get("yprov:file_size"));
    assertEquals("2", ReadBack.entity(dir, "data/sub/b.txt//TRAINING").get("yprov:file_size"));
    // The copy derives from the original.
    assertEquals(file.toAbsolutePath(), dir.primary().artifact("notes.txt").orElseThrow().original().orElseThrow());
  }

  @Test
  void logCallWithoutRunStartsOneImplicitly() throws Exception {
    Prov4mlConfig.replace(Prov4mlConfig.load(new java.util.Properties(), Map.of(), null)
        .with(org.prov4ml.internal.config.ConfigKeys.OUTPUT_DIR, out)
        .with(org.prov4ml.internal.config.ConfigKeys.EXPERIMENT, "implicit"));
    try {
      Prov4ml.logMetric("loss", 1, Context.TRAINING);
      Run run = Prov4ml.activeRun().orElseThrow();
      assertTrue(run.isImplicit());
      assertEquals("implicit", run.experimentName());
      Prov4ml.endRun();
      assertFalse(Prov4ml.activeRun().isPresent());
      assertEquals(1, points(RunDirectory.open(run.runDirectory()), "loss", Context.TRAINING).size());
    } finally {
      Prov4mlConfig.replace(Prov4mlConfig.load());
    }
  }

  @Test
  void oneActiveRunAtATime() {
    start();
    IllegalStateException e = assertThrows(IllegalStateException.class, this::start);
    assertTrue(e.getMessage().contains("exp_0"), e.getMessage());
  }
}
