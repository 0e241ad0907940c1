package org.prov4ml.testing;

import org.prov4ml.Context;
import org.prov4ml.Prov4ml;

/**
 * A user program that logs and returns without {@code endRun}, or throws from main when asked:
 * the JVM's exit must still leave a complete run directory.
 */
public final class ProgramWithoutEndRun {

  public static void main(String[] args) {
    Prov4ml.logParam("batch_size", 32);
    for (int i = 0; i < 1000; i++) {
      Prov4ml.logMetric("loss", 1.0 / (i + 1), Context.TRAINING);
    }
    if (args.length > 0 && args[0].equals("fail")) {
      throw new IllegalStateException("training diverged");
    }
  }
}
