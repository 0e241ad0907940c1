package org.prov4ml.testing;

import org.prov4ml.Context;
import org.prov4ml.Prov4ml;

/**
 * A user program that logs {@code args[0]} series of {@code args[1]} points each, round after round
 * as a training does, and ends its run; then checks that it can still open a file itself.
 */
public final class ProgramOfManySeries {

  public static void main(String[] args) throws Exception {
    int series = Integer.parseInt(args[0]);
    int points = Integer.parseInt(args[1]);
    for (int step = 0; step < points; step++) {
      for (int k = 0; k < series; k++) {
        Prov4ml.logMetric("series_" + k, k + step, Context.TRAINING, step);
      }
    }
    Prov4ml.endRun();
    java.io.File[] here = new java.io.File(".").listFiles();
    System.out.println(here == null ? "LIST FAILED" : "LISTED");
  }
}
