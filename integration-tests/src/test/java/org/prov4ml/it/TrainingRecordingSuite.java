package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prov4ml.testing.ReadBack.points;
import static org.prov4ml.testing.ReadBack.steps;
import static org.prov4ml.testing.ReadBack.valueAt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.it.apps.BrokenLossApp;
import org.prov4ml.it.apps.CsvDatasetApp;
import org.prov4ml.it.apps.CustomLoopApp;
import org.prov4ml.it.apps.DemoApp;
import org.prov4ml.it.apps.DemoTraining;
import org.prov4ml.it.apps.TwoTrainersApp;
import org.prov4ml.it.apps.explicit.ExplicitApiApp;
import org.prov4ml.internal.format.FileDigests;
import org.prov4ml.rundir.DatasetRecord;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.ModelVersion;
import org.prov4ml.rundir.ProvRelation;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.rundir.SourceCode;
import org.prov4ml.testing.MlflowRest;
import org.prov4ml.testing.MlflowServer;
import org.prov4ml.testing.ReadBack;

/**
 * What a DJL training's run directory must hold, whichever way it is recorded: one suite, run by
 * each {@link RecordingMode} (as OpenTelemetry's instrumentations share one suite between the
 * library and the agent). The applications are ordinary DJL apps in forked JVMs; what DJL itself
 * reports (they print it) is what the run must hold, under the same names and steps in every mode.
 * Where only the agent sees a call ({@code EasyTrain.fit}, test evaluations, model saves), the
 * suite checks that the agent records it and the listener does not.
 */
abstract class TrainingRecordingSuite {

  private static final int BATCHES = DemoTraining.TRAIN_SAMPLES / DemoTraining.BATCH;

  @TempDir
  Path work;

  /** The mode this suite runs in. */
  abstract RecordingMode mode();

  private ForkedApp fork(Path dir) {
    return mode().fork(dir);
  }

  private ForkedApp.Result run(ForkedApp.Result result) throws Exception {
    mode().checkDjl(result);
    return result;
  }

