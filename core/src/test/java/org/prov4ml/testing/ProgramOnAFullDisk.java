package org.prov4ml.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;

/**
 * A user program whose output directory fills up: it logs more points than the disk holds, then an
 * artifact bigger than what is left, then a series of its own. It must run to its end unharmed.
 *
 * <p>Arguments: the output directory, the number of points, the artifact to log.
 */
public final class ProgramOnAFullDisk {

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int points = Integer.parseInt(args[1]);
    Run run = Prov4ml.startRun(RunOptions.builder().experimentName("disk").outputDir(out).build());
    run.logParam("seed", 42);
    for (int i = 0; i < points; i++) {
      run.logMetric("loss", i * 0.5, Context.TRAINING, i);
      if (i % 10_000 == 0) {
        run.flush();
      }
    }
    run.flush();
    run.logArtifact(Path.of(args[2]));
    run.logMetric("acc", 0.5, Context.VALIDATION, 0);
    run.close();
    System.out.println("DONE " + Files.exists(out));
  }
}
