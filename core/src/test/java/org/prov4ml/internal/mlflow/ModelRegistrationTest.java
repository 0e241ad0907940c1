package org.prov4ml.internal.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.prov4ml.Context;
import org.prov4ml.Run;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.rundir.ModelVersion;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.MlflowEmulator.Fault;
import org.prov4ml.testing.MlflowEmulator;

/** {@code prov4ml.mlflow.register-models} against the in-JVM {@link MlflowEmulator}. */
class ModelRegistrationTest extends EmulatedMlflowTest {

  static Model mlp() {
    Model model = Model.newInstance("mlp");
    model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(4).build()).add(Activation::relu)
        .add(Linear.builder().setUnits(2).build()));
    model.getBlock().initialize(model.getNDManager(), model.getDataType(), new Shape(1, 3));
    return model;
  }

  /** A run recorded offline with three versions of {@code mlp} and one of {@code classifier} saved by the app. */
  private Run recordOffline() throws Exception {
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(null), out, "registry", "registry");
    try (Model mlp = mlp(); Model classifier = mlp()) {
      run.saveModelVersion(mlp, "mlp", Context.TRAINING, 1);
      run.saveModelVersion(mlp, "mlp", Context.TRAINING, 2);
      run.saveModelVersion(mlp, "mlp", Context.VALIDATION, 3);
      Path saved = Files.createDirectories(out.resolve("app-models"));
      classifier.save(saved, "classifier");
      run.logModelVersion(classifier, "classifier", Context.TRAINING, 7, saved.resolve("classifier-0000.params"));
    }
    run.close();
    return run;
  }

  private MlflowReplica.Result sync(Run run, boolean register) throws Exception {
    Properties settings = MlflowTestRuns.settings(mlflow.uri());
    settings.setProperty("prov4ml.mlflow.register-models", Boolean.toString(register));
    return MlflowReplica.sync(run.runDirectory(), MlflowSettings.from(Prov4mlConfig.load(settings, Map.of(), null),
        Map.of(), mlflow.uri()), Duration.ofSeconds(30));
  }

  @Test
  void everyModelVersionBecomesARegisteredVersionOfItsModelLinkedToTheRun() throws Exception {
    Run run = recordOffline();
    MlflowReplica.Result result = sync(run, true);
    assertTrue(result.complete() && result.left().isEmpty(), result.toString());
    String runId = result.runIds().get(0);
    String artifactRoot = "mlflow-artifacts:/" + MlflowTestRuns.cursor(run).experimentId + "/" + runId + "/artifacts/";

    List<ModelVersion> local = RunDirectory.open(run.runDirectory()).modelVersions();
    assertEquals(4, local.size());
    Map<String, Integer> versionsPerModel = new TreeMap<>();
    for (ModelVersion v : local) {
      int number = versionsPerModel.merge(v.name(), 1, Integer::sum);
      JsonNode registered = mlflow.modelVersions(v.name()).get(number - 1);
      String path = run.runDirectory().resolve("artifacts_GR0").relativize(v.file()).toString();
      assertEquals(artifactRoot + path, registered.path("source").asText(), v.toString());
      assertEquals(runId, registered.path("run_id").asText());
      assertEquals(Map.of("prov4ml.step", Long.toString(v.step()), "prov4ml.context", v.context().name(),
          "prov4ml.sha256", v.sha256().orElseThrow()), tags(registered));
      assertTrue(mlflow.artifacts().containsKey(artifactRoot.substring("mlflow-artifacts:/".length()) + path),
          "the source is the run's artifact, uploaded: " + path);
    }
    assertEquals(Map.of("classifier", 1, "mlp", 3), versionsPerModel);
    assertEquals(3, mlflow.modelVersions("mlp").size());

    assertTrue(sync(run, true).complete());
    assertEquals(3, mlflow.modelVersions("mlp").size(), "a second sync adds no version");
    assertEquals(1, mlflow.modelVersions("classifier").size());
  }

  @Test
  void aVersionWhoseRegistrationAnswerWasLostIsFoundNotRegisteredTwice() throws Exception {
    Run run = recordOffline();
    mlflow.failNext("model-versions/create", 1, Fault.APPLY_THEN_DROP); // mlp's second version
    assertTrue(sync(run, true).complete(), "the sync retried past the lost answer");
    assertEquals(List.of("1", "2", "3"), mlflow.modelVersions("mlp").stream().map(v -> v.path("version").asText())
        .toList());
    assertEquals(2, mlflow.requests("model-versions/search"), "looked up once per pass");
  }

  @Test
  void withoutTheSwitchNothingIsRegistered() throws Exception {
    Run run = recordOffline();
    assertTrue(sync(run, false).complete());
    assertEquals(0, mlflow.requests("registered-models/create"));
    assertEquals(0, mlflow.requests("model-versions/create"));
  }

  private static Map<String, String> tags(JsonNode version) {
    Map<String, String> tags = new TreeMap<>();
    version.path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
    return tags;
  }
}