  @Test
  void recordsEveryBatchAndEpochOfTheDemo() throws Exception {
    int epochs = 3;
    ForkedApp.Result app = run(mode().runDemo(fork(work).property("prov4ml.system-metrics.interval", "100ms"),
        "--epochs", Integer.toString(epochs), "--models", "models").requireSuccess());
    RunDirectory run = app.onlyRun();

    List<Long> everyBatch = LongStream.range(0, (long) epochs * BATCHES).boxed().toList();
    assertEquals(everyBatch, steps(run, "batch_loss", Context.TRAINING));
    assertEquals(everyBatch, steps(run, "learning_rate", Context.TRAINING));
    points(run, "learning_rate", Context.TRAINING)
        .forEach(p -> assertEquals(DemoTraining.LEARNING_RATE, (float) p.value()));

    List<Map<String, Float>> printed = AppOutput.epochs(app.stdout());
    assertEquals(epochs, printed.size());
    for (int epoch = 1; epoch <= epochs; epoch++) {
      Map<String, Float> djl = printed.get(epoch - 1);
      for (String name : List.of("loss", "Accuracy", "SoftmaxCrossEntropyLoss")) {
        assertEquals(djl.get("train_" + name), valueAt(run, name, Context.TRAINING, epoch), name + " epoch " + epoch);
        assertEquals(djl.get("validate_" + name), valueAt(run, name, Context.VALIDATION, epoch),
            name + " epoch " + epoch);
      }
    }
    assertEquals(List.of(1L, 2L, 3L), steps(run, "epoch_time_ms", Context.TRAINING));
    assertTrue(Files.exists(run.path().resolve("artifacts_GR0/model_summary.txt")));

    Map<String, String> expected = new TreeMap<>(Map.of("optimizer_name", "Adam", "optimizer_lr", "0.01",
        "optimizer_weight_decay", "1.0E-4", "optimizer_beta1", "0.9", "optimizer_beta2", "0.999",
        "loss", "SoftmaxCrossEntropyLoss", "evaluators", "Accuracy", "model_name", "mlp",
        "initializers", "XavierInitializer,ZEROS"));
    expected.putAll(Map.of("model_total_params", "451", // 10*32+32 + 32*3+3
        "epochs_done", "3", "final_validate_loss", printed.get(epochs - 1).get("validate_loss").toString()));
    assertEquals(expected, ReadBack.params(run, expected));
    assertEquals("FINISHED", ReadBack.status(run));
    assertFalse(points(run, "system/cpu_utilization_percentage", Context.SYSTEM).isEmpty()
        && points(run, "system/jvm_heap_used_megabytes", Context.SYSTEM).isEmpty(), "system metrics");

    Map<String, Float> test = AppOutput.values(app.stdout(), "TEST");
    Map<String, String> fit = Map.of("epochs", "3", "train_size", "256", "train_batch_size", "32",
        "validation_size", "64", "validation_batch_size", "32");
    if (mode().seesCallsListenersDoNot()) {
      assertEquals(fit, ReadBack.params(run, fit));
      assertEquals(test.get("Accuracy"), valueAt(run, "Accuracy", Context.TESTING, epochs));
      assertEquals(test.get("SoftmaxCrossEntropyLoss"), valueAt(run, "loss", Context.TESTING, epochs));
      assertEquals(Map.of("mlp-0001.params", 1L, "mlp-0002.params", 2L, "mlp-0003.params", 3L),
          ReadBack.versionSteps(run));
      for (int epoch = 1; epoch <= epochs; epoch++) {
        String file = String.format("mlp-%04d.params", epoch);
        assertEquals(Files.size(work.resolve("models").resolve(file)),
            Files.size(run.path().resolve("artifacts_GR0/mlp").resolve(file)));
      }
    } else {
      assertTrue(fit.keySet().stream().noneMatch(run.params()::containsKey), run.params().toString());
      assertEquals(List.of(), steps(run, "Accuracy", Context.TESTING));
      assertEquals(Map.of(), ReadBack.versionSteps(run));
    }
    // One line when the run starts, one when it ends, nothing else from prov4ml.
    assertEquals(1, app.outputLines("prov4ml 0.1.0-SNAPSHOT: run " + run.path().getFileName()
        + " started, provenance in " + run.path()), app.stderr());
    assertEquals(1, app.outputLines("FINISHED: "), app.stderr());
    assertEquals(0, app.outputLines("WARN") + app.outputLines("ERROR"), app.stderr());
  }

