package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.prov4ml.internal.format.FileDigests;
import org.prov4ml.it.apps.FineTuneApp;
import org.prov4ml.rundir.InputModel;
import org.prov4ml.rundir.ProvRelation;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.MlflowServer;
import org.prov4ml.testing.PythonEnv;

/**
 * Pre-train, then fine-tune in a second JVM from the newest checkpoint, as a user would: the second
 * run records the file it started from, with that file's SHA-256, in every recording mode (the agent
 * sees DJL's load; with the listener the app names it with {@code logInputModel}). The scenario others
 * extend: {@link #fineTune} leaves both runs and the checkpoint for further checks.
 */
class FineTuneRecordingTest {

  @TempDir
  Path work;

  /** The two runs and the checkpoint the second started from. */
  record FineTune(RunDirectory pretrained, RunDirectory finetuned, Path checkpoint, ForkedApp.Result app) {}

  /** Pre-trains for two epochs in one JVM, then fine-tunes for one from the newest checkpoint in another. */
  FineTune fineTune(RecordingMode mode, String... finetuneOptions) throws Exception {
    return fineTune(mode, work.resolve("pretrain"), work.resolve("finetune"), finetuneOptions);
  }

  /** {@link #fineTune(RecordingMode, String...)} with each JVM's working directory (and so output directory) given. */
  FineTune fineTune(RecordingMode mode, Path preWork, Path fineWork, String... finetuneOptions) throws Exception {
    return fineTune(mode, preWork, fineWork, app -> app, app -> app, finetuneOptions);
  }

  /** As above, each JVM configured further (its settings: an MLflow server, an experiment) before it runs. */
  FineTune fineTune(RecordingMode mode, Path preWork, Path fineWork, UnaryOperator<ForkedApp> preSettings,
      UnaryOperator<ForkedApp> fineSettings, String... finetuneOptions) throws Exception {
    Path models = work.resolve("models");
    Path pre = Files.createDirectories(preWork);
    ForkedApp.Result first = preSettings.apply(mode.fork(pre)).runMain(FineTuneApp.class, "pretrain", "--models",
        models.toString(), "--epochs", "2").requireSuccess();
    mode.checkDjl(first);
    List<RunDirectory> before = first.runs();
    if (mode.seesCallsListenersDoNot()) { // the agent sees SaveModelTrainingListener's saves; a listener does not
      assertEquals(2, before.get(0).modelVersions().size(), "pre-training's checkpoints: " + first.stderr());
    }
    Path fine = Files.createDirectories(fineWork);
    List<String> args = new ArrayList<>(List.of("finetune", "--models", models.toString(), "--epochs", "1"));
    args.addAll(List.of(finetuneOptions));
    ForkedApp.Result second = fineSettings.apply(mode.fork(fine)).runMain(FineTuneApp.class,
        args.toArray(String[]::new)).requireSuccess();
    mode.checkDjl(second);
    Path checkpoint = models.resolve("mlp-0002.params");
    assertTrue(second.stdout().contains("LOADED " + checkpoint), second.stdout());
    RunDirectory finetuned = second.runs().stream().filter(r -> !before.stream().map(RunDirectory::path).toList()
        .contains(r.path())).findFirst().orElseThrow();
    return new FineTune(before.get(0), finetuned, checkpoint, second);
  }

  @ParameterizedTest
  @EnumSource(RecordingMode.class)
  void theFineTunedRunRecordsTheCheckpointItStartedFrom(RecordingMode mode) throws Exception {
    // Criteria.loadModel reads the same file again: still one input model.
    FineTune f = fineTune(mode, mode == RecordingMode.LISTENER ? new String[0] : new String[] {"--criteria", "on"});
    List<InputModel> inputs = f.finetuned().inputModels();
    assertEquals(1, inputs.size(), inputs.toString());
    InputModel input = inputs.get(0);
    assertEquals("mlp", input.name());
    assertEquals(Optional.of(f.checkpoint()), input.file());
    assertEquals(FileDigests.sha256(f.checkpoint()), input.sha256().orElseThrow());
    assertEquals(Files.size(f.checkpoint()), input.size().orElseThrow());
    assertTrue(f.finetuned().primary().relations().contains(
        new ProvRelation("used", f.finetuned().primary().run().id(), input.id())));
    assertEquals(List.of(), f.pretrained().inputModels(), "the pre-training started from nothing");
    assertEquals("FINISHED", org.prov4ml.testing.ReadBack.status(f.finetuned()));
    validWithTheProvPackage(f.finetuned().primary().document());
    // The load hooks woven into BaseModel and PtModel failed nowhere: nothing but the start and end lines.
    assertEquals(0, f.app().outputLines("WARN") + f.app().outputLines("ERROR"), f.app().stderr());
    assertEquals(1, f.app().outputLines("FINISHED: "), f.app().stderr());
  }

