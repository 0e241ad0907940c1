package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prov4ml.testing.ReadBack.points;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.it.apps.DemoTraining;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.MlflowRest;
import org.prov4ml.testing.MlflowServer;
import org.prov4ml.testing.PythonEnv;
import org.prov4ml.testing.ReadBack;

/**
 * The demo under the agent with a tracking URI: the real MLflow server ends up with exactly what
 * the local run directory holds, under MLflow's names.
 */
class DemoToMlflowTest {

  private static final int EPOCHS = 2;
  private static final int BATCHES = DemoTraining.TRAIN_SAMPLES / DemoTraining.BATCH;

  @TempDir
  Path work;

  @Test
  void everyPointParamAndModelVersionReachesMlflow() throws Exception {
    try (MlflowServer server = MlflowServer.start()) {
      ForkedApp.Result app = new ForkedApp(work).property("prov4ml.mlflow.tracking-uri", server.uri())
          .property("prov4ml.experiment-name", "demo_mlflow").property("prov4ml.system-metrics.interval", "0")
          .runJar(ForkedApp.DEMO_JAR, "--epochs", Integer.toString(EPOCHS), "--models", "models").requireSuccess();
      assertTrue(app.stderr().contains("all uploaded to MLflow run " + server.uri() + "/#/experiments/"),
          app.stderr());
      RunDirectory local = app.onlyRun();
      MlflowRest rest = server.rest();
      Map<String, String> runs = rest.runsOf("demo_mlflow");
      assertEquals(1, runs.size(), runs.toString());
      String runId = runs.values().iterator().next();
      String page = server.uri() + "/#/experiments/" + rest.run(runId).path("info").path("experiment_id").asText()
          + "/runs/" + runId + "?workflowType=machine_learning";
      assertEquals(1, app.stderrLines("started, provenance in " + local.path() + ", MLflow run " + page),
          app.stderr());
      // The run's report links to the same page.
      ForkedApp.Result report = new ForkedApp(work.resolve("report")).withoutAgent()
          .runJar(ForkedApp.AGENT_JAR, "report", local.path().toString());
      assertEquals(0, report.exitCode(), report.stderr());
      assertTrue(Files.readString(local.path().resolve("report.html")).contains("\"mlflow\":\"" + page + "\""));

      assertEquals("FINISHED", rest.run(runId).path("info").path("status").asText());
      assertEquals("JOB", rest.tags(runId).get("mlflow.source.type"));
      assertEquals(local.params(), rest.params(runId));
      assertSameHistory(points(local, "batch_loss", Context.TRAINING), rest.history(runId, "training/batch_loss"));
      assertEquals(EPOCHS * BATCHES, rest.history(runId, "training/batch_loss").size());
      assertSameHistory(points(local, "learning_rate", Context.TRAINING),
          rest.history(runId, "training/learning_rate"));
      assertSameHistory(points(local, "Accuracy", Context.VALIDATION), rest.history(runId, "validation/Accuracy"));
      assertSameHistory(points(local, "Accuracy", Context.TESTING), rest.history(runId, "testing/Accuracy"));

      Map<String, Long> artifacts = rest.artifacts(runId);
      for (int epoch = 1; epoch <= EPOCHS; epoch++) {
        String file = String.format("mlp-%04d.params", epoch);
        assertEquals(Files.size(work.resolve("models").resolve(file)), artifacts.get("mlp/" + file), file);
      }
      assertTrue(artifacts.containsKey("model_summary.txt"), artifacts.toString());
      assertTrue(artifacts.keySet().stream().anyMatch(p -> p.matches("prov4ml/prov_demo_mlflow_GR0_\\d+\\.json")),
          artifacts.toString());

      // MLflow 3's view through its own client: a model-training experiment, and the three data sets as inputs,
      // with the digests the cursor kept for the points that name them; a later sync adds none.
      JsonNode inputs = datasetInputs(server.uri(), runId);
      assertEquals("custom_model_development", inputs.path("kind").asText());
      JsonNode sent = new ObjectMapper().readTree(local.path().resolve("mlflow_GR0.json").toFile())
          .path("dataset_inputs");
      assertEquals("[[\"train_dataset\",\"" + sent.path("train_dataset//TRAINING").asText() + "\",\"training\"],"
          + "[\"validation_dataset\",\"" + sent.path("validation_dataset//VALIDATION").asText() + "\",\"validation\"],"
          + "[\"test_dataset\",\"" + sent.path("test_dataset//TESTING").asText() + "\",\"testing\"]]",
          inputs.path("inputs").toString());
      ForkedApp.Result sync = new ForkedApp(work.resolve("sync")).withoutAgent()
          .runJar(ForkedApp.AGENT_JAR, "sync", local.path().toString(), "--tracking-uri", server.uri());
      assertEquals(0, sync.exitCode(), sync.stderr());
      assertEquals(inputs, datasetInputs(server.uri(), runId), "a second upload adds no data set");
    }
  }

  /** The experiment's kind and the run's dataset inputs ([name, digest, context], by name), read by MLflow's client. */
  private static JsonNode datasetInputs(String uri, String runId) throws Exception {
    String script = """
        import json, sys
        from mlflow import MlflowClient
        c = MlflowClient(tracking_uri=sys.argv[1])
        r = c.get_run(sys.argv[2])
        kind = c.get_experiment(r.info.experiment_id).tags.get("mlflow.experimentKind")
        inputs = [[i.dataset.name, i.dataset.digest, {t.key: t.value for t in i.tags}.get("mlflow.data.context")]
            for i in r.inputs.dataset_inputs]
        order = {"train_dataset": 0, "validation_dataset": 1, "test_dataset": 2}
        print(json.dumps({"kind": kind, "inputs": sorted(inputs, key=lambda i: order.get(i[0], 3))}))
        """;
    return new ObjectMapper().readTree(PythonEnv.runScript(script, 120, uri, runId)
        .requireSuccess("mlflow's client").stdout());
  }

  private static void assertSameHistory(List<MetricPoint> local, List<MlflowRest.Point> mlflow) {
    assertEquals(local.size(), mlflow.size());
    for (int i = 0; i < local.size(); i++) {
      assertEquals(local.get(i).step(), mlflow.get(i).step(), "step of point " + i);
      assertEquals(local.get(i).value(), mlflow.get(i).value(), 1e-6, "value of point " + i);
    }
  }
}