  /**
   * What the training used: its data sets (the agent sees fit's and evaluateDataset's; with the
   * listener the app logs them through the API), the seed, the environment, the command line with
   * its secrets masked, the application's code, the class path's bill of materials, and the git
   * commit of the working directory, clean and then dirty.
   */
  @Test
  void recordsTheDataCodeEnvironmentAndSeedBehindTheTraining() throws Exception {
    Path repo = Files.createDirectories(work.resolve("repo"));
    Lineage.git(repo, "init", "-q", "-b", "main");
    Lineage.git(repo, "remote", "add", "origin", "https://alice:ghp_s3cr3t@example.com/team/demo.git");
    Files.writeString(repo.resolve(".gitignore"), "*.txt\nprov4ml-runs/\nmodels/\n");
    Files.writeString(repo.resolve("train.sh"), "java -jar prov4ml-demo.jar\n");
    Lineage.git(repo, "add", ".");
    Lineage.git(repo, "commit", "-q", "-m", "first");
    String head = Lineage.git(repo, "rev-parse", "HEAD").strip();

    ForkedApp.Result app = run(mode().runDemo(fork(repo).property("app.api.token", "tok3n-value")
        .env("OMP_NUM_THREADS", "1"), "--epochs", "1", "--models", "models", "--password", "hunter2")
        .requireSuccess());
    RunDirectory run = app.onlyRun();
    RankRecord rank = run.primary();
    Map<String, String> params = run.params();

    // The data sets, in yProv4ML's form, each used by its context.
    DatasetRecord train = Lineage.dataset(run, "train_dataset//TRAINING");
    assertEquals(Map.of("stat_total_samples", "256", "stat_batch_size", "32", "stat_total_steps", "8",
        "stat_shuffle", "true", "djl_class", "ai.djl.training.dataset.ArrayDataset",
        "data_shapes", "(256, 10) float32", "label_shapes", "(256) float32"), train.properties());
    assertEquals(Map.of("stat_total_samples", "64", "stat_batch_size", "32", "stat_total_steps", "2",
        "stat_shuffle", "false"), Lineage.stats(Lineage.dataset(run, "validation_dataset//VALIDATION")));
    assertEquals("64", Lineage.dataset(run, "test_dataset//TESTING").properties().get("stat_total_samples"));
    for (String context : List.of("TRAINING", "VALIDATION", "TESTING")) {
      String id = context.equals("TRAINING") ? "train_dataset//TRAINING" : context.equals("VALIDATION")
          ? "validation_dataset//VALIDATION" : "test_dataset//TESTING";
      assertTrue(rank.relations().contains(new ProvRelation("used", context, id)), id + " used by " + context);
    }
    if (mode().seesCallsListenersDoNot()) { // each model version was generated by TRAINING, which used the data
      assertTrue(rank.relations().contains(new ProvRelation("wasGeneratedBy", "mlp-0001.params//TRAINING",
          "TRAINING")), rank.relations().toString());
    }

    // The seed, the environment, the command line.
    assertEquals("42", params.get("random_seed"));
    Map<String, String> environment = Map.of("djl_version", mode().djlRelease(), "djl_engine", "PyTorch",
        "djl_engine_version", mode().pytorchRelease(), "djl_devices", "cpu()", "env.OMP_NUM_THREADS", "1",
        "env.MKL_NUM_THREADS", "not set", "property.ai.djl.offline", "true");
    assertEquals(environment, ReadBack.params(run, environment));
    assertTrue(Long.parseLong(params.get("memory_total_bytes")) > 0 && Integer.parseInt(params.get("cpu_count")) > 0
        && !params.get("jvm_vendor").isBlank() && !params.get("cpu_model").isBlank(), params.toString());
    assertFalse(params.containsKey("env.PATH") || params.containsKey("env.HOME"), "only the numeric variables");
    String command = params.get("execution_command");
    assertTrue(command.contains("'-Dapp.api.token=****'") && command.contains("--password '****'")
        && command.contains("-Xmx512m"), command);
    assertEquals(List.of(), Lineage.filesContaining(run.path(), "tok3n-value", "hunter2", "ghp_s3cr3t"));

    // The code: the git commit without credentials, the application's jar or classes, the class path.
    assertEquals("https://example.com/team/demo.git/" + head, params.get("source_code"));
    assertEquals("false", params.get("source_code_dirty"));
    SourceCode code = rank.sourceCode().orElseThrow();
    Path expectedCode = mode().runsDemoJar() ? ForkedApp.DEMO_JAR : ForkedApp.TARGET.resolve("classes");
    assertEquals(expectedCode, code.location().orElseThrow());
    assertEquals(FileDigests.sha256OfFileOrDirectory(expectedCode), code.sha256().orElseThrow());
    Lineage.assertBomLists(run, "ai.djl", "api", mode().djlRelease());

    // Then the working tree changes, and the next run says so.
    Files.writeString(repo.resolve("train.sh"), "java -jar prov4ml-demo.jar --epochs 9\n");
    Path second = Files.createDirectories(repo.resolve("second"));
    Files.writeString(second.resolve(".gitignore"), "*\n");
    RunDirectory dirty = run(mode().runDemo(fork(second), "--epochs", "1").requireSuccess()).onlyRun();
    assertEquals("https://example.com/team/demo.git/" + head, dirty.params().get("source_code"));
    assertEquals("true", dirty.params().get("source_code_dirty"));
  }

