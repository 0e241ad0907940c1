package org.prov4ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prov4ml.testing.ReadBack.points;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.ReadBack;

/** Many producers, one drainer: every point lands once, each key's points in order. */
class ConcurrentLoggingTest {

  private static final int THREADS = 8;
  private static final int POINTS = 100_000;

  @TempDir Path out;

  @Test
  void eightThreadsTimesHundredThousandPoints() throws Exception {
    Run run = Prov4ml.startRun(RunOptions.builder().experimentName("mt").outputDir(out).build());
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      String key = "thread" + t;
      Thread thread = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < POINTS; i++) {
            run.logMetric(key, i * 0.5, Context.TRAINING);
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    run.close();
    assertTrue(failures.isEmpty(), failures.toString());
    assertEquals((long) THREADS * POINTS, run.report().metricPoints());

    RunDirectory dir = RunDirectory.open(run.runDirectory());
    long rows = 0;
    for (int t = 0; t < THREADS; t++) {
      List<MetricPoint> points = points(dir, "thread" + t, Context.TRAINING);
      assertEquals(POINTS, points.size(), "thread" + t);
      for (int i = 0; i < POINTS; i++) {
        MetricPoint p = points.get(i);
        if (p.step() != i || p.value() != i * 0.5) {
          throw new AssertionError("thread" + t + " row " + i + " is " + p);
        }
      }
      rows += points.size();
    }
    assertEquals(800_000, rows);
  }
}
