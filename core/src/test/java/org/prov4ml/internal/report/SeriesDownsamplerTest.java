package org.prov4ml.internal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.prov4ml.rundir.MetricPoint;

class SeriesDownsamplerTest {

  private static SeriesDownsampler.Result sample(int n, int buckets, java.util.function.LongToDoubleFunction value) {
    SeriesDownsampler d = new SeriesDownsampler(n, buckets, MetricPoint::step);
    for (long i = 0; i < n; i++) {
      d.add(new MetricPoint(i, value.applyAsDouble(i), 1_000_000L + i));
    }
    return d.finish();
  }

  @Test
  void aShortSeriesIsKeptWhole() {
    SeriesDownsampler.Result r = sample(200, 100, i -> i * 0.5);
    assertFalse(r.downsampled());
    assertEquals(200, r.points().size());
    assertEquals(200, r.total());
    assertEquals(99.5, r.last().value());
  }

  @Test
  void aLongSeriesKeepsAtMostTwoPointsPerBucketAndEverySpike() {
    int n = 1_000_000;
    SeriesDownsampler.Result r = sample(n, 1000, i -> i == 123_457 ? 1e6 : i == 777_001 ? -1e6 : Math.sin(i / 1000.0));
    assertTrue(r.downsampled());
    assertEquals(n, r.total());
    assertTrue(r.points().size() <= 2000, r.points().size() + " points");
    assertTrue(r.points().size() >= 1900, r.points().size() + " points");
    assertTrue(r.points().stream().anyMatch(k -> k.step() == 123_457 && k.value() == 1e6), "the high spike");
    assertTrue(r.points().stream().anyMatch(k -> k.step() == 777_001 && k.value() == -1e6), "the low spike");
    assertEquals(n - 1, r.last().step());
    assertIncreasingX(r.points());
  }

  @Test
  void nanAndInfinitiesStayVisibleAndAreCounted() {
    SeriesDownsampler.Result r = sample(100_000, 100, i -> i == 10 ? Double.NaN : i == 5000 ? Double.POSITIVE_INFINITY
        : i == 5001 ? Double.NEGATIVE_INFINITY : i == 99_999 ? Double.NaN : 1.0);
    assertEquals(4, r.nonFinite());
    assertTrue(r.points().stream().anyMatch(k -> k.step() == 10 && Double.isNaN(k.value())));
    assertTrue(r.points().stream().anyMatch(k -> k.step() == 5000 && k.value() == Double.POSITIVE_INFINITY));
    assertTrue(r.points().stream().anyMatch(k -> k.step() == 5001 && k.value() == Double.NEGATIVE_INFINITY));
    assertTrue(Double.isNaN(r.last().value()));
    assertIncreasingX(r.points());
  }

  @Test
  void pointsSharingAStepBecomeOneTheMostTellingOne() {
    SeriesDownsampler d = new SeriesDownsampler(4, 10, MetricPoint::step);
    d.add(new MetricPoint(0, 1.0, 0));
    d.add(new MetricPoint(1, 1.1, 1));
    d.add(new MetricPoint(1, 9.0, 2));
    d.add(new MetricPoint(2, Double.NaN, 3));
    List<SeriesDownsampler.Kept> points = d.finish().points();
    assertEquals(List.of(0L, 1L, 2L), points.stream().map(SeriesDownsampler.Kept::step).toList());
    assertEquals(9.0, points.get(1).value());
  }

  @Test
  void pointsWrittenAfterTheCountAreLeftOut() {
    SeriesDownsampler d = new SeriesDownsampler(3, 10, MetricPoint::step);
    for (int i = 0; i < 5; i++) {
      d.add(new MetricPoint(i, i, i));
    }
    SeriesDownsampler.Result r = d.finish();
    assertEquals(3, r.total());
    assertEquals(2, r.last().step());
  }

  private static void assertIncreasingX(List<SeriesDownsampler.Kept> points) {
    for (int i = 1; i < points.size(); i++) {
      assertTrue(points.get(i).x() > points.get(i - 1).x(), "x increases at " + i);
    }
  }
}