  /**
   * A data set read from a CSV file: the file's digest is recorded, {@code verify} passes, then names
   * the file with both digests once one byte of it changed.
   */
  @Test
  void verifyChecksTheCsvFileACsvDatasetWasTrainedOn() throws Exception {
    Path csv = Lineage.writeCsv(work.resolve("data").resolve("points.csv"), 80);
    ForkedApp.Result app = run(fork(work).runMain(CsvDatasetApp.class, "--csv", csv.toString(), "--epochs", "1")
        .requireSuccess());
    RunDirectory run = app.onlyRun();
    DatasetRecord train = Lineage.dataset(run, "train_dataset//TRAINING");
    String digest = FileDigests.sha256(csv);
    assertEquals(digest, train.sha256().orElseThrow());
    assertEquals(List.of(csv.toString()), train.sources());
    assertEquals(List.of(digest), train.files().stream().map(f -> f.sha256().orElseThrow()).toList());
    assertEquals("64", train.properties().get("stat_total_samples")); // 80 rows, split 8:2
    assertEquals(digest, Lineage.dataset(run, "validation_dataset//VALIDATION").sha256().orElseThrow());
    assertEquals("7", run.params().get("random_seed"));

    ForkedApp.Result ok = Lineage.verify(work, run);
    assertEquals(0, ok.exitCode(), ok.stdout() + ok.stderr());
    byte[] bytes = Files.readAllBytes(csv);
    bytes[bytes.length - 2] = (byte) (bytes[bytes.length - 2] == '1' ? '2' : '1'); // the last row's last digit
    Files.write(csv, bytes);
    ForkedApp.Result changed = Lineage.verify(work, run);
    assertEquals(1, changed.exitCode(), changed.stdout() + changed.stderr());
    String line = "DIFFERS data set train_dataset " + csv + " (outside the run directory): recorded " + digest + ", now "
        + FileDigests.sha256(csv);
    assertTrue(changed.stdout().lines().anyMatch(line::equals), changed.stdout());
  }

  @Test
  void aConfigurationFileThinsLearningRatesAndTurnsBatchLossAndSystemMetricsOff() throws Exception {
    Path config = Files.writeString(work.resolve("prov4ml.properties"), String.join("\n",
        "prov4ml.metrics.lr-every-n-steps=5", "prov4ml.metrics.batch.enabled=false",
        "prov4ml.experiment-name=configured", "prov4ml.system-metrics.interval=0"));
    RunDirectory run = run(mode().runDemo(fork(work).property("prov4ml.config", config.toString()),
        "--epochs", "2", "--models", "models").requireSuccess()).onlyRun();
    assertTrue(run.path().getFileName().toString().startsWith("configured_"), run.toString());
    assertEquals(List.of(0L, 5L, 10L, 15L), steps(run, "learning_rate", Context.TRAINING));
    assertEquals(List.of(), steps(run, "batch_loss", Context.TRAINING));
    assertEquals(List.of(1L, 2L), steps(run, "loss", Context.TRAINING));
    assertTrue(points(run, "system/jvm_heap_used_megabytes", Context.SYSTEM).isEmpty());
  }

  @Test
  void anAppThatDiesInEpochTwoLeavesAFailedRunWithEverythingBefore() throws Exception {
    ForkedApp.Result app = run(mode().runDemo(fork(work), "--epochs", "3", "--models", "models",
        "--fail-at-epoch", "2"));
    assertNotEquals(0, app.exitCode());
    assertTrue(app.stderr().contains("simulated failure at the end of epoch 2"), app.stderr());
    RunDirectory run = app.onlyRun();
    assertEquals("FAILED", ReadBack.status(run));
    assertEquals(LongStream.range(0, 2L * BATCHES).boxed().toList(), steps(run, "batch_loss", Context.TRAINING));
    assertEquals(List.of(1L), steps(run, "loss", Context.TRAINING)); // epoch 2's end never completed
    assertEquals(mode().seesCallsListenersDoNot() ? Map.of("mlp-0001.params", 1L, "mlp-0002.params", 2L) : Map.of(),
        ReadBack.versionSteps(run));
  }

