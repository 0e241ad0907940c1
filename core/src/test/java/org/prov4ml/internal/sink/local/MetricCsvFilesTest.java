package org.prov4ml.internal.sink.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MetricCsvFilesTest {

  @Test
  void aValueReadsBackAsTheSameDouble() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      double value = i % 2 == 0 ? Double.longBitsToDouble(random.nextLong()) : (double) (float) random.nextGaussian();
      String text = MetricCsvFiles.valueText(value);
      assertEquals(Double.doubleToLongBits(value), Double.doubleToLongBits(Double.parseDouble(text)), text);
    }
  }

  @Test
  void valuesKeepJavasNotation() {
    double[] values = {0.0, -0.0, 1.0, 0.25, -3.5, 1.0E-4, 0.001, 1234567.0, 1.0E7, 1.0E-300, Double.MAX_VALUE,
        Double.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0013479418f, 0.93f};
    for (double value : values) {
      assertEquals(Double.toString(value), MetricCsvFiles.valueText(value));
    }
  }
}
