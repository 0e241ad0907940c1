package org.prov4ml.testing;

import java.nio.file.Path;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;

/**
 * A user program that logs one artifact (its first argument, relative to its working directory)
 * between two metric points, then ends its run; prints DONE once {@code logArtifact} returned.
 */
public final class ProgramLoggingAnArtifact {

  public static void main(String[] args) {
    Prov4ml.logMetric("loss", 1.0, Context.TRAINING);
    Prov4ml.logArtifact(Path.of(args[0]));
    System.out.println("DONE");
    Prov4ml.logMetric("loss", 0.5, Context.TRAINING);
    Prov4ml.endRun();
  }
}
