package org.prov4ml.testing;

import org.prov4ml.Context;
import org.prov4ml.Prov4ml;

/**
 * Logs {@code args[0]} points of training/loss (step i, value i / 10, timestamp T0 + i) into a run
 * configured by system properties (MLflow included), then, as a user re-running the last epoch would,
 * the last {@code args[1]} steps again (default none; value i / 10 + 1, timestamp T0 + {@link #AGAIN} + i),
 * says {@code LOGGED}, then idles while its uploader sends them, until it is killed.
 */
public final class ProgramUploadingALongSeries {

  public static final long T0 = 1_700_000_000_000L;
  /** How much later the steps logged again are stamped. */
  public static final long AGAIN = 10_000_000L;

  public static void main(String[] args) throws InterruptedException {
    int points = Integer.parseInt(args[0]);
    int again = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    for (int step = 0; step < points; step++) {
      Prov4ml.logMetric("loss", step / 10.0, Context.TRAINING, step, false, T0 + step);
    }
    for (int step = points - again; step < points; step++) {
      Prov4ml.logMetric("loss", step / 10.0 + 1, Context.TRAINING, step, false, T0 + AGAIN + step);
    }
    System.out.println("LOGGED");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
