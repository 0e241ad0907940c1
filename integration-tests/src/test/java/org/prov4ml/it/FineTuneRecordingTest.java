package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.prov4ml.internal.format.FileDigests;
import org.prov4ml.it.apps.FineTuneApp;
import org.prov4ml.rundir.InputModel;
import org.prov4ml.rundir.ProvRelation;
import org.prov4ml.rundir.RunDirectory;
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
    Path models = work.resolve("models");
    Path pre = Files.createDirectories(work.resolve("pretrain"));
    ForkedApp.Result first = mode.fork(pre).runMain(FineTuneApp.class, "pretrain", "--models", models.toString(),
        "--epochs", "2").requireSuccess();
    mode.checkDjl(first);
    Path fine = Files.createDirectories(work.resolve("finetune"));
    List<String> args = new java.util.ArrayList<>(List.of("finetune", "--models", models.toString(), "--epochs", "1"));
    args.addAll(List.of(finetuneOptions));
    ForkedApp.Result second = mode.fork(fine).runMain(FineTuneApp.class, args.toArray(String[]::new))
        .requireSuccess();
    mode.checkDjl(second);
    Path checkpoint = models.resolve("mlp-0002.params");
    assertTrue(second.stdout().contains("LOADED " + checkpoint), second.stdout());
    return new FineTune(first.onlyRun(), second.onlyRun(), checkpoint, second);
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
