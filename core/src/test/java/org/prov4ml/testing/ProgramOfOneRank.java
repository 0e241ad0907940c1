package org.prov4ml.testing;

import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;

/**
 * One process of a job, as a launcher starts it: it knows nothing of the others, logs a param all
 * ranks share, one of its own and {@code points} points, whose values encode its rank, and prints
 * its run directory. Arguments: output directory, points.
 */
public final class ProgramOfOneRank {

  public static void main(String[] args) {
    System.setProperty("prov4ml.output-dir", args[0]);
    System.setProperty("prov4ml.experiment-name", "ranks");
    int points = Integer.parseInt(args[1]);
    Run run = Prov4ml.activeRunOrStart();
    Prov4ml.logParam("lr", 0.1);
    Prov4ml.logParam("seed", 1000 + run.rank());
    for (int i = 0; i < points; i++) {
      Prov4ml.logMetric("loss", run.rank() * 1_000_000 + i, Context.TRAINING);
    }
    System.out.println(run.runDirectory());
    Prov4ml.endRun();
  }
}
