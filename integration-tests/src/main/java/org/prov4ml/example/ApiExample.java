package org.prov4ml.example;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;

/**
 * prov4ml used as a library, the way Python prov4ml is: start a run, log params, per-epoch metrics
 * in three contexts and an artifact, end the run, and say where its provenance went.
 */
public final class ApiExample {

  private ApiExample() {}

  public static void main(String[] args) throws Exception {
    RunOptions options = RunOptions.builder().experimentName("api_example").build();
    try (Run run = Prov4ml.startRun(options)) {
      Prov4ml.logParams(Map.of("learning_rate", 0.01, "epochs", 3, "batch_size", 32));
      double loss = 1.0;
      for (int epoch = 1; epoch <= 3; epoch++) {
        for (int batch = 0; batch < 10; batch++) {
          loss *= 0.97;
          Prov4ml.logMetric("batch_loss", loss, Context.TRAINING);
        }
        Prov4ml.logMetric("loss", loss, Context.TRAINING, epoch);
        Prov4ml.logMetric("loss", loss * 1.1, Context.VALIDATION, epoch);
      }
      Prov4ml.logMetric("accuracy", 0.9, Context.TESTING, 3);
      Path notes = Files.writeString(Files.createTempFile("notes", ".txt"), "synthetic data, seed 42\n");
      Prov4ml.logArtifact(notes);
      Files.delete(notes);
      System.out.println("prov4ml run directory: " + run.runDirectory());
      System.out.println("PROV-JSON document:    " + run.provenanceFile());
    }
  }
}
