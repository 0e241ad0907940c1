package org.prov4ml.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.cli.Prov4mlCliTest.Result;
import org.prov4ml.internal.format.FileDigests;
import org.prov4ml.rundir.ModelVersion;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.LocalFilesDataset;

/**
 * {@code lineage} over real run directories: a pre-training run that prepares a data file and saves a model, and
 * a fine-tuning run that reads that data file and starts from that model (as an input model, the shape the agent's
 * model-loading hooks record: a {@code provml:InputModel} entity the run used, with its {@code yprov:sha256}).
 * Upstream and downstream, text and JSON, and every exit code.
 */
@Timeout(120)
class LineageCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path out;
  @TempDir Path elsewhere;

  private Path prepared;
  private Path pretrain;
  private Path finetune;
  private ModelVersion pretrained;
  private ModelVersion finetuned;

  @BeforeEach
  void twoRuns() throws Exception {
    Path raw = Files.writeString(elsewhere.resolve("raw.csv"), "x,y\n1,2\n3,4\n");
    prepared = Files.writeString(elsewhere.resolve("prepared.csv"), "x,y\n0.25,0.5\n0.75,1\n");
    try (Run run = Prov4ml.startRun(RunOptions.builder().experimentName("pretrain").outputDir(out).build());
        Model model = mlp()) {
      run.logDataset("raw", new LocalFilesDataset(raw), Context.TRAINING);
      run.logArtifact(prepared);
      run.saveModelVersion(model, "mlp", Context.TRAINING, 0);
      pretrain = run.runDirectory();
    }
    try (Run run = Prov4ml.startRun(RunOptions.builder().experimentName("finetune").outputDir(out).build());
        Model model = mlp()) {
      run.logDataset("train", new LocalFilesDataset(prepared), Context.TRAINING);
      run.saveModelVersion(model, "mlp", Context.TRAINING, 1);
      finetune = run.runDirectory();
    }
    pretrained = RunDirectory.open(pretrain).modelVersions().get(0);
    finetuned = RunDirectory.open(finetune).modelVersions().get(0);
    startsFrom(finetune, "pretrained.params", pretrained.sha256().orElseThrow());
  }

  @AfterEach
  void end() {
    Prov4ml.endRun();
  }

  private static Model mlp() {
    Model model = Model.newInstance("mlp");
    model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(4).build()).add(Activation::relu)
        .add(Linear.builder().setUnits(2).build()));
    model.getBlock().initialize(model.getNDManager(), model.getDataType(), new Shape(1, 3));
    return model;
  }

  /**
   * Adds to a run's document an input model the run used, with its digest, as the agent's model-loading hooks
   * record one: an entity of type {@code provml:InputModel} and {@code used} by the run activity.
   */
  static void startsFrom(Path runDir, String label, String sha256) throws Exception {
    Path document;
    try (var files = Files.list(runDir)) {
      document = files.filter(f -> f.getFileName().toString().matches("prov_.*_GR0_.*\\.json")).findFirst()
          .orElseThrow();
    }
    ObjectNode doc = (ObjectNode) JSON.readTree(document.toFile());
    String activity = doc.path("activity").fieldNames().next();
    String id = label + "//" + activity;
    ObjectNode entity = ((ObjectNode) doc.get("entity")).putObject(id);
    entity.put("prov:type", "provml:InputModel");
    entity.put("prov:label", label);
    entity.put("yprov:sha256", sha256);
    entity.put("prov:role", "input");
    ObjectNode used = ((ObjectNode) doc.get("used")).putObject("_:input" + label.hashCode());
    used.put("prov:activity", activity);
    used.put("prov:entity", id);
    JSON.writerWithDefaultPrettyPrinter().writeValue(document.toFile(), doc);
  }

  private Result lineage(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "lineage";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--in";
    all[args.length + 2] = out.toString();
    return Prov4mlCliTest.cli(all);
  }

  @Test
  void upstreamFromTheFineTunedModelFollowsTheModelItStartedFromToItsRun() throws Exception {
    Result r = lineage(finetuned.file().toString());
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals("content " + finetuned.sha256().orElseThrow(), lines.get(0));
    assertEquals("made by 1 run:", lines.get(1));
    assertTrue(lines.get(2).startsWith("  finetune / finetune_0 (run id 0, rank 0) FINISHED in " + finetune), r.out());
    assertTrue(r.out().contains("made it as model version mlp-0001.params (mlp-0001.params//TRAINING)"), r.out());
    assertTrue(r.out().contains("data set train (train//TRAINING) sha256 "
        + sha256(prepared)), r.out());
    assertTrue(r.out().contains("started from input model pretrained.params (pretrained.params//finetune_GR0_0) "
        + "sha256 " + pretrained.sha256().orElseThrow()), r.out());
    // ... and that model's own run, with what it read.
    assertTrue(r.out().contains("      made by 1 run:\n        pretrain / pretrain_0 (run id 0, rank 0) FINISHED in "
        + pretrain), r.out());
    assertTrue(r.out().contains("made it as model version mlp-0000.params"), r.out());
    assertTrue(r.out().contains("data set raw (raw//TRAINING) sha256 "), r.out());
    assertTrue(r.out().contains("used by: no run in these output directories"), r.out());
  }

  @Test
  void downstreamFromThePretrainedModelAndTheDataFileNamesTheRunThatUsedThem() throws Exception {
    Result model = lineage(pretrained.sha256().orElseThrow());
    assertEquals(0, model.code(), model.err());
    assertTrue(model.out().contains("made by 1 run:\n  pretrain / pretrain_0"), model.out());
    assertTrue(model.out().contains("used by 1 run:\n  finetune / finetune_0 (run id 0, rank 0) FINISHED in "
        + finetune + "\n    used it as input model pretrained.params"), model.out());

    Result data = lineage(prepared.toString());
    assertEquals(0, data.code(), data.err());
    assertTrue(data.out().contains("made it as artifact prepared.csv"), data.out());
    assertTrue(data.out().contains("used by 1 run:\n  finetune / finetune_0"), data.out());
    assertTrue(data.out().contains("used it as data file train: prepared.csv (train//TRAINING)")
        || data.out().contains("used it as data set train"), data.out());
  }

  @Test
  void theFineTuningRunLinksTheDataFileItReadToThePretrainingRunThatMadeIt() throws Exception {
    JsonNode doc = JSON.readTree(RunDirectory.open(finetune).primary().document().toFile());
    String linked = null;
    for (var e : (Iterable<java.util.Map.Entry<String, JsonNode>>) doc.path("entity")::fields) {
      if (e.getValue().path("prov:type").asText().equals("yprov:OtherRunEntity")) {
        linked = e.getKey();
        assertEquals(pretrain.getFileName().toString(), e.getValue().path("yprov:other_run_dir").asText());
        assertEquals("pretrain", e.getValue().path("yprov:other_experiment_name").asText());
        assertEquals("0", e.getValue().path("yprov:other_run_id").asText());
        assertEquals("artifact", e.getValue().path("yprov:other_kind").asText());
        assertEquals(sha256(prepared), e.getValue().path("yprov:sha256").asText());
      }
    }
    assertTrue(linked != null, doc.path("entity").toString());
    boolean derived = false;
    for (JsonNode r : doc.path("wasDerivedFrom")) {
      derived |= r.path("prov:generatedEntity").asText().equals("train//TRAINING")
          && r.path("prov:usedEntity").asText().equals(linked);
    }
    assertTrue(derived, doc.path("wasDerivedFrom").toString());
    // The reader does not take the other run's file for one of this run's own.
    assertTrue(RunDirectory.open(finetune).artifacts().stream().noneMatch(a -> a.id().equals(
        "from_run/" + pretrain.getFileName())), "no artifact of its own");
  }

  @Test
  void jsonIsTheSameAnswerAsOneDocument() throws Exception {
    Result r = lineage(finetuned.sha256().orElseThrow(), "--json");
    assertEquals(0, r.code(), r.err());
    assertEquals(1, r.out().lines().count(), r.out());
    JsonNode root = JSON.readTree(r.out());
    assertTrue(root.path("found").asBoolean());
    JsonNode maker = root.path("made_by").get(0);
    assertEquals("finetune", maker.path("run").path("experiment").asText());
    assertEquals("FINISHED", maker.path("run").path("status").asText());
    assertEquals(finetune.toString(), maker.path("run").path("run_dir").asText());
    assertEquals("model version", maker.path("made_as").path("kind").asText());
    assertEquals(sha256(prepared), maker.path("run").path("datasets").get(0).path("sha256").asText());
    JsonNode input = maker.path("started_from").get(0);
    assertEquals("input model", input.path("kind").asText());
    assertEquals(pretrained.sha256().orElseThrow(), input.path("sha256").asText());
    assertEquals("pretrain", input.path("made_by").get(0).path("run").path("experiment").asText());
    assertEquals(0, root.path("used_by").size());
  }

  @Test
  void aCycleOfRunsThatStartFromEachOtherEnds() throws Exception {
    // A crafted pair of documents: each run says it started from the other's model.
    startsFrom(pretrain, "finetuned.params", finetuned.sha256().orElseThrow());
    Result r = lineage(finetuned.sha256().orElseThrow());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("(its lineage is shown above)"), r.out());
  }

  @Test
  void valuesFromARunDirectoryArePrintedEscapedOnTheirLine() throws Exception {
    Path document = RunDirectory.open(finetune).primary().document();
    ObjectNode doc = (ObjectNode) JSON.readTree(document.toFile());
    ObjectNode activity = (ObjectNode) doc.path("activity").elements().next();
    activity.put("yprov:host", "gpu1\nmade by 9 runs:\u001b[2J\u202e");
    JSON.writeValue(document.toFile(), doc);
    Result r = lineage(finetuned.sha256().orElseThrow());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().lines().noneMatch(l -> l.startsWith("made by 9 runs")), r.out());
    assertTrue(r.out().contains("host gpu1\\nmade by 9 runs:\\u001b[2J\\u202e"), r.out());
  }

  @Test
  void exitCodes() throws Exception {
    Result unknown = lineage("0".repeat(64));
    assertEquals(1, unknown.code(), unknown.err());
    assertTrue(unknown.out().contains("made by: no run in these output directories"), unknown.out());
    Result unknownFile = lineage(Files.writeString(elsewhere.resolve("new.txt"), "nobody made me").toString());
    assertEquals(1, unknownFile.code(), unknownFile.out());

    Prov4mlCliTest.assertOneLineUsageError(lineage(elsewhere.resolve("absent.params").toString()),
        "lineage: " + elsewhere.resolve("absent.params") + " is neither a file nor a SHA-256");
    Prov4mlCliTest.assertOneLineUsageError(lineage("abc123"), "lineage: abc123 is neither a file nor a SHA-256");
    Prov4mlCliTest.assertOneLineUsageError(lineage(elsewhere.toString()), "lineage: " + elsewhere
        + " is not a regular file");
    Prov4mlCliTest.assertOneLineUsageError(Prov4mlCliTest.cli("lineage", "0".repeat(64), "--in",
        prepared.toString()), "lineage: " + prepared + " is not a directory");
    Prov4mlCliTest.assertOneLineUsageError(Prov4mlCliTest.cli("lineage", "0".repeat(64), "--in",
        elsewhere.resolve("none").toString()), "lineage: " + elsewhere.resolve("none") + " is not a directory");
  }

  @Test
  void severalOutputDirectoriesAreSearchedTogether() throws Exception {
    Path other = Files.createDirectory(elsewhere.resolve("other-out"));
    Files.move(pretrain, other.resolve(pretrain.getFileName()));
    Result one = lineage(pretrained.sha256().orElseThrow());
    assertTrue(one.out().contains("made by: no run in these output directories"), one.out());
    Result both = Prov4mlCliTest.cli("lineage", pretrained.sha256().orElseThrow(), "--in", out.toString(), "--in",
        other.toString());
    assertEquals(0, both.code(), both.err());
    assertTrue(both.out().contains("made by 1 run:\n  pretrain / pretrain_0"), both.out());
  }

  static String sha256(Path file) throws Exception {
    return FileDigests.sha256(file);
  }

  @Test
  void theRunsEndsLeftTheirShardsSoTheFirstLineageReadsNoDocumentButTheEditedOne() throws Exception {
    var index = org.prov4ml.internal.lineage.RunIndex.of(out).refresh();
    // startsFrom rewrote the fine-tuning run's document after its end: that one shard is read again.
    assertEquals(1, index.rebuiltShards());
    assertFalse(index.lookup(pretrained.sha256().orElseThrow()).isEmpty());
  }
}
