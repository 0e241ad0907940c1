package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.prov4ml.Context;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.ModelVersion;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.Chromium;
import org.prov4ml.testing.MlflowServer;
import org.prov4ml.testing.PythonEnv;
import org.prov4ml.testing.ReadBack;

/**
 * Issue 21's check, end to end: the demo under the agent, four epochs, a checkpoint each, the registry on,
 * against a real MLflow 3.17.2; read back through MLflow's own Python client (each checkpoint a LoggedModel
 * and an output at its step, holding its epoch's validation values with their data set; the best by
 * {@code search_logged_models} is the app's best validation epoch; registry versions tied to their
 * LoggedModels), and the run's page as prov4ml prints it, opened in a real Chromium.
 *
 * <p>{@code -Dmlflow.run-page.screenshot=<file>} also writes the run page's screenshot there (how
 * docs/mlflow-run-page.png was made); by default it goes under target/.
 */
class DemoCheckpointsInMlflowTest {

  private static final int EPOCHS = 4;
  private static final Pattern RUN_PAGE = Pattern.compile("started, provenance in .*, MLflow run (\\S+)");

  @TempDir
  static Path work;

  private static MlflowServer server;
  private static RunDirectory local;
  private static String runId;
  private static String page;
  private static Map<String, String> digests;

