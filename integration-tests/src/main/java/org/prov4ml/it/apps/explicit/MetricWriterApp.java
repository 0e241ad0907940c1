package org.prov4ml.it.apps.explicit;

import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;

/**
 * An application that logs metric points through the API as fast as it can: one run of
 * {@code <experiment>}, param {@code writer}, {@code <points>} points of {@code loss} (TRAINING), each
 * value its step, then the run's end, which waits for the sinks. Prints the points per second from
 * the first point until the end returned. Arguments: experiment, writer name, points.
 */
public final class MetricWriterApp {

  private MetricWriterApp() {}

  public static void main(String[] args) {
    String experiment = args[0];
    int points = Integer.parseInt(args[2]);
    long start = System.nanoTime();
    try (Run run = Prov4ml.startRun(RunOptions.builder().experimentName(experiment).runName(args[1]).build())) {
      run.logParam("writer", args[1]);
      for (int step = 0; step < points; step++) {
        run.logMetric("loss", step, Context.TRAINING, step);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("WRITER %s %d points in %.3f s: %.0f points/s%n", args[1], points, seconds, points / seconds);
    System.out.println("DONE");
  }
}
