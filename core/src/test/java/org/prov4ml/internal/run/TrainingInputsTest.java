package org.prov4ml.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.rundir.RunDirectory;

/** What the agent and the listener record through TrainingInputs, on a real engine. */
class TrainingInputsTest {

  @TempDir Path out;

  @AfterEach
  void end() {
    Prov4ml.endRun();
  }

  private Run start() {
    return Prov4ml.startRun(RunOptions.builder().experimentName("inputs").outputDir(out).build());
  }

  @Test
  void aTrainerStartRecordsCodeEnvironmentAndTheSeedAndLaterSeedsGetTheirOwnParam() throws Exception {
    Engine engine = Engine.getInstance();
    engine.setRandomSeed(42);
    Run run = start();
    TrainingInputs.trainerStarted(run, engine, Prov4mlConfig.load(new Properties(), Map.of(), null));
    TrainingInputs.seedSet(run, 7);
    TrainingInputs.seedSet(run, 42); // the first seed again: nothing new
    try (NDManager manager = NDManager.newBaseManager()) {
      ArrayDataset train = new ArrayDataset.Builder().setData(manager.ones(new Shape(8, 2))).setSampling(4, true)
          .build();
      TrainingInputs.fitStarted(run, "", train, null);
      TrainingInputs.evaluated(run, "trainer2.", train);
    }
    TrainingInputs.trainingEnded(run, engine);
    run.close();
    RunDirectory dir = RunDirectory.open(run.runDirectory());
    Map<String, String> params = dir.params();
    assertEquals("42", params.get("random_seed"));
    assertEquals("7", params.get("random_seed_2"));
    assertFalse(params.containsKey("random_seed_3"), params.toString());
    assertTrue(params.containsKey("execution_command") && params.containsKey("djl_engine")
        && params.containsKey("source_code"), params.toString());
    assertTrue(Files.exists(run.runDirectory().resolve("artifacts_GR0/sbom.cdx.json")));
    assertEquals(java.util.List.of("train_dataset//TRAINING", "trainer2.test_dataset//TESTING"),
        dir.datasets().stream().map(d -> d.id()).toList());
  }

  @Test
  void aRunWithoutASeedSaysSoAndTheSwitchesTurnCodeAndEnvironmentOff() throws Exception {
    Run run = start();
    Properties off = new Properties();
    off.setProperty("prov4ml.code.enabled", "false");
    off.setProperty("prov4ml.environment.enabled", "false");
    TrainingInputs.trainerStarted(run, null, Prov4mlConfig.load(off, Map.of(), null));
    TrainingInputs.trainingEnded(run, null);
    run.close();
    Map<String, String> params = RunDirectory.open(run.runDirectory()).params();
    assertEquals(Map.of("random_seed", "not set"), params);
  }
}
