package org.prov4ml.testing;

import org.prov4ml.Context;
import org.prov4ml.Prov4ml;

/** Logs 1000 points, flushes, says so, then keeps logging until it is killed. */
public final class ProgramKilledMidRun {

  public static void main(String[] args) throws InterruptedException {
    Prov4ml.logParam("seed", 42);
    long step = 0;
    for (; step < 1000; step++) {
      Prov4ml.logMetric("loss", step * 0.5, Context.TRAINING);
    }
    Prov4ml.flush();
    System.out.println("FLUSHED");
    System.out.flush();
    while (true) {
      Prov4ml.logMetric("loss", step++ * 0.5, Context.TRAINING);
      if (step % 100 == 0) {
        Thread.sleep(1);
      }
    }
  }
}
