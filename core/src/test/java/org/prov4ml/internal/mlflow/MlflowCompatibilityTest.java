package org.prov4ml.internal.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.format.RunLayout;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.Chromium;
import org.prov4ml.testing.FaultyProxy;
import org.prov4ml.testing.FaultyProxy.Mode;
import org.prov4ml.testing.MlflowServer;
import org.prov4ml.testing.LocalFilesDataset;
import org.prov4ml.testing.PythonEnv;

/**
 * The tests against MLflow 2.17.2, the older server line the tests ran on before 3.x: a whole run,
 * with what the uploader relies on the server for (a batch whose answer was lost, found by the run's
 * latest values; a batch of steps logged again, found among the points at its step; model versions in
 * the registry), and a run's data sets as inputs, read back by 2.17.2's own Python client. Every other
 * MLflow test runs against the 3.x server.
 */
class MlflowCompatibilityTest {

  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path out;

  @AfterEach
  void stop() {
    Prov4ml.endRun();
    Prov4mlConfig.replace(Prov4mlConfig.load());
  }

  @Test
  void aWholeRunReachesMlflow2_17ExactlyOnce() throws Exception {
    try (MlflowServer server = MlflowServer.start(PythonEnv.Venv.MLFLOW_2_17);
        FaultyProxy proxy = new FaultyProxy(server.uri())) {
      assertEquals("2.17.2", server.version());
      Properties settings = MlflowTestRuns.settings(proxy.uri());
      settings.setProperty("prov4ml.mlflow.register-models", "true");
      proxy.nextMetricBatch(Mode.APPLIED_THEN_504); // the server has it; the uploader cannot know
      Run run = MlflowTestRuns.start(settings, out, "compat", "compat");
      run.logParam("lr", 0.01);
      for (int step = 0; step < 2500; step++) {
        double value = step == 7 ? Double.NaN : step == 8 ? Double.POSITIVE_INFINITY : step / 10.0;
        run.logMetric("loss", value, Context.TRAINING, step, false, T0 + step);
      }
      for (int step = 1000; step < 2000; step++) { // an epoch run again
        run.logMetric("loss", step / 10.0 + 1, Context.TRAINING, step, false, T0 + 10_000 + step);
      }
      run.logArtifact(Files.writeString(out.resolve("notes.txt"), "on 2.17"));
      try (ai.djl.Model mlp = ModelRegistrationTest.mlp()) {
        run.saveModelVersion(mlp, "compat-mlp", Context.TRAINING, 1);
        run.saveModelVersion(mlp, "compat-mlp", Context.TRAINING, 2);
      }
      run.close();

      assertEquals(1, proxy.count(Mode.APPLIED_THEN_504, "POST", "/runs/log-batch"), "an answer was lost");
      assertEquals(3500, proxy.metricPointsDelivered(), "every point exactly once");
      assertEquals(0, proxy.count(Mode.PASS, "GET", "/metrics/get-history"), "found by the latest values");

      // The batch of the epoch run again, in flight when the process died: it moves no latest value,
      // and 2.17.2 answers the question about its step with all of the step's points.
      RunLayout layout = RunLayout.open(run.runDirectory());
      Path csv = layout.metricFile("loss", Context.TRAINING.name());
      long again = MlflowTestRuns.offsetAfterRows(csv, 2500);
      UploadCursor.Point latest = new UploadCursor.Point(2499, T0 + 2499, 2499 / 10.0);
      MlflowTestRuns.putBatchInFlight(run.runDirectory(), server.uri(), csv.getFileName().toString(), again,
          Files.size(csv), latest, new UploadCursor.Point(1999, T0 + 10_000 + 1999, 1999 / 10.0 + 1));
      assertTrue(MlflowTestRuns.sync(run.runDirectory(), proxy.uri(), java.util.Map.of()).complete());
      assertEquals(3500, proxy.metricPointsDelivered(), "found on the server: not sent again");
      // One that never arrived (its last point is not on the server) is sent again; the store drops
      // the points it already has.
      MlflowTestRuns.putBatchInFlight(run.runDirectory(), server.uri(), csv.getFileName().toString(), again,
          Files.size(csv), latest, new UploadCursor.Point(1999, T0 + 99_999, 0.5));
      assertTrue(MlflowTestRuns.sync(run.runDirectory(), proxy.uri(), java.util.Map.of()).complete());
      assertEquals(4500, proxy.metricPointsDelivered(), "not found: sent again");
      assertEquals(2, proxy.count(Mode.PASS, "GET", "/metrics/get-history-bulk-interval"), "once per batch");
      assertEquals(0, proxy.count(Mode.PASS, "GET", "/metrics/get-history"), "the history was never read");
      String runId = MlflowTestRuns.cursor(run).runId;
      String script = """
          import json, math, sys
          import mlflow
          from mlflow import MlflowClient
          mlflow.set_tracking_uri(sys.argv[1])
          c = MlflowClient(tracking_uri=sys.argv[1])
          r = c.get_run(sys.argv[2])
          h = c.get_metric_history(sys.argv[2], "training/loss")
          v = sorted(c.search_model_versions("name='compat-mlp'"), key=lambda v: int(v.version))
          print(json.dumps({"version": mlflow.__version__, "status": r.info.status, "params": r.data.params,
              "points": len(h), "steps": len({m.step for m in h}), "nan": [m.step for m in h if math.isnan(m.value)],
              "artifacts": sorted(f.path for f in c.list_artifacts(sys.argv[2])),
              "versions": [[x.version, x.run_id, x.source, x.tags.get("prov4ml.step")] for x in v]}))
          """;
      JsonNode read = new ObjectMapper().readTree(PythonEnv.runScript(PythonEnv.Venv.MLFLOW_2_17, script, 120,
          server.uri(), runId).requireSuccess("mlflow 2.17.2's client").stdout());
      assertEquals("2.17.2", read.path("version").asText());
      assertEquals("FINISHED", read.path("status").asText());
      assertEquals("0.01", read.path("params").path("lr").asText());
      assertEquals(3500, read.path("points").asInt(), "every point as often as it was logged");
      assertEquals(2500, read.path("steps").asInt());
      assertEquals("[7]", read.path("nan").toString());
      assertEquals("[\"compat-mlp\",\"notes.txt\",\"prov4ml\"]", read.path("artifacts").toString());
      String root = server.rest().run(runId).path("info").path("artifact_uri").asText();
      assertEquals("[[\"1\",\"" + runId + "\",\"" + root + "/compat-mlp/compat-mlp-0001.params\",\"1\"],"
          + "[\"2\",\"" + runId + "\",\"" + root + "/compat-mlp/compat-mlp-0002.params\",\"2\"]]",
          read.path("versions").toString());
      assertTrue(MlflowTestRuns.sync(run.runDirectory(), proxy.uri(), java.util.Map.of()).complete());
      assertEquals(4500, proxy.metricPointsDelivered(), "a further upload sends nothing again");
      // No LoggedModels before 3.0: asked once per server in the process, nothing else tried.
      assertEquals(1, proxy.count(Mode.PASS, "POST", "/logged-models/search"), "asked once");
      assertEquals(0, proxy.count(Mode.PASS, "POST", "/logged-models"));
      assertEquals(0, proxy.count(Mode.PASS, "POST", "/runs/outputs"));
    }
  }

