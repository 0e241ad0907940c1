package org.prov4ml.testing;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.RunOptions;

/**
 * A user program that logs through implicit runs while {@code prov4ml.output-dir} cannot be
 * written: it must run to its end, told once. Then it asks for a run explicitly, which fails
 * with a message naming the directory.
 */
public final class ProgramWithUnwritableOutput {

  public static void main(String[] args) throws Exception {
    Path notes = Files.writeString(Files.createTempFile("notes", ".txt"), "hello");
    for (int i = 0; i < 1000; i++) {
      Prov4ml.logParam("seed", 42);
      Prov4ml.logMetric("loss", i, Context.TRAINING);
      Prov4ml.logArtifact(notes);
    }
    Prov4ml.endRun();
    System.out.println("ACTIVE " + Prov4ml.activeRun().isPresent());
    try {
      Prov4ml.startRun(RunOptions.builder().experimentName("explicit").build());
      System.out.println("STARTED");
    } catch (UncheckedIOException e) {
      System.out.println("REFUSED " + e.getMessage());
    }
    System.out.println("DONE");
  }
}
