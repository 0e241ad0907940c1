package org.prov4ml.internal.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.format.FileDigests;
import org.prov4ml.rundir.InputModel;
import org.prov4ml.rundir.ModelVersion;
import org.prov4ml.rundir.ProvRelation;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.QuietTrainingJvm;

/**
 * The agent's model-load events on real DJL loads: each advice's call is made here as the advice
 * makes it, around DJL's own {@code Model.load}, which reads the file for real.
 */
class ModelLoadEventsTest {

  @TempDir Path out;
  @TempDir Path saved;

  @RegisterExtension
  static final QuietTrainingJvm JVM =
      QuietTrainingJvm.with("prov4ml.code.enabled", "false", "prov4ml.environment.enabled", "false");

  private static Model linear() {
    Model model = Model.newInstance("linear");
    model.setBlock(Linear.builder().setUnits(1).build());
    model.getBlock().initialize(model.getNDManager(), model.getDataType(), new Shape(1, 4));
    return model;
  }

  /** A checkpoint of another training: {@code linear-0003.params} under {@code saved}. */
  private Path checkpoint() throws Exception {
    try (Model model = linear()) {
      model.setProperty("Epoch", "3");
      model.save(saved, "linear");
    }
    return saved.resolve("linear-0003.params");
  }

  /** {@code Model.load} with a block, with the advice's calls of {@code readParameters(Path, Map)} around it. */
  private static void load(Model model, Path dir) throws Exception {
    ModelLoadEvents.parametersReading();
    Throwable thrown = null;
    try {
      model.load(dir, "linear");
    } catch (Exception e) {
      thrown = e;
      throw e;
    } finally {
      // DJL's readParameters nests a stream read: the advice sees it, and it is this file's.
      ModelLoadEvents.parameterStreamRead(model, true, null);
      ModelLoadEvents.parametersRead(model, dir.resolve("linear-0003.params"), thrown == null, thrown);
    }
  }

  private Run start() {
    return Prov4ml.startRun(RunOptions.builder().experimentName("loads").outputDir(out).build());
  }

  @Test
  void aLoadBeforeAnyRunIsHeldAndTheNextRunUsesItWithItsDigest() throws Exception {
    Path file = checkpoint();
    try (Model model = linear()) {
      load(model, saved);
      assertFalse(Prov4ml.activeRun().isPresent(), "a load alone starts no run");
      Run run = start();
      run.close();
      RunDirectory dir = RunDirectory.open(run.runDirectory());
      List<InputModel> inputs = dir.inputModels();
      assertEquals(1, inputs.size(), "one load, one input model, though DJL read a stream inside the file read");
      InputModel input = inputs.get(0);
      assertEquals("linear", input.name());
      assertEquals(Optional.of(file.toAbsolutePath().normalize()), input.file());
      assertEquals(Files.size(file), input.size().orElseThrow());
      assertEquals(FileDigests.sha256(file), input.sha256().orElseThrow());
      assertFalse(input.noFile());
      assertEquals("provml:InputModel", input.attributes().get("prov:type"));
      assertTrue(dir.primary().relations().contains(new ProvRelation("used", dir.primary().run().id(), input.id())),
          dir.primary().relations().toString());
      assertEquals(List.of(), dir.artifacts(), "an input model is no artifact of the run");
    }
  }

  @Test
  void aStreamLoadIsRecordedByNameWithoutAFile() throws Exception {
    Run run = start();
    try (Model model = linear()) {
      ModelLoadEvents.parameterStreamRead(model, true, null);
      ModelLoadEvents.parameterStreamRead(model, false, null); // not in DJL's format: nothing loaded
    }
    run.close();
    List<InputModel> inputs = RunDirectory.open(run.runDirectory()).inputModels();
    assertEquals(1, inputs.size(), inputs.toString());
    assertTrue(inputs.get(0).noFile());
    assertEquals("linear", inputs.get(0).name());
    assertEquals(Optional.empty(), inputs.get(0).file());
    assertEquals(Optional.empty(), inputs.get(0).sha256());
  }

  @Test
  void aLoadThatThrewOrFoundNoTorchScriptFileRecordsNothing() throws Exception {
    Run run = start();
    try (Model model = linear()) {
      ModelLoadEvents.parametersReading();
      ModelLoadEvents.parametersRead(model, saved.resolve("missing.params"), false, new java.io.IOException("x"));
      ModelLoadEvents.torchScriptLoadEnded(model, null); // findModelFile found none
      ModelLoadEvents.torchScriptFound(checkpoint());
      ModelLoadEvents.torchScriptLoadEnded(model, new java.io.IOException("not TorchScript"));
      ModelLoadEvents.torchScriptStreamLoaded(model, true, null); // parameters: readParameters saw them
    }
    run.close();
    assertEquals(List.of(), RunDirectory.open(run.runDirectory()).inputModels());
  }

  @Test
  void aRunThatLoadsItsOwnVersionUsesItAndItsNextVersionDerivesFromIt() throws Exception {
    Run run = start();
    try (Model model = linear()) {
      run.saveModelVersion(model, "linear", Context.TRAINING, 1);
      run.saveModelVersion(model, "linear", Context.TRAINING, 2);
      Path first = run.runDirectory().resolve("artifacts_GR0/linear/linear-0001.params");
      Path copy = saved.resolve("linear-0003.params"); // the same content under another name and folder
      Files.copy(first, copy);
      load(model, saved);
      run.saveModelVersion(model, "linear", Context.TRAINING, 3);
    }
    run.close();
    RunDirectory dir = RunDirectory.open(run.runDirectory());
    assertEquals(List.of(), dir.inputModels(), "its own version is no input from elsewhere");
    assertTrue(dir.primary().relations().contains(
        new ProvRelation("used", dir.primary().run().id(), "linear-0001.params//TRAINING")),
        dir.primary().relations().toString());
    ModelVersion third = dir.modelVersions().get(2);
    assertEquals("linear-0003.params//TRAINING", third.id());
    assertEquals("linear-0001.params//TRAINING", third.previous().orElseThrow().id(),
        "the run went back to version 1 and trained on from there");
  }
}