  /**
   * A demo that fails in epoch 2 of 3, relaunched with the same run identity: {@code relaunch} adds what makes
   * the second launch a continuation. Returns the continued run after checking what every relaunch must hold.
   */
  private RunDirectory failThenRelaunch(Map<String, String> identity, Map<String, String> relaunch,
      String mlflowUri) throws Exception {
    ForkedApp first = fork(work).property("prov4ml.experiment-name", "resume");
    ForkedApp second = fork(work).property("prov4ml.experiment-name", "resume");
    identity.forEach((k, v) -> {
      first.env(k, v);
      second.env(k, v);
    });
    relaunch.forEach(second::env);
    if (mlflowUri != null) {
      first.property("prov4ml.mlflow.tracking-uri", mlflowUri);
      second.property("prov4ml.mlflow.tracking-uri", mlflowUri);
    }
    ForkedApp.Result failed = run(mode().runDemo(first, "--epochs", "3", "--models", "models",
        "--fail-at-epoch", "2"));
    assertNotEquals(0, failed.exitCode());
    ForkedApp.Result resumed = run(mode().runDemo(second, "--epochs", "1", "--models", "models2").requireSuccess());
    assertTrue(resumed.stderr().contains("as attempt 2") || resumed.stdout().contains("as attempt 2"),
        resumed.stdout() + resumed.stderr());
    RunDirectory run = resumed.onlyRun();
    assertEquals("FINISHED", ReadBack.status(run));
    RankRecord rank = run.primary();
    String activity = rank.run().id();
    assertEquals("FAILED", rank.activities().get("attempt1//" + activity).get("yprov:status"));
    assertEquals("FINISHED", rank.activities().get("attempt2//" + activity).get("yprov:status"));
    assertTrue(rank.relations().contains(new ProvRelation("wasInformedBy", "attempt2//" + activity,
        "attempt1//" + activity)));
    // The batch index and the epochs go on: no step repeats, none is skipped.
    assertEquals(LongStream.range(0, 3L * BATCHES).boxed().toList(), steps(run, "batch_loss", Context.TRAINING));
    assertEquals(List.of(1L, 2L), steps(run, "loss", Context.TRAINING));
    if (mode().seesCallsListenersDoNot()) {
      // The relaunch saves the run's epoch 2 again: a version, and a file, of its own; the first stays verifiable.
      assertEquals(Map.of("mlp-0001.params", 1L, "mlp-0002.params", 2L, "attempt2/mlp-0002.params", 2L),
          run.modelVersions().stream().collect(java.util.stream.Collectors.toMap(
              v -> run.path().resolve("artifacts_GR0").resolve("mlp").relativize(v.file()).toString(),
              ModelVersion::step)));
    }
    assertEquals(0, org.prov4ml.internal.cli.Prov4mlCli.run(new String[] {"verify", run.path().toString()},
        System.out, System.err));
    return run;
  }

  @Test
  void aFailedJobRelaunchedWithResumeTrueContinuesItsRun() throws Exception {
    failThenRelaunch(Map.of("PROV4ML_RUN_ID", "job-5"), Map.of("PROV4ML_RUN_RESUME", "true"), null);
  }

  @Test
  void aFailedJobRequeuedBySlurmContinuesItsRunLocallyAndInMlflow() throws Exception {
    try (MlflowServer server = MlflowServer.start()) {
      RunDirectory run = failThenRelaunch(Map.of("SLURM_JOB_ID", "777"), Map.of("SLURM_RESTART_COUNT", "1"),
          server.uri());
      assertEquals("777", run.run().runId());
      MlflowRest rest = server.rest();
      Map<String, String> runs = rest.runsOf("resume");
      assertEquals(List.of("resume_777"), List.copyOf(runs.keySet()), "one MLflow run for both attempts");
      String runId = runs.get("resume_777");
      assertEquals("FINISHED", rest.run(runId).path("info").path("status").asText());
      assertEquals(3 * BATCHES, rest.history(runId, "training/batch_loss").size(), "every point once");
    }
  }

