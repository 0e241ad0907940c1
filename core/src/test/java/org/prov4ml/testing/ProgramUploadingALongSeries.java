package org.prov4ml.testing;

import org.prov4ml.Context;
import org.prov4ml.Prov4ml;

/**
 * Logs {@code args[0]} points of training/loss (step i, value i / 10, timestamp T0 + i) into a run
 * configured by system properties (MLflow included), says {@code LOGGED}, then idles while its uploader
 * sends them, until it is killed.
 */
public final class ProgramUploadingALongSeries {

  public static final long T0 = 1_700_000_000_000L;

  public static void main(String[] args) throws InterruptedException {
    int points = Integer.parseInt(args[0]);
    for (int step = 0; step < points; step++) {
      Prov4ml.logMetric("loss", step / 10.0, Context.TRAINING, step, false, T0 + step);
    }
    System.out.println("LOGGED");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
