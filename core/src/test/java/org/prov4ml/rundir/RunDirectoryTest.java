package org.prov4ml.rundir;

import org.prov4ml.RunStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.testing.ForkedJvm;
import org.prov4ml.testing.PythonEnv;

/** Reads run directories that prov4ml wrote, as they are, moved, cut short, or not run directories at all. */
class RunDirectoryTest {

  @TempDir Path out;

  @AfterEach
  void endRun() {
    Prov4ml.endRun();
  }

  private Run start(Path outputDir, int rank) {
    return Prov4ml.startRun(RunOptions.builder().experimentName("exp").outputDir(outputDir).rank(rank)
        .tag("team", "vision").build());
  }

  private static List<MetricPoint> points(MetricSeries series) {
    try (Stream<MetricPoint> points = series.points()) {
      return points.toList();
    }
  }

  @Test
  void readsTheRunParamsMetricsAndArtifactsProv4mlWrote() throws Exception {
    Path notes = Files.writeString(out.resolve("notes.txt"), "hello");
    Run run = start(out, 0);
    run.logParam("lr", 0.01);
    run.logParam("batch", 32);
    run.logParam("activation", "relu");
    run.logMetric("loss", 1.5, Context.TRAINING, 0, false, 1000);
    run.logMetric("loss", Double.NaN, Context.TRAINING, 1, false, 1001);
    run.logMetric("loss", Double.POSITIVE_INFINITY, Context.TRAINING, 2, false, 1002);
    run.logMetric("loss", Double.NEGATIVE_INFINITY, Context.TRAINING, 3, false, 1003);
    run.logMetric("acc", 0.5, Context.VALIDATION, 7, false, 2000);
    run.logArtifact(notes, Context.TRAINING);
    run.close();

    RunDirectory dir = RunDirectory.open(run.runDirectory());
    assertEquals(run.runDirectory(), dir.path());
    RunActivity r = dir.run();
    assertEquals("exp_GR0_0", r.id());
    assertEquals("exp", r.experiment());
    assertEquals("exp_0", r.name());
    assertEquals("0", r.runId());
    assertEquals(0, r.rank());
    assertEquals(RunStatus.FINISHED, r.status().orElseThrow());
    assertTrue(r.ended());
    assertFalse(r.endTime().orElseThrow().isBefore(r.startTime()));
    assertTrue(r.startTime().isAfter(OffsetDateTime.now().minusMinutes(5)));
    assertEquals(System.getProperty("user.name"), r.user().orElseThrow());
    assertEquals(Map.of("team", "vision"), r.tags());
    assertTrue(r.attribute("yprov:java_version").orElseThrow().startsWith(System.getProperty("java.version")));
    assertTrue(r.attribute("yprov:host").isPresent());
    assertEquals(List.of("lr", "batch", "activation"), List.copyOf(dir.params().keySet()));
    assertEquals("0.01", dir.params().get("lr"));

    assertEquals(List.of("loss TRAINING", "acc VALIDATION"),
        dir.metrics().stream().map(m -> m.key() + " " + m.context()).toList());
    MetricSeries loss = dir.metric("loss", Context.TRAINING).orElseThrow();
    assertEquals("loss//TRAINING", loss.id());
    assertEquals(0, loss.rank());
    assertEquals(run.runDirectory().resolve("metrics_GR0/loss_TRAINING_None_GR0.csv"), loss.file());
    assertEquals(4, loss.pointCount());
    List<MetricPoint> p = points(loss);
    assertEquals(new MetricPoint(0, 1.5, 1000), p.get(0));
    assertTrue(Double.isNaN(p.get(1).value()));
    assertEquals(Double.POSITIVE_INFINITY, p.get(2).value());
    assertEquals(new MetricPoint(3, Double.NEGATIVE_INFINITY, 1003), p.get(3));
    assertEquals(List.of(new MetricPoint(7, 0.5, 2000)), points(dir.metric("acc", Context.VALIDATION).orElseThrow()));
    assertTrue(dir.metric("acc", Context.TRAINING).isEmpty());

    Artifact a = dir.rank(0).artifact("notes.txt").orElseThrow();
    assertEquals(run.runDirectory().resolve("artifacts_GR0/notes.txt"), a.file());
    assertEquals(5, a.size());
    assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", a.sha256().orElseThrow());
    assertEquals(Context.TRAINING, a.context().orElseThrow());
    assertEquals(notes.toAbsolutePath(), a.original().orElseThrow());
    assertFalse(a.model());
    assertEquals(List.of(a), dir.artifacts());
    assertEquals("provml:HyperParameter", dir.primary().entity("lr//exp_GR0_0").orElseThrow().get("prov:type"));
  }