  @Test
  void withoutEvaluatorTrainingListenerWarnsOnceAndRecordsTheRest() throws Exception {
    ForkedApp.Result app = run(mode().runDemo(fork(work), "--epochs", "2", "--models", "models",
        "--no-evaluator-listener").requireSuccess());
    assertEquals(1, app.stderrLines("has no EvaluatorTrainingListener"), app.stderr());
    RunDirectory run = app.onlyRun();
    assertEquals(List.of(), steps(run, "batch_loss", Context.TRAINING));
    assertEquals(2L * BATCHES, steps(run, "learning_rate", Context.TRAINING).size());
    assertEquals(List.of(1L, 2L), steps(run, "epoch_time_ms", Context.TRAINING));
    assertEquals("451", run.params().get("model_total_params"));
    assertEquals(mode().seesCallsListenersDoNot() ? 2 : 0, ReadBack.versionSteps(run).size());
    assertEquals(0, app.stderrLines("failed;"), app.stderr());
  }

  @Test
  void customLoopWithoutEasyTrainGetsEveryStepsLearningRateAndWhatItsListenersFire() throws Exception {
    ForkedApp.Result app = run(fork(work).runMain(CustomLoopApp.class, "--epochs", "2").requireSuccess());
    RunDirectory run = app.onlyRun();
    Map<String, Float> printed = AppOutput.values(app.stdout().replaceAll("(?m)^LR (\\d+) ", "LR $1="), "LR");
    List<MetricPoint> rates = points(run, "learning_rate", Context.TRAINING);
    assertEquals(2 * BATCHES, rates.size());
    for (MetricPoint p : rates) {
      assertEquals(printed.get(Long.toString(p.step())), (float) p.value(), "learning rate at step " + p.step());
    }
    assertTrue(rates.get(0).value() > rates.get(rates.size() - 1).value(), "the rate decays");
    assertEquals(LongStream.range(0, 2L * BATCHES).boxed().toList(), steps(run, "batch_loss", Context.TRAINING));
    List<Map<String, Float>> epochs = AppOutput.epochs(app.stdout());
    assertEquals(epochs.get(1).get("train_loss"), valueAt(run, "loss", Context.TRAINING, 2));
    assertEquals(List.of(), steps(run, "loss", Context.VALIDATION), "no validation set: NaN is not recorded");
    assertEquals("Sgd", run.params().get("optimizer_name"));
    assertEquals("0.5", run.params().get("optimizer_momentum"));
  }

  /**
   * DJL's random seed: set before the run (the usual case), set again at each epoch's start, or
   * never. Under the agent every {@code setRandomSeed} made while the run is active is seen once (DJL's
   * {@code PtEngine} overrides it and calls {@code super}): a new value is the next
   * {@code random_seed_<n>} param, and each call is a point of {@code random_seed} at the batch it
   * holds from. The listener sees what the engine holds when the trainer begins and when it closes.
   */
  @Test
  void recordsTheSeedSetBeforeTheRunTheSeedsSetDuringItAndThatNoneWasSet() throws Exception {
    RunDirectory reseeded = run(fork(work.resolve("reseeded")).runMain(CustomLoopApp.class, "--epochs", "2",
        "--seed-each-epoch").requireSuccess()).onlyRun();
    Map<String, String> params = reseeded.params();
    assertEquals(Integer.toString(DemoTraining.SEED), params.get("random_seed"));
    List<MetricPoint> seeds = points(reseeded, "random_seed", Context.TRAINING);
    if (mode().seesCallsListenersDoNot()) {
      Map<String, String> later = Map.of("random_seed_2", "100", "random_seed_3", "101");
      assertEquals(later, ReadBack.params(reseeded, later));
      assertEquals(List.of(0L, (long) BATCHES), seeds.stream().map(MetricPoint::step).toList());
      assertEquals(List.of(100.0, 101.0), seeds.stream().map(MetricPoint::value).toList());
    } else { // the engine held 42 when the trainer began and 101 when it closed
      assertEquals("101", params.get("random_seed_2"));
      assertEquals(List.of(), seeds);
    }
    assertFalse(params.containsKey(mode().seesCallsListenersDoNot() ? "random_seed_4" : "random_seed_3"),
        params.toString());

    RunDirectory unseeded = run(fork(work.resolve("unseeded")).runMain(CustomLoopApp.class, "--epochs", "1",
        "--no-seed").requireSuccess()).onlyRun();
    assertEquals("not set", unseeded.params().get("random_seed"));
    assertFalse(unseeded.params().containsKey("random_seed_2"), unseeded.params().toString());
    assertEquals(List.of(), points(unseeded, "random_seed", Context.TRAINING));
  }