  /**
   * Both runs in one output directory: the fine-tuned run's input model derives from the pre-training's version
   * of that file, named by its run, and {@code lineage} answers both ways from the run index beside them. Under
   * the agent, where the pre-training's saves (by DJL's {@code SaveModelTrainingListener}) are model versions;
   * with the listener the application would log them itself.
   */
  @ParameterizedTest
  @EnumSource(value = RecordingMode.class, names = {"AGENT", "AGENT_ON_OLDEST_DJL"})
  void theFineTunedRunLinksToThePretrainingAndLineageFollowsBothWays(RecordingMode mode) throws Exception {
    Path shared = work.resolve("shared");
    FineTune f = fineTune(mode, shared, shared);
    assertEquals(2, f.app().runs().size());
    InputModel input = f.finetuned().inputModels().get(0);
    String sha256 = FileDigests.sha256(f.checkpoint());
    String pretrainDir = f.pretrained().path().getFileName().toString();
    List<ProvRelation> derived = f.finetuned().primary().relations().stream()
        .filter(r -> r.kind().equals("wasDerivedFrom") && r.from().equals(input.id())).toList();
    assertEquals(1, derived.size(), f.app().stderr() + f.app().stdout());
    assertTrue(derived.get(0).to().startsWith("from_run/" + pretrainDir + "/"), derived.toString());
    validWithTheProvPackage(f.finetuned().primary().document());

    Path runs = shared.resolve("prov4ml-runs");
    ForkedApp.Result byFile = lineage(runs, f.checkpoint().toString());
    assertEquals(0, byFile.exitCode(), byFile.stderr());
    String text = byFile.stdout();
    assertTrue(text.contains("content " + sha256), text);
    int madeBy = text.indexOf("made by 1 run");
    int usedBy = text.indexOf("used by 1 run");
    assertTrue(madeBy >= 0 && usedBy > madeBy, text);
    assertTrue(text.substring(madeBy, usedBy).contains(pretrainDir), text);
    assertTrue(text.substring(usedBy).contains(f.finetuned().path().getFileName().toString()), text);
    // Downstream of a fine-tuned run's own checkpoint: made by it, and upstream it started from the pre-training.
    Path tuned = f.finetuned().modelVersions().get(0).file();
    ForkedApp.Result upstream = lineage(runs, tuned.toString(), "--json");
    assertEquals(0, upstream.exitCode(), upstream.stderr());
    JsonNode json = new ObjectMapper().readTree(upstream.stdout());
    assertTrue(json.toString().contains(sha256), "what the fine-tuned checkpoint's run started from: " + json);
    assertTrue(json.toString().contains(pretrainDir), json.toString());

    ForkedApp.Result unknown = lineage(runs, "0".repeat(64));
    assertEquals(1, unknown.exitCode(), unknown.stdout() + unknown.stderr());
    ForkedApp.Result bad = lineage(runs, "not-a-file-nor-a-digest");
    assertEquals(2, bad.exitCode());
    assertEquals(1, bad.stderr().lines().count(), bad.stderr());
    ForkedApp.Result badDir = lineage(work.resolve("no-such-dir"), sha256);
    assertEquals(2, badDir.exitCode());
    assertEquals(1, badDir.stderr().lines().count(), badDir.stderr());
  }

  /**
   * Both runs sent to MLflow 3.17.2 as they run, each to an experiment of its own, from one output directory: the
   * fine-tuned run's model inputs hold the pre-training's LoggedModel of the checkpoint it loaded (found through
   * the run index and the pre-training's upload cursor: the tag search covers only the run's own experiment), read
   * back with MLflow's client, and the local document still links the input model to the pre-training run.
   */
  @ParameterizedTest
  @EnumSource(value = RecordingMode.class, names = {"AGENT"})
  void onMlflowTheFineTunedRunsInputIsThePretrainingsLoggedModel(RecordingMode mode) throws Exception {
    try (MlflowServer server = MlflowServer.start()) {
      Path shared = work.resolve("shared");
      FineTune f = fineTune(mode, shared, shared, app -> toMlflow(app, server, "ft_pretrain"),
          app -> toMlflow(app, server, "ft_finetune"));
      JsonNode read = modelInputs(server, f);
      String preRun = cursor(f.pretrained()).path("run_id").asText();
      assertEquals(1, read.path("inputs").size(), read.toString());
      assertEquals(preRun, read.path("inputs").get(0).path("source_run_id").asText(), read.toString());
      assertEquals(FileDigests.sha256(f.checkpoint()), read.path("inputs").get(0).path("sha256").asText());
      assertEquals("2", read.path("inputs").get(0).path("step").asText(), "the newest checkpoint, epoch 2's");
      assertFalse(read.path("own").toString().contains(read.path("inputs").get(0).path("model_id").asText()),
          "its own checkpoints are outputs, not inputs: " + read);
      assertEquals(1, read.path("own").size(), read.toString());

      InputModel input = f.finetuned().inputModels().get(0);
      assertTrue(f.finetuned().primary().relations().stream().anyMatch(r -> r.kind().equals("wasDerivedFrom")
          && r.from().equals(input.id()) && r.to().startsWith("from_run/" + f.pretrained().path().getFileName() + "/")),
          "the local document links the input model to the pre-training run");

      // A later sync sends nothing more: the cursor kept the input.
      ForkedApp.Result sync = new ForkedApp(work.resolve("sync")).withoutAgent().runJar(ForkedApp.AGENT_JAR, "sync",
          f.finetuned().path().toString(), "--tracking-uri", server.uri());
      assertEquals(0, sync.exitCode(), sync.stderr());
      assertEquals(read, modelInputs(server, f));
    }
  }