  @Test
  void aRunInProgressReadsAsItIsNow() throws Exception {
    Run run = start(out, 0);
    run.logMetric("loss", 1, Context.TRAINING);
    run.logMetric("loss", 2, Context.TRAINING);
    run.flush();
    RunDirectory dir = RunDirectory.open(run.runDirectory());
    assertTrue(dir.run().status().isEmpty());
    assertTrue(dir.run().endTime().isEmpty());
    assertFalse(dir.run().ended());
    assertEquals(2, points(dir.metric("loss", Context.TRAINING).orElseThrow()).size());

    run.logMetric("loss", 3, Context.TRAINING);
    run.flush();
    // The file is read as it is now, ahead of the document's last count.
    assertEquals(3, dir.metric("loss", Context.TRAINING).orElseThrow().points().count());
    run.close();
  }

  @Test
  void aMovedRunDirectoryReadsFromWhereItIsNow() throws Exception {
    Path notes = Files.writeString(out.resolve("notes.txt"), "hello");
    Run run = start(out.resolve("before"), 0);
    run.logMetric("loss", 1, Context.TRAINING);
    run.logArtifact(notes);
    run.close();
    Path moved = Files.move(run.runDirectory(), Files.createDirectories(out.resolve("after")).resolve("renamed"));

    RunDirectory dir = RunDirectory.open(moved);
    MetricSeries loss = dir.metric("loss", Context.TRAINING).orElseThrow();
    assertEquals(moved.resolve("metrics_GR0/loss_TRAINING_None_GR0.csv"), loss.file());
    assertEquals(1, points(loss).size());
    Artifact a = dir.artifacts().get(0);
    assertEquals(moved.resolve("artifacts_GR0/notes.txt"), a.file());
    assertEquals("notes.txt", a.path());
    assertTrue(a.context().isEmpty());
    assertEquals("hello", Files.readString(a.file()));
  }

  @Test
  void severalRanksInOneDirectoryEachReadAsItsOwn() throws Exception {
    // A two-process job: rank 1 ends first, then rank 0, which merges the job's document beside theirs.
    Run rank1 = Prov4ml.startRun(RunOptions.builder().experimentName("exp").outputDir(out).runId("job_5")
        .rank(1).worldSize(2).build());
    rank1.logMetric("loss", 2, Context.TRAINING);
    rank1.logMetric("loss", 3, Context.TRAINING);
    rank1.close();
    Run rank0 = Prov4ml.startRun(RunOptions.builder().experimentName("exp").outputDir(out).runId("job_5")
        .rank(0).worldSize(2).build());
    rank0.logParam("lr", 0.1);
    rank0.logMetric("loss", 1, Context.TRAINING);
    rank0.close();
    assertEquals(rank0.runDirectory(), rank1.runDirectory());
    assertTrue(Files.exists(rank0.runDirectory().resolve("prov_exp_job_5.json")), "the job's document is there");

    RunDirectory dir = RunDirectory.open(rank0.runDirectory());
    assertEquals(List.of(0, 1), dir.ranks().stream().map(RankRecord::rank).toList());
    assertEquals(0, dir.run().rank());
    assertEquals("job_5", dir.run().runId());
    assertEquals("job_5", dir.rank(1).run().runId());
    assertEquals(2, dir.run().worldSize());
    assertEquals(Map.of("lr", "0.1"), dir.params());
    assertEquals(1, dir.rank(1).run().rank());
    assertEquals(List.of(0, 1), dir.metrics().stream().map(MetricSeries::rank).toList());
    MetricSeries loss1 = dir.rank(1).metric("loss", Context.TRAINING).orElseThrow();
    assertEquals(rank0.runDirectory().resolve("metrics_GR1/loss_TRAINING_None_GR1.csv"), loss1.file());
    assertEquals(List.of(2.0, 3.0), points(loss1).stream().map(MetricPoint::value).toList());
    assertEquals(1, points(dir.metric("loss", Context.TRAINING).orElseThrow()).size());
    var none = assertThrows(java.util.NoSuchElementException.class, () -> dir.rank(2));
    assertTrue(none.getMessage().contains("ranks: [0, 1]"), none.getMessage());
  }

  @Test
  void aDocumentCutShortIsOneClearError() throws Exception {
    Run run = start(out, 0);
    run.logParam("lr", 0.1);
    run.close();
    Path document = run.provenanceFile();
    byte[] whole = Files.readAllBytes(document);
    Files.write(document, java.util.Arrays.copyOf(whole, whole.length / 2));

    RunDirectoryException e = assertThrows(RunDirectoryException.class, () -> RunDirectory.open(run.runDirectory()));
    assertEquals(document, e.path());
    assertTrue(e.getMessage().startsWith(document + ": the PROV document is cut short at line "), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());

    Files.writeString(document, "{\"activity\": {}}");
    e = assertThrows(RunDirectoryException.class, () -> RunDirectory.open(run.runDirectory()));
    assertEquals(document + ": no run activity 'exp_GR0_0' in the document", e.getMessage());

    Files.writeString(document, "not json");
    e = assertThrows(RunDirectoryException.class, () -> RunDirectory.open(run.runDirectory()));
    assertTrue(e.getMessage().startsWith(document + ": not a PROV-JSON document at line 1"), e.getMessage());
  }