  @Test
  void secondTrainerContinuesTheRunsCountsUnderItsOwnPrefix() throws Exception {
    ForkedApp.Result app = run(fork(work).runMain(TwoTrainersApp.class, "--epochs", "2").requireSuccess());
    RunDirectory run = app.onlyRun();
    assertEquals(LongStream.range(0, 4L * BATCHES).boxed().toList(), steps(run, "batch_loss", Context.TRAINING));
    assertEquals(LongStream.range(0, 4L * BATCHES).boxed().toList(), steps(run, "learning_rate", Context.TRAINING));
    List<Map<String, Float>> printed = AppOutput.epochs(app.stdout());
    assertEquals(4, printed.size());
    for (int epoch = 1; epoch <= 4; epoch++) {
      assertEquals(printed.get(epoch - 1).get("train_loss"), valueAt(run, "loss", Context.TRAINING, epoch));
    }
    assertEquals((float) TwoTrainersApp.FINE_TUNE_LR, valueAt(run, "learning_rate", Context.TRAINING, 2L * BATCHES));
    Map<String, String> expected = Map.of("optimizer_name", "Adam", "trainer2.optimizer_name", "Sgd",
        "trainer2.optimizer_lr", "0.05", "trainer2.optimizer_momentum", "0.9", "trainer2.epochs_done", "2",
        "trainer2.model_total_params", "451");
    assertEquals(expected, ReadBack.params(run, expected));
  }

  @Test
  void aSecondTrainerRewritingTheFirstsFilesLeavesEveryRecordedVersionAsItWasSaved() throws Exception {
    ForkedApp.Result app = run(fork(work).runMain(TwoTrainersApp.class, "--epochs", "2", "--models", "models")
        .requireSuccess());
    RunDirectory run = app.onlyRun();
    if (!mode().seesCallsListenersDoNot()) {
      assertEquals(Map.of(), ReadBack.versionSteps(run));
      return;
    }
    // The second trainer's SaveModelTrainingListener numbers from 1 again: it rewrote mlp-0001 and mlp-0002.
    assertEquals(Map.of("mlp-0001.params", 1L, "mlp-0002.params", 2L, "mlp-0003.params", 3L, "mlp-0004.params", 4L),
        ReadBack.versionSteps(run));
    Map<Long, byte[]> contents = new TreeMap<>();
    for (ModelVersion version : run.modelVersions()) {
      assertEquals(version.sha256().orElseThrow(), FileDigests.sha256(version.file()), version.id());
      contents.put(version.step(), Files.readAllBytes(version.file()));
    }
    for (int epoch = 1; epoch <= 2; epoch++) {
      byte[] now = Files.readAllBytes(work.resolve("models/mlp-000" + epoch + ".params"));
      assertArrayEquals(now, contents.get(epoch + 2L), "version " + (epoch + 2) + " is the second trainer's save");
      assertFalse(Arrays.equals(contents.get((long) epoch), now),
          "version " + epoch + " is still the first trainer's save, which the second one rewrote");
    }
  }