  @BeforeAll
  static void theDemoTrainsAgainstMlflow() throws Exception {
    server = MlflowServer.start();
    ForkedApp.Result app = new ForkedApp(work).property("prov4ml.mlflow.tracking-uri", server.uri())
        .property("prov4ml.experiment-name", "demo_checkpoints").property("prov4ml.system-metrics.interval", "0")
        .property("prov4ml.mlflow.register-models", "true")
        .runJar(ForkedApp.DEMO_JAR, "--epochs", Integer.toString(EPOCHS), "--models", "models").requireSuccess();
    local = app.onlyRun();
    Matcher started = RUN_PAGE.matcher(app.stderr());
    assertTrue(started.find(), app.stderr());
    page = started.group(1);
    assertEquals(page, local.run().attribute("yprov:mlflow_run_url").orElseThrow(), "the page the run recorded");
    runId = local.run().attribute("yprov:mlflow_run_id").orElseThrow();
    JsonNode sent = new ObjectMapper().readTree(local.path().resolve("mlflow_GR0.json").toFile())
        .path("dataset_inputs");
    digests = Map.of("train_dataset", sent.path("train_dataset//TRAINING").asText(),
        "validation_dataset", sent.path("validation_dataset//VALIDATION").asText(),
        "test_dataset", sent.path("test_dataset//TESTING").asText());
    digests.forEach((name, digest) -> assertEquals(36, digest.length(), name + ": " + digest));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyCheckpointIsALoggedModelHoldingItsEpochsValidationValuesAndTheBestIsTheAppsBestEpoch()
      throws Exception {
    String script = """
        import json, sys
        from mlflow import MlflowClient
        c = MlflowClient(tracking_uri=sys.argv[1])
        r = c.get_run(sys.argv[2])
        best_first = c.search_logged_models(experiment_ids=[r.info.experiment_id],
            order_by=[{"field_name": "metrics.validation/Accuracy", "ascending": False}])
        def metrics(model_id):
            return [{"key": m.key, "step": m.step, "value": m.value, "dataset_name": m.dataset_name,
                "dataset_digest": m.dataset_digest, "model_id": m.model_id}
                for m in (c.get_logged_model(model_id).metrics or [])]
        print(json.dumps({
            "outputs": [[o.model_id, o.step] for o in r.outputs.model_outputs],
            "models": [{"id": m.model_id, "name": m.name, "status": str(m.status), "source_run_id": m.source_run_id,
                "location": m.artifact_location, "tags": m.tags, "metrics": metrics(m.model_id)} for m in best_first],
            "versions": [{"name": v.name, "version": str(v.version), "source": v.source, "run_id": v.run_id,
                "model_id": getattr(v, "model_id", None)}
                for v in c.search_model_versions(f"run_id='{r.info.run_id}'")]}))
        """;
    JsonNode read = new ObjectMapper().readTree(PythonEnv.runScript(script, 120, server.uri(), runId)
        .requireSuccess("mlflow's client").stdout());

    // One LoggedModel per checkpoint the run directory records, READY, made by this run, at its step.
    List<ModelVersion> checkpoints = local.modelVersions();
    assertEquals(EPOCHS, checkpoints.size(), checkpoints.toString());
    Map<Long, JsonNode> modelByStep = new TreeMap<>();
    for (JsonNode m : read.path("models")) {
      assertEquals("mlp", m.path("name").asText(), m.toString());
      assertEquals("READY", m.path("status").asText(), m.toString());
      assertEquals(runId, m.path("source_run_id").asText());
      assertTrue(modelByStep.put(m.path("tags").path("prov4ml.step").asLong(), m) == null,
          "one LoggedModel per step: " + read);
    }
    Map<Long, String> sha256ByStep = new TreeMap<>();
    checkpoints.forEach(v -> sha256ByStep.put(v.step(), v.sha256().orElseThrow()));
    assertEquals(sha256ByStep.keySet(), modelByStep.keySet(), "a LoggedModel per checkpoint: " + read);
    sha256ByStep.forEach((step, sha) -> assertEquals(sha, modelByStep.get(step).path("tags").path("prov4ml.sha256")
        .asText(), "step " + step));
    Map<String, Long> outputs = new HashMap<>();
    read.path("outputs").forEach(o -> outputs.put(o.get(0).asText(), o.get(1).asLong()));
    Map<String, Long> expectedOutputs = new HashMap<>();
    modelByStep.forEach((step, m) -> expectedOutputs.put(m.path("id").asText(), step));
    assertEquals(expectedOutputs, outputs, "the run's outputs: each LoggedModel at its step");

    // Each LoggedModel holds its epoch's value of every validation series, naming the validation set.
    List<MetricSeries> validation = local.metrics().stream().filter(s -> s.context() == Context.VALIDATION).toList();
    assertTrue(validation.stream().anyMatch(s -> s.key().equals("Accuracy")), validation.toString());
    for (Map.Entry<Long, JsonNode> e : modelByStep.entrySet()) {
      Map<String, JsonNode> held = new HashMap<>();
      e.getValue().path("metrics").forEach(m -> held.put(m.path("key").asText(), m));
      for (MetricSeries series : validation) {
        double value = ReadBack.points(series).stream().filter(p -> p.step() == e.getKey()).findFirst()
            .orElseThrow(() -> new AssertionError("no " + series.key() + " at epoch " + e.getKey())).value();
        JsonNode m = held.get("validation/" + series.key());
        assertNotNull(m, "validation/" + series.key() + " of the checkpoint of epoch " + e.getKey() + ": " + held);
        assertEquals(e.getKey().longValue(), m.path("step").asLong());
        assertEquals(value, m.path("value").asDouble(), 1e-6, m.toString());
        assertEquals(e.getValue().path("id").asText(), m.path("model_id").asText());
        assertEquals("validation_dataset", m.path("dataset_name").asText(), m.toString());
        assertEquals(digests.get("validation_dataset"), m.path("dataset_digest").asText(), m.toString());
      }
    }

    // The best by search_logged_models is the checkpoint of the app's own best validation epoch.
    List<MetricPoint> accuracy = ReadBack.points(local, "Accuracy", Context.VALIDATION);
    assertEquals(EPOCHS, accuracy.size(), accuracy.toString());
    double best = accuracy.stream().mapToDouble(MetricPoint::value).max().orElseThrow();
    TreeSet<Long> bestEpochs = new TreeSet<>();
    accuracy.stream().filter(p -> p.value() == best).forEach(p -> bestEpochs.add(p.step()));
    long firstStep = read.path("models").get(0).path("tags").path("prov4ml.step").asLong();
    assertTrue(bestEpochs.contains(firstStep), "best first: epoch " + firstStep + ", the app's best " + bestEpochs
        + " of " + accuracy);

    // Every registry version is tied to its LoggedModel: its source inside the LoggedModel's artifacts and the
    // LoggedModel's mlflow.modelVersions tag naming it (3.17.2's SQL registry returns no model_id; if a server
    // does, it is that LoggedModel's).
    JsonNode versions = read.path("versions");
    assertEquals(EPOCHS, versions.size(), versions.toString());
    List<String> linked = new ArrayList<>();
    for (JsonNode v : versions) {
      assertEquals("mlp", v.path("name").asText());
      assertEquals(runId, v.path("run_id").asText());
      String source = v.path("source").asText();
      JsonNode model = null;
      for (JsonNode m : read.path("models")) {
        String location = m.path("location").asText();
        model = source.equals(location) || source.startsWith(location + "/") ? m : model;
      }
      assertNotNull(model, "version " + v + " inside a LoggedModel's artifacts: " + read);
      JsonNode tagged = new ObjectMapper().readTree(model.path("tags").path("mlflow.modelVersions").asText("[]"));
      assertEquals(1, tagged.size(), model.toString());
      assertEquals("mlp", tagged.get(0).path("name").asText());
      assertEquals(v.path("version").asText(), tagged.get(0).path("version").asText(), model.toString());
      if (!v.path("model_id").isNull()) {
        assertEquals(model.path("id").asText(), v.path("model_id").asText());
      }
      linked.add(model.path("id").asText());
    }
    assertEquals(EPOCHS, new TreeSet<>(linked).size(), "each version a LoggedModel of its own: " + versions);
  }

  @Test
  void theRunPageShowsTheDataSetsAndCheckpointsUnderModelTraining() throws Exception {
    assertTrue(page.startsWith(server.uri() + "/#/experiments/") && page.endsWith("?workflowType=machine_learning"),
        page);
    try (Chromium browser = Chromium.start(1400, 1000)) {
      ChromeDriver driver = browser.driver();
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));

      // Without the query a fresh browser shows MLflow 3's GenAI side bar, whatever the experiment's kind.
      driver.get(page.substring(0, page.indexOf('?')));
      wait.until(d -> !d.findElements(By.xpath("//h4[starts-with(normalize-space(.), 'Logged models')]")).isEmpty());
      assertTrue(sideBar(driver).contains("Evaluation runs"), sideBar(driver).toString());

      driver.get(page);
      driver.navigate().refresh(); // a hash change alone keeps the page's state: load it as a new visitor would
      wait.until(d -> !d.findElements(By.xpath("//h4[starts-with(normalize-space(.), 'Logged models')]")).isEmpty());
      List<String> side = sideBar(driver);
      // The experiment under "Model training": its runs, models and traces, and the registry.
      assertTrue(side.containsAll(List.of("demo_checkpoints", "Runs", "Models", "Model registry")), side.toString());
      assertFalse(side.contains("Evaluation runs") || side.contains("Judges"), side.toString());
      closeAssistant(browser);

      // "Logged models (4)": a row per checkpoint, at its step, Ready.
      WebElement loggedModels = driver.findElement(By.xpath(
          "//h4[starts-with(normalize-space(.), 'Logged models')]"));
      WebElement grid = loggedModels.findElement(By.xpath("./ancestor::div[.//div[@role='grid']][1]"));
      wait.until(d -> grid.findElements(By.cssSelector("[role=gridcell][col-id=step]")).size() == EPOCHS);
      assertEquals("Logged models (" + EPOCHS + ")", loggedModels.getText().strip());
      TreeSet<String> steps = new TreeSet<>();
      grid.findElements(By.cssSelector("[role=gridcell][col-id=step]")).forEach(c -> steps.add(c.getText().strip()));
      TreeSet<String> expectedSteps = new TreeSet<>();
      local.modelVersions().forEach(v -> expectedSteps.add(Long.toString(v.step())));
      assertEquals(expectedSteps, steps);
      grid.findElements(By.cssSelector("[role=gridcell][col-id=status]"))
          .forEach(c -> assertEquals("Ready", c.getText().strip()));

      // The screenshot: the validation metrics and one parameter, so that Datasets and Logged models share the
      // window; the Datasets' "+2" opened last, as it closes on scrolling.
      type(driver, "Search metrics", "validation/");
      type(driver, "Search parameters", "final_validate_Acc");
      driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 1400, "height", 1000,
          "deviceScaleFactor", 1, "mobile", false));
      browser.script("var s = arguments[0]; while (s && !(s.scrollHeight > s.clientHeight + 5"
          + " && getComputedStyle(s).overflowY !== 'visible')) { s = s.parentElement; }"
          + " if (s) { s.scrollTop = 0; s.scrollTop = Math.max(0, arguments[0].getBoundingClientRect().bottom"
          + " - s.getBoundingClientRect().bottom + 16); }", grid);

      // The three data sets with their contexts: the first in the Overview, the other two behind "+2".
      // (Read by script: React renders these elements again as the popover opens.)
      WebElement datasets = driver.findElement(By.xpath("//h4[normalize-space(.)='Datasets']/.."));
      List<String> shown = new ArrayList<>(lines(datasets.getText()));
      WebElement more = datasets.findElement(By.xpath(".//button[@aria-haspopup='dialog']"));
      assertEquals("+2", more.getText().strip());
      String popover = more.getAttribute("aria-controls");
      more.click();
      String others = wait.until(d -> {
        Object text = browser.script("var p = document.getElementById(arguments[0]); return p ? p.innerText : ''",
            popover);
        return text instanceof String t && !t.isBlank() ? t : null;
      });
      shown.addAll(lines(others));
      for (String[] set : new String[][] {{"train_dataset", "Training"}, {"validation_dataset", "Validation"},
          {"test_dataset", "Testing"}}) {
        int at = shown.indexOf(set[0] + " (" + digests.get(set[0]) + ")");
        assertTrue(at >= 0 && at + 1 < shown.size(), set[0] + " in " + shown);
        assertEquals(set[1], shown.get(at + 1), set[0] + "'s context in " + shown);
      }

      Path screenshot = Path.of(System.getProperty("mlflow.run-page.screenshot",
          ForkedApp.TARGET.resolve("screenshots/mlflow-run-page.png").toString()));
      Files.createDirectories(screenshot.toAbsolutePath().getParent());
      Files.write(screenshot, driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
      assertTrue(Files.size(screenshot) > 50_000);
    }
  }

  /** The names of the side bar's links. */
  private static List<String> sideBar(ChromeDriver driver) {
    return driver.findElements(By.cssSelector("nav a")).stream().map(a -> a.getText().strip()).toList();
  }

  /** Closes MLflow 3's assistant panel, open on a first visit, which takes a third of the window. */
  private static void closeAssistant(Chromium browser) {
    browser.script("var b = document.querySelector('button[aria-label=Close]'); if (b) { b.click(); }");
  }

  private static void type(ChromeDriver driver, String placeholder, String text) {
    driver.findElement(By.cssSelector("input[placeholder='" + placeholder + "']")).sendKeys(text);
  }

  private static List<String> lines(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }
}