  @Test
  void aPathThatIsNoRunDirectoryIsOneClearError() throws Exception {
    Path empty = Files.createDirectories(out.resolve("empty"));
    RunDirectoryException e = assertThrows(RunDirectoryException.class, () -> RunDirectory.open(empty));
    assertEquals(empty + ": not a run directory: no prov_<experiment>_GR<rank>_<runId>.json in it", e.getMessage());

    Files.writeString(empty.resolve("prov_exp_GR0_0.json.tmp"), "{");
    e = assertThrows(RunDirectoryException.class, () -> RunDirectory.open(empty));
    assertTrue(e.getMessage().endsWith("(only a prov_*.json.tmp: its first document was never completed)"));

    Path file = Files.writeString(out.resolve("file.txt"), "x");
    e = assertThrows(RunDirectoryException.class, () -> RunDirectory.open(file));
    assertTrue(e.getMessage().startsWith(file + ": not a directory"), e.getMessage());

    Path missing = out.resolve("missing");
    e = assertThrows(RunDirectoryException.class, () -> RunDirectory.open(missing));
    assertEquals(missing + ": no such directory", e.getMessage());
  }

  @Test
  void aBadRowNamesTheFileAndLineAndARowBeingWrittenIsLeftOut() throws Exception {
    Run run = start(out, 0);
    run.logMetric("loss", 1, Context.TRAINING, 0, false, 10);
    run.close();
    MetricSeries loss = RunDirectory.open(run.runDirectory()).metric("loss", Context.TRAINING).orElseThrow();
    Files.writeString(loss.file(), "1,2.5,11\n2,3", StandardCharsets.US_ASCII, java.nio.file.StandardOpenOption.APPEND);
    assertEquals(List.of(new MetricPoint(0, 1, 10), new MetricPoint(1, 2.5, 11)), points(loss));
    assertEquals(2, RunDirectory.open(run.runDirectory()).metric("loss", Context.TRAINING).orElseThrow().pointCount());

    Files.writeString(loss.file(), "epoch,value,timestep\n0,1,10\n1,abc,11\n");
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> points(loss));
    RunDirectoryException cause = (RunDirectoryException) e.getCause();
    assertEquals(loss.file(), cause.path());
    assertEquals(loss.file() + ": line 3 is not 'step,value,timestamp': '1,abc,11'", cause.getMessage());
  }

  @Test
  void rowsOfEveryShapeAWriterUsesAreRead() throws Exception {
    Run run = start(out, 0);
    run.logMetric("loss", 1, Context.TRAINING, 0, false, 10);
    run.close();
    MetricSeries loss = RunDirectory.open(run.runDirectory()).metric("loss", Context.TRAINING).orElseThrow();
    // A Python float timestamp, a step beyond 18 digits, a negative step, Windows line ends, an empty line.
    Files.writeString(loss.file(), "epoch,value,timestep\r\n5,1e-3,1.7e12\r\n" + Long.MAX_VALUE + ",-0.5,12\n\n"
        + "-3,+inf,13\n");
    assertEquals(List.of(new MetricPoint(5, 0.001, 1_700_000_000_000L), new MetricPoint(Long.MAX_VALUE, -0.5, 12),
        new MetricPoint(-3, Double.POSITIVE_INFINITY, 13)), points(loss));
  }

  /**
   * Three million points, ~90 MB of CSV, streamed by a JVM with a 24 MB heap: holding them (a list of
   * points is ~100 MB) would fail with OutOfMemoryError.
   */
  @Test
  void aBigSeriesIsStreamedInBoundedMemory() throws Exception {
    Run run = start(out, 0);
    run.logMetric("loss", 0, Context.TRAINING, 0, false, 0);
    run.close();
    MetricSeries loss = RunDirectory.open(run.runDirectory()).metric("loss", Context.TRAINING).orElseThrow();
    long n = 3_000_000;
    try (BufferedWriter w = Files.newBufferedWriter(loss.file(), StandardCharsets.US_ASCII)) {
      w.write("epoch,value,timestep\n");
      for (long i = 0; i < n; i++) {
        w.write(i + "," + (i * 0.5) + "," + (1_700_000_000_000L + i) + "\n");
      }
    }
    PythonEnv.Result result = ForkedJvm.run(StreamSeries.class, List.of("-Xmx24m", "-XX:+UseSerialGC"),
        run.runDirectory().toString());
    result.requireSuccess("streaming " + n + " points with a 24 MB heap");
    double sum = n * (n - 1) / 2 * 0.5;
    assertTrue(result.stdout().contains("points " + n + " count " + n + " sum " + sum), result.stdout());
  }

  /** Streams every point of the run's loss series; run with a small heap. */
  public static final class StreamSeries {
    public static void main(String[] args) throws Exception {
      MetricSeries loss = RunDirectory.open(Path.of(args[0])).metric("loss", Context.TRAINING).orElseThrow();
      long count;
      double sum;
      try (Stream<MetricPoint> points = loss.points()) {
        var stats = points.mapToDouble(MetricPoint::value).summaryStatistics();
        count = stats.getCount();
        sum = stats.getSum();
      }
      System.out.println("points " + loss.pointCount() + " count " + count + " sum " + sum);
    }
  }
}
