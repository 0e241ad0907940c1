package org.prov4ml.internal.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.internal.format.MetricCsvFormat;
import org.prov4ml.internal.format.RunLayout;

class MetricCsvFilesTest {

  @TempDir
  Path runDir;

  @Test
  void rowsReachTheFileWholeAtEachFlushAndNotBefore() throws IOException {
    RunLayout layout = new RunLayout(runDir, "exp", "0", 0);
    Files.createDirectories(layout.metricsDir());
    UnwrittenRecords unwritten = new UnwrittenRecords("exp_0", runDir);
    try (MetricCsvFiles files = new MetricCsvFiles(layout, unwritten, 128)) {
      MetricCsvFiles.MetricFile loss = files.create("loss", Context.TRAINING);
      assertNotNull(loss);
      files.append(loss, 1, 0.5, 1000);
      files.append(loss, 2, 0.25, 1001);
      assertEquals("", Files.readString(loss.path), "nothing reaches the OS before the batch's flush");
      files.flush();
      assertEquals("epoch,value,timestep\n" + "1,0.5,1000\n2,0.25,1001\n", Files.readString(loss.path));
      files.append(loss, 3, 1.0E-4, 1002);
      files.flush();
      assertEquals("epoch,value,timestep\n" + "1,0.5,1000\n2,0.25,1001\n3,1.0E-4,1002\n", Files.readString(loss.path));
      assertEquals(3, loss.points);
      assertEquals(Files.size(loss.path), loss.bytes);
    }
    assertEquals(0, unwritten.lostPoints());
  }

  @Test
  void noMoreFilesAreOpenThanTheLimitAndEveryRowIsWritten() throws IOException {
    RunLayout layout = new RunLayout(runDir, "exp", "0", 0);
    Files.createDirectories(layout.metricsDir());
    UnwrittenRecords unwritten = new UnwrittenRecords("exp_0", runDir);
    List<MetricCsvFiles.MetricFile> created = new java.util.ArrayList<>();
    try (MetricCsvFiles files = new MetricCsvFiles(layout, unwritten, 3)) {
      for (int batch = 0; batch < 4; batch++) {
        for (int k = 0; k < 10; k++) {
          if (batch == 0) {
            created.add(files.create("m" + k, Context.TRAINING));
          }
          files.append(created.get(k), batch, k, 1000 + batch);
        }
        files.flush();
        assertEquals(3, files.openFiles());
      }
    }
    for (int k = 0; k < 10; k++) {
      assertEquals("epoch,value,timestep\n" + "0," + k + ".0,1000\n1," + k + ".0,1001\n2," + k + ".0,1002\n3," + k
          + ".0,1003\n", Files.readString(created.get(k).path));
    }
    assertEquals(0, unwritten.lostPoints());
  }

  @Test
  void aFileThatIsAlreadyThereIsNeitherAppendedToNorReplaced() throws IOException {
    RunLayout layout = new RunLayout(runDir, "exp", "0", 0);
    Files.createDirectories(layout.metricsDir());
    Path existing = Files.writeString(layout.metricFile("loss", Context.TRAINING.name()), "someone else's\n");
    UnwrittenRecords unwritten = new UnwrittenRecords("exp_0", runDir);
    try (MetricCsvFiles files = new MetricCsvFiles(layout, unwritten, 128)) {
      assertNull(files.create("loss", Context.TRAINING));
    }
    assertEquals("someone else's\n", Files.readString(existing));
    assertEquals(1, unwritten.lostPoints());
  }

  @Test
  void aValueReadsBackAsTheSameDouble() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      double value = i % 2 == 0 ? Double.longBitsToDouble(random.nextLong()) : (double) (float) random.nextGaussian();
      String text = valueText(value);
      assertEquals(Double.doubleToLongBits(value), Double.doubleToLongBits(Double.parseDouble(text)), text);
    }
  }

  @Test
  void valuesKeepJavasNotation() {
    double[] values = {0.0, -0.0, 1.0, 0.25, -3.5, 1.0E-4, 0.001, 1234567.0, 1.0E7, 1.0E-300, Double.MAX_VALUE,
        Double.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0013479418f, 0.93f};
    for (double value : values) {
      assertEquals(Double.toString(value), valueText(value));
    }
  }

  /** The value field of a row as the format writes it. */
  private static String valueText(double value) {
    String row = MetricCsvFormat.appendRow(new StringBuilder(), 0, value, 0).toString(); // "0,<value>,0\n"
    return row.substring(2, row.length() - 3);
  }
}
