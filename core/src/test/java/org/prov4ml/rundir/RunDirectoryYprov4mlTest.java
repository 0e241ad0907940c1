package org.prov4ml.rundir;

import org.prov4ml.RunStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;

/**
 * Reads a run directory that yProv4ML 3.2.8 itself wrote (the fixture {@code yprov4ml-3.2.8-run},
 * whose README says how it was made): its paths are relative to where that process ran, its
 * attributes are yProv4ML's, it records no status or checksums.
 */
class RunDirectoryYprov4mlTest {

  @TempDir Path out;

  private Path fixture() throws Exception {
    Path source = Path.of(getClass().getResource("/yprov4ml-3.2.8-run/yexp_0").toURI());
    Path target = out.resolve("somewhere/else/yexp_0");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path f : files.toList()) {
        Path copy = target.resolve(source.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(f, copy, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return target;
  }

  @Test
  void readsTheRunItsParamsAndItsMetricsWithTheirPoints() throws Exception {
    Path runDir = fixture();
    RunDirectory dir = RunDirectory.open(runDir);

    RunActivity run = dir.run();
    assertEquals("yexp_GR0_0", run.id());
    assertEquals("yexp", run.experiment());
    assertEquals("yexp_0", run.name());
    assertEquals("0", run.runId());
    assertEquals(0, run.rank());
    assertEquals(RunStatus.FINISHED, run.status().orElseThrow()); // yProv4ML records only the end time
    assertEquals(OffsetDateTime.of(2026, 12, 1, 7, 7, 2, 688094000, ZoneOffset.UTC), run.startTime());
    assertEquals(OffsetDateTime.of(2026, 12, 1, 7, 7, 3, 782400000, ZoneOffset.UTC), run.endTime().orElseThrow());
    assertEquals("vm", run.attribute("yprov:host_name").orElseThrow());
    assertEquals("root", run.user().orElseThrow());

    assertEquals(Map.of("lr", "0.01", "batch_size", "32", "optimizer", "sgd"), dir.params());
    assertEquals(List.of("lr", "batch_size", "optimizer"), List.copyOf(dir.params().keySet()));

    MetricSeries loss = dir.metric("loss", Context.TRAINING).orElseThrow();
    assertEquals(runDir.resolve("metrics_GR0/loss_TRAINING_None_GR0.csv"), loss.file());
    assertEquals(5, loss.pointCount());
    try (Stream<MetricPoint> points = loss.points()) {
      assertEquals(List.of(1.0, 0.5, 1.0 / 3, 0.25, 0.2), points.map(MetricPoint::value).toList());
    }
    MetricSeries acc = dir.metric("acc", Context.VALIDATION).orElseThrow();
    try (Stream<MetricPoint> points = acc.points()) {
      List<MetricPoint> p = points.toList();
      assertEquals(new MetricPoint(0, 0.5, 1796108823689L), p.get(0));
      assertTrue(Double.isNaN(p.get(1).value())); // Python's "nan"
      assertEquals(new MetricPoint(2, Double.POSITIVE_INFINITY, 1796108823689L), p.get(2)); // "inf"
    }
  }

  @Test
  void readsItsArtifactsAndModelFiles() throws Exception {
    Path runDir = fixture();
    RunDirectory dir = RunDirectory.open(runDir);
    assertEquals(List.of("notes.txt", "linear/linear_0.pt", "linear/linear_1.pt", "requirements.txt"),
        dir.artifacts().stream().map(Artifact::path).toList());
    Artifact notes = dir.primary().artifact("notes.txt").orElseThrow();
    assertEquals(runDir.resolve("artifacts_GR0/notes.txt"), notes.file());
    assertEquals(5, notes.size());
    assertEquals("hello", Files.readString(notes.file()));
    assertEquals(Context.TRAINING, notes.context().orElseThrow());
    assertEquals(Path.of("notes.txt"), notes.original().orElseThrow());
    assertTrue(notes.sha256().isEmpty());
    Artifact version = dir.primary().artifact("linear/linear_1.pt").orElseThrow();
    assertTrue(version.model());
    assertEquals(Files.size(version.file()), version.size());
  }
}