  /**
   * Data sets on 2.17.2: its {@code runs/log-inputs} takes them (kept once across uploads), the experiment
   * gets its kind as an ordinary tag, and its {@code log-batch} takes validation points that name their data
   * set (its request parser ignores fields it does not know); the run's page as recorded opens in its UI.
   */
  @Test
  void dataSetsReachMlflow2_17AsInputsOnce() throws Exception {
    try (MlflowServer server = MlflowServer.start(PythonEnv.Venv.MLFLOW_2_17)) {
      Path valid = Files.writeString(out.resolve("valid.csv"), "1,2\n3,4\n");
      Run run = MlflowTestRuns.start(MlflowTestRuns.settings(server.uri()), out, "compat_data", "compat_data");
      run.logDataset("validation_dataset", new LocalFilesDataset(valid), Context.VALIDATION);
      for (int epoch = 1; epoch <= 3; epoch++) {
        run.logMetric("Accuracy", epoch / 10.0, Context.VALIDATION, epoch, false, T0 + epoch);
      }
      run.close();
      String sha256 = RunDirectory.open(run.runDirectory()).datasets().get(0).sha256().orElseThrow();
      String runId = MlflowTestRuns.cursor(run).runId;
      assertEquals(sha256.substring(0, 36), MlflowTestRuns.cursor(run).datasetInputs.get("validation_dataset//VALIDATION"));
      String script = """
          import json, sys
          from mlflow import MlflowClient
          c = MlflowClient(tracking_uri=sys.argv[1])
          r = c.get_run(sys.argv[2])
          print(json.dumps({"kind": c.get_experiment(r.info.experiment_id).tags.get("mlflow.experimentKind"),
              "inputs": [[i.dataset.name, i.dataset.digest, i.dataset.source_type,
                  {t.key: t.value for t in i.tags}.get("mlflow.data.context")] for i in r.inputs.dataset_inputs],
              "points": [[m.step, m.value] for m in c.get_metric_history(sys.argv[2], "validation/Accuracy")]}))
          """;
      String expected = "{\"kind\":\"custom_model_development\",\"inputs\":[[\"validation_dataset\",\""
          + sha256.substring(0, 36) + "\",\"local\",\"validation\"]],\"points\":[[1,0.1],[2,0.2],[3,0.3]]}";
      assertEquals(expected, new ObjectMapper().readTree(PythonEnv.runScript(PythonEnv.Venv.MLFLOW_2_17, script, 120,
          server.uri(), runId).requireSuccess("mlflow 2.17.2's client").stdout()).toString());
      // The run's page (as its cursor keeps it for the report), with the query that opens 3.x's "Model
      // training": 2.17.2's UI ignores it and shows the run with its data set.
      String page = MlflowReplica.recordedRunPage(RunLayout.open(run.runDirectory()));
      assertTrue(page.endsWith("/runs/" + runId + "?workflowType=machine_learning"), page);
      try (Chromium browser = Chromium.start(1400, 1000)) {
        browser.driver().get(page);
        new WebDriverWait(browser.driver(), Duration.ofSeconds(60)).until(d -> {
          String text = d.findElement(By.tagName("body")).getText();
          return text.contains(runId) && text.contains("validation_dataset");
        });
      }
      // A sync that has lost its memory of the data set sends it again: the server keeps one input.
      UploadCursor cursor = UploadCursor.load(run.runDirectory(), 0, server.uri());
      cursor.datasetInputs.clear();
      cursor.save();
      assertTrue(MlflowTestRuns.sync(run.runDirectory(), server.uri(), java.util.Map.of()).complete());
      assertEquals(expected, new ObjectMapper().readTree(PythonEnv.runScript(PythonEnv.Venv.MLFLOW_2_17, script, 120,
          server.uri(), runId).requireSuccess("mlflow 2.17.2's client").stdout()).toString());
    }
  }
}