  @Test
  void perTrainerRunsGiveEachTrainerItsOwnRun() throws Exception {
    ForkedApp.Result app = run(fork(work).property("prov4ml.run.per-trainer", "true")
        .runMain(TwoTrainersApp.class, "--epochs", "1").requireSuccess());
    List<RunDirectory> runs = app.runs();
    assertEquals(2, runs.size(), runs.toString());
    for (RunDirectory run : runs) {
      assertEquals(LongStream.range(0, BATCHES).boxed().toList(), steps(run, "batch_loss", Context.TRAINING));
      assertEquals(List.of(1L), steps(run, "loss", Context.TRAINING));
      assertEquals("FINISHED", ReadBack.status(run));
    }
    assertEquals("Adam", runs.get(0).params().get("optimizer_name"));
    assertEquals("Sgd", runs.get(1).params().get("optimizer_name"));
  }

  @Test
  void trainingIsIdenticalWithAndWithoutRecordingAndWhenNothingCanBeRecorded() throws Exception {
    String without = new ForkedApp(work.resolve("without")).withoutAgent().appClassPath()
        .runMain(DemoApp.class, "--epochs", "2").requireSuccess().stdout();
    String with = run(fork(work.resolve("with")).runMain(DemoApp.class, "--epochs", "2").requireSuccess())
        .appLines();
    // A run directory that cannot be created: nothing can be recorded, the app must not notice.
    ForkedApp.Result failing = run(fork(work.resolve("failing"))
        .property("prov4ml.output-dir", "/proc/prov4ml-cannot-be-here")
        .runMain(DemoApp.class, "--epochs", "2").requireSuccess());
    assertEquals(without.strip(), with);
    assertEquals(without.strip(), failing.appLines());
    // Said once, in one line, and not tried again by the next event.
    assertEquals(1, failing.outputLines("prov4ml: "), failing.stdout() + failing.stderr());
    assertEquals(1, failing.outputLines("ERROR: prov4ml: cannot create a run directory in "
        + "/proc/prov4ml-cannot-be-here: No such file or directory; the application runs on without provenance"),
        failing.stderr());
    assertEquals(List.of(), failing.runs());
  }

  @Test
  void aFailingRecordAndASinkThatThrowAreLoggedOnceAndTheRestIsRecorded() throws Exception {
    ForkedApp.Result app = run(fork(work).runMain(BrokenLossApp.class).requireSuccess());
    assertEquals(1, app.stderrLines("DJL batch_loss failed"), app.stderr());
    assertEquals(1, app.stderrLines("this loss does not tell its per-batch value"), app.stderr());
    assertTrue(app.stderr().contains("DJL batch_loss=" + 2 * BATCHES), app.stderr());
    // The accuracy metric file is blocked (TRAINING, a point at each epoch): told once, counted, and the
    // run ends INCOMPLETE saying what was not written and where.
    assertEquals(1, app.outputLines("cannot write "), app.stderr());
    assertEquals(1, app.outputLines("INCOMPLETE: 2 metric points not written to "
        + "metrics_GR0/Accuracy_TRAINING_None_GR0.csv (File exists); "), app.stderr());
    RunDirectory run = app.onlyRun();
    assertEquals(List.of(), steps(run, "batch_loss", Context.TRAINING));
    assertEquals(List.of(1L, 2L), steps(run, "loss", Context.TRAINING));
    assertEquals(2 * BATCHES, steps(run, "learning_rate", Context.TRAINING).size());
  }

  @Test
  void anAppThatAlsoCallsTheApiGetsOneRunHoldingBoth() throws Exception {
    ForkedApp.Result app = run(fork(work).runMain(ExplicitApiApp.class).requireSuccess());
    RunDirectory run = app.onlyRun();
    assertTrue(run.path().getFileName().toString().startsWith("explicit_"), run.toString());
    Map<String, String> params = run.params();
    assertEquals("42", params.get("dataset_seed"));
    assertEquals("Adam", params.get("optimizer_name"));
    assertEquals(List.of(0L), steps(run, "custom_score", Context.TESTING));
    assertEquals(LongStream.range(0, BATCHES).boxed().toList(), steps(run, "batch_loss", Context.TRAINING));
    assertEquals("FINISHED", ReadBack.status(run));
  }
}