  /**
   * The pre-training in another output directory, both runs in one experiment: no run index knows the
   * pre-training, so the LoggedModel is found by its SHA-256 tag in the run's experiment.
   */
  @ParameterizedTest
  @EnumSource(value = RecordingMode.class, names = {"AGENT"})
  void onMlflowAPretrainingInAnotherOutputDirectoryIsFoundByItsShaTag(RecordingMode mode) throws Exception {
    try (MlflowServer server = MlflowServer.start()) {
      FineTune f = fineTune(mode, work.resolve("pretrain"), work.resolve("finetune"),
          app -> toMlflow(app, server, "ft_shared"), app -> toMlflow(app, server, "ft_shared"));
      JsonNode read = modelInputs(server, f);
      assertEquals(1, read.path("inputs").size(), read.toString());
      assertEquals(cursor(f.pretrained()).path("run_id").asText(),
          read.path("inputs").get(0).path("source_run_id").asText(), read.toString());
      assertEquals(FileDigests.sha256(f.checkpoint()), read.path("inputs").get(0).path("sha256").asText());
    }
  }

  private static ForkedApp toMlflow(ForkedApp app, MlflowServer server, String experiment) {
    return app.property("prov4ml.mlflow.tracking-uri", server.uri()).property("prov4ml.experiment-name", experiment)
        .property("prov4ml.system-metrics.interval", "0");
  }

  private static JsonNode cursor(RunDirectory run) throws Exception {
    return new ObjectMapper().readTree(run.path().resolve("mlflow_GR0.json").toFile());
  }

  /**
   * The fine-tuned run's model inputs as MLflow's client reads them ({@code run.inputs.model_inputs}), each with
   * its LoggedModel's source run, step and SHA-256 tags, and the run's own LoggedModels (its outputs).
   */
  private static JsonNode modelInputs(MlflowServer server, FineTune f) throws Exception {
    String script = """
        import json, sys
        from mlflow import MlflowClient
        c = MlflowClient(tracking_uri=sys.argv[1])
        r = c.get_run(sys.argv[2])
        inputs = []
        for i in r.inputs.model_inputs:
            m = c.get_logged_model(i.model_id)
            inputs.append({"model_id": m.model_id, "source_run_id": m.source_run_id,
                "step": m.tags.get("prov4ml.step"), "sha256": m.tags.get("prov4ml.sha256")})
        own = sorted(o.model_id for o in r.outputs.model_outputs)
        print(json.dumps({"inputs": inputs, "own": own}))
        """;
    return new ObjectMapper().readTree(PythonEnv.runScript(script, 120, server.uri(),
        cursor(f.finetuned()).path("run_id").asText()).requireSuccess("mlflow's client").stdout());
  }

  private ForkedApp.Result lineage(Path in, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("lineage"));
    command.addAll(List.of(args));
    command.addAll(List.of("--in", in.toString()));
    return new ForkedApp(Files.createDirectories(work.resolve("cli"))).withoutAgent()
        .runJar(ForkedApp.AGENT_JAR, command.toArray(String[]::new));
  }

  /** The W3C {@code prov} package reads the document, and finds the input model in it, typed. */
  static void validWithTheProvPackage(Path document) throws Exception {
    String script = String.join("\n",
        "import sys",
        "from prov.model import ProvDocument",
        "doc = ProvDocument.deserialize(content=open(sys.argv[1]).read(), format='json')",
        "assert doc == ProvDocument.deserialize(content=doc.serialize(format='json'), format='json')",
        "types = [str(t) for r in doc.get_records() for (k, t) in r.attributes if str(k) == 'prov:type']",
        "print(sum(1 for t in types if t == 'provml:InputModel'))");
    assertEquals("1", PythonEnv.runScript(script, 120, document.toString())
        .requireSuccess("prov").stdout().trim());
  }
}
