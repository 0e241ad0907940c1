package org.prov4ml.internal.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.testing.MlflowServer;
import org.prov4ml.testing.PythonEnv;

/**
 * Checkpoints as LoggedModels on MLflow 3.17.2 itself, read back with its Python client: what
 * {@code LoggedModelUploadTest} checks against the emulator, against the real handlers and SQL store.
 */
class LoggedModelMlflowTest {

  @TempDir Path out;

  @Test
  void theBestCheckpointBySearchLoggedModelsIsTheBestEpochs() throws Exception {
    try (MlflowServer server = MlflowServer.start()) {
      Properties settings = MlflowTestRuns.settings(server.uri());
      settings.setProperty("prov4ml.mlflow.register-models", "true");
      Run run = MlflowTestRuns.start(settings, out, "checkpoints", "checkpoints");
      try (Model mlp = ModelRegistrationTest.mlp()) {
        double[] accuracy = {0, 0.61, 0.83, 0.72};
        for (int epoch = 1; epoch <= 3; epoch++) {
          run.logMetric("batch_loss", 1.0 / epoch, Context.TRAINING, epoch * 10);
          Thread.sleep(2);
          run.logMetric("Accuracy", accuracy[epoch], Context.VALIDATION, epoch);
          if (epoch == 2) { // values first, then the checkpoint: held until it is known
            run.logMetric("loss", 1.0 / epoch, Context.TRAINING, epoch);
            run.saveModelVersion(mlp, "mlp.v1", Context.TRAINING, epoch);
          } else { // the checkpoint first (before the first checkpoint nothing is held)
            run.saveModelVersion(mlp, "mlp.v1", Context.TRAINING, epoch);
            run.logMetric("loss", 1.0 / epoch, Context.TRAINING, epoch);
          }
          Thread.sleep(1200); // a pass per epoch: the upload interval is 1 s
        }
      }
      run.close();
      Prov4ml.endRun();
      String runId = MlflowTestRuns.cursor(run).runId;
      assertTrue(MlflowTestRuns.sync(run.runDirectory(), server.uri(), Map.of()).complete());
      String script = """
          import json, sys
          from mlflow import MlflowClient
          c = MlflowClient(tracking_uri=sys.argv[1])
          r = c.get_run(sys.argv[2])
          ms = c.search_logged_models(experiment_ids=[r.info.experiment_id],
              order_by=[{"field_name": "metrics.validation/Accuracy", "ascending": False}])
          def vals(m):
              g = c.get_logged_model(m.model_id)
              return {x.key: [x.step, x.value] for x in (g.metrics or [])}
          vs = c.search_model_versions("name='mlp.v1'")  # 3.17.2's SQL registry keeps no model_id
          print(json.dumps({
              "outputs": sorted([o.step, o.model_id] for o in r.outputs.model_outputs),
              "models": [{"id": m.model_id, "name": m.name, "status": str(m.status), "step": m.tags.get("prov4ml.step"),
                  "versions": json.loads(c.get_logged_model(m.model_id).tags.get("mlflow.modelVersions", "[]")),
                  "metrics": vals(m), "files": [f.path for f in c.list_logged_model_artifacts(m.model_id)]} for m in ms],
              "versions": sorted([v.version, v.source] for v in vs)}))
          """;
      JsonNode read = new ObjectMapper().readTree(PythonEnv.runScript(PythonEnv.Venv.MAIN, script, 120,
          server.uri(), runId).requireSuccess("mlflow's client").stdout());
      JsonNode models = read.path("models");
      assertEquals(3, models.size(), read.toString());
      assertEquals("2", models.get(0).path("step").asText(), "the best validation epoch's checkpoint first: " + read);
      assertEquals("0.83", models.get(0).path("metrics").path("validation/Accuracy").get(1).asText());
      for (JsonNode m : models) {
        assertEquals("mlp_v1", m.path("name").asText());
        assertTrue(m.path("status").asText().contains("READY"), m.toString());
        assertEquals(m.path("step").asText(), m.path("metrics").path("validation/Accuracy").get(0).asText(),
            "its own metrics are its epoch's: " + m);
        assertEquals(m.path("step").asText(), m.path("metrics").path("training/loss").get(0).asText());
        assertEquals(1, m.path("files").size(), m.toString());
      }
      assertEquals(3, read.path("outputs").size());
      for (JsonNode o : read.path("outputs")) {
        JsonNode model = null;
        for (JsonNode m : models) {
          model = m.path("id").asText().equals(o.get(1).asText()) ? m : model;
        }
        assertEquals(o.get(0).asText(), model.path("step").asText(), "an output at its step");
      }
      assertEquals(3, read.path("versions").size());
      // 3.17.2's SQL registry keeps no model_id on a version: the link is the LoggedModel's tag and the source.
      for (JsonNode m : models) {
        assertEquals(1, m.path("versions").size(), "made from the LoggedModel: " + m);
      }
      read.path("versions").forEach(v -> assertTrue(v.get(1).asText().contains("/models/m-"), "its source: " + v));

      assertTrue(MlflowTestRuns.sync(run.runDirectory(), server.uri(), Map.of()).complete());
      JsonNode again = new ObjectMapper().readTree(PythonEnv.runScript(PythonEnv.Venv.MAIN, script, 120,
          server.uri(), runId).requireSuccess("mlflow's client").stdout());
      assertEquals(read.path("outputs"), again.path("outputs"), "a second sync creates nothing");
      assertEquals(3, again.path("models").size());
      assertEquals(3, again.path("versions").size());
    }
  }
}
