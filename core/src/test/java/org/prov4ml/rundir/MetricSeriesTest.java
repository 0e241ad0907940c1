package org.prov4ml.rundir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;

/** Following a metric file as it grows: {@link MetricSeries#readFrom}. */
class MetricSeriesTest {

  @TempDir Path dir;

  private MetricSeries series(Path file) {
    return new MetricSeries("loss//TRAINING", "loss", Context.TRAINING, 0, dir, file, Map.of());
  }

  @Test
  void readsFromWhereTheLastReadStoppedAndLeavesARowBeingWritten() throws Exception {
    Path file = dir.resolve("loss_TRAINING_None_GR0.csv");
    Files.writeString(file, "epoch,value,timestep\n0,1.5,1000\n1,nan,1001\n2,Infinity,1002\n3,0.2");
    MetricSeries series = series(file);
    List<MetricPoint> read = new ArrayList<>();

    long afterTwo = series.readFrom(0, 2, read::add);
    assertEquals(List.of(new MetricPoint(0, 1.5, 1000), new MetricPoint(1, Double.NaN, 1001)), read);
    assertEquals("epoch,value,timestep\n0,1.5,1000\n1,nan,1001\n".length(), afterTwo);

    read.clear();
    long end = series.readFrom(afterTwo, Long.MAX_VALUE, read::add);
    assertEquals(List.of(new MetricPoint(2, Double.POSITIVE_INFINITY, 1002)), read, "the cut row is left");
    assertEquals(Files.size(file) - "3,0.2".length(), end);

    Files.writeString(file, ",1003\n", StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
    read.clear();
    assertEquals(Files.size(file), series.readFrom(end, Long.MAX_VALUE, read::add));
    assertEquals(List.of(new MetricPoint(3, 0.2, 1003)), read, "the row once finished");
    assertEquals(Files.size(file), series.readFrom(Files.size(file), 10, read::add), "nothing new");
  }

  @Test
  void anOffsetPastTheEndOrABadRowNamesTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("x.csv"), "epoch,value,timestep\n0,1,1\n0;2;2\n");
    MetricSeries series = series(file);
    UncheckedIOException past = assertThrows(UncheckedIOException.class,
        () -> series.readFrom(1000, 1, p -> { }));
    assertTrue(past.getCause().getMessage().startsWith(file + ": the metric file is shorter than byte 1000"),
        past.getCause().getMessage());
    UncheckedIOException bad = assertThrows(UncheckedIOException.class,
        () -> series.readFrom(26, 5, p -> { }));
    assertTrue(bad.getCause().getMessage().contains("is not 'step,value,timestamp': '0;2;2' (counting lines from "
        + "byte 26)"), bad.getCause().getMessage());
  }
}
