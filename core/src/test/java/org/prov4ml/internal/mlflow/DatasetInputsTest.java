package org.prov4ml.internal.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.prov4ml.Context;
import org.prov4ml.Run;
import org.prov4ml.rundir.DatasetRecord;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.LocalFilesDataset;

/**
 * The experiment's kind and the run's data sets as MLflow dataset inputs, and the data set that validation and
 * test points name, against the {@link org.prov4ml.testing.MlflowEmulator}, which answers
 * {@code runs/log-inputs} and {@code experiments/set-experiment-tag} as MLflow's SQL store does.
 */
class DatasetInputsTest extends EmulatedMlflowTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long T0 = 1_700_000_000_000L;

  /** Train in memory, validation from two files, test from one; validation and test points of two epochs. */
  private Run recordThreeDatasets(String trackingUri, String experiment) throws Exception {
    Path data = Files.createDirectories(out.resolve("data/valid"));
    Path a = Files.writeString(data.resolve("a.csv"), "1,2\n");
    Path b = Files.writeString(data.resolve("b.csv"), "3,4\n");
    Path test = Files.writeString(out.resolve("data/test.csv"), "5,6\n");
    Run run = MlflowTestRuns.start(MlflowTestRuns.settings(trackingUri), out, experiment, "data");
    try (NDManager manager = NDManager.newBaseManager()) {
      ArrayDataset train = new ArrayDataset.Builder().setData(manager.ones(new Shape(100, 10)))
          .optLabels(manager.zeros(new Shape(100))).setSampling(32, true).build();
      run.logDataset("train_dataset", train, Context.TRAINING);
    }
    run.logDataset("validation_dataset", new LocalFilesDataset(a, b), Context.VALIDATION);
    run.logDataset("test_dataset", new LocalFilesDataset(test), Context.TESTING);
    for (int epoch = 1; epoch <= 2; epoch++) {
      run.logMetric("loss", 1.0 / epoch, Context.TRAINING, epoch, false, T0 + epoch);
      run.logMetric("Accuracy", 0.5 + epoch / 10.0, Context.VALIDATION, epoch, false, T0 + epoch);
    }
    run.logMetric("Accuracy", 0.8, Context.TESTING, 2, false, T0 + 3);
    run.close();
    return run;
  }

  private RunUpload upload(Path runDir) {
    return new RunUpload(runDir, 0, MlflowTestRuns.syncSettings(mlflow.uri(), Map.of()));
  }

  private Map<String, JsonNode> inputsByName(String runId) {
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    mlflow.datasetInputs(runId).forEach(i -> byName.put(i.path("dataset").path("name").asText(), i));
    return byName;
  }

  private static String context(JsonNode input) {
    for (JsonNode t : input.path("tags")) {
      if (t.path("key").asText().equals("mlflow.data.context")) {
        return t.path("value").asText();
      }
    }
    return null;
  }

  @Test
  void everyDataSetIsAnInputWithItsContextAndTheValidationAndTestPointsNameIt() throws Exception {
    Run run = recordThreeDatasets(null, "inputs");
    Path runDir = run.runDirectory();
    upload(runDir).finish(null);
    String runId = mlflow.runIds().get(0);

    Map<String, JsonNode> inputs = inputsByName(runId);
    assertEquals(List.of("train_dataset", "validation_dataset", "test_dataset"), new ArrayList<>(inputs.keySet()));
    assertEquals("training", context(inputs.get("train_dataset")));
    assertEquals("validation", context(inputs.get("validation_dataset")));
    assertEquals("testing", context(inputs.get("test_dataset")));

    Map<String, DatasetRecord> recorded = new LinkedHashMap<>();
    RunDirectory.open(runDir).datasets().forEach(d -> recorded.put(d.label(), d));
    // Hashed files: the digest is their SHA-256's first 36 digits, the whole one in the profile.
    JsonNode validation = inputs.get("validation_dataset").path("dataset");
    String sha256 = recorded.get("validation_dataset").sha256().orElseThrow();
    assertEquals(sha256.substring(0, 36), validation.path("digest").asText());
    JsonNode profile = JSON.readTree(validation.path("profile").asText());
    assertEquals(sha256, profile.path("sha256").asText());
    assertEquals("files", profile.path("digest_of").asText());
    assertEquals(2, profile.path("files").asInt());
    assertEquals("local", validation.path("source_type").asText());
    JsonNode source = JSON.readTree(validation.path("source").asText());
    assertEquals(out.resolve("data/valid").toUri().toString(), source.path("uri").asText());
    assertEquals(LocalFilesDataset.class.getName(), source.path("djl_class").asText());
    assertEquals(2, source.path("uris").size());
    JsonNode test = inputs.get("test_dataset").path("dataset");
    assertEquals(out.resolve("data/test.csv").toUri().toString(),
        JSON.readTree(test.path("source").asText()).path("uri").asText());

    // In memory: a digest of its description, its shapes as MLflow's tensor spec, its sampling as the profile.
    JsonNode train = inputs.get("train_dataset").path("dataset");
    assertEquals(36, train.path("digest").asText().length());
    assertEquals(DatasetInputs.descriptionDigest(recorded.get("train_dataset")), train.path("digest").asText());
    assertEquals("code", train.path("source_type").asText());
    JsonNode spec = JSON.readTree(train.path("schema").asText()).path("mlflow_tensorspec");
    assertEquals("[{\"type\":\"tensor\",\"tensor-spec\":{\"dtype\":\"float32\",\"shape\":[-1,10]}}]",
        spec.path("features").asText());
    assertEquals("[{\"type\":\"tensor\",\"tensor-spec\":{\"dtype\":\"float32\",\"shape\":[-1]}}]",
        spec.path("targets").asText());
    JsonNode trainProfile = JSON.readTree(train.path("profile").asText());
    assertEquals(100, trainProfile.path("samples").asInt());
    assertEquals(32, trainProfile.path("batch_size").asInt());
    assertEquals(4, trainProfile.path("batches_per_epoch").asInt());
    assertTrue(trainProfile.path("shuffle").asBoolean());
    assertEquals("description", trainProfile.path("digest_of").asText());

    String validationLink = "validation_dataset@" + validation.path("digest").asText();
    assertEquals(Arrays.asList(validationLink, validationLink), mlflow.pointDatasets(runId, "validation/Accuracy"));
    assertEquals(List.of("test_dataset@" + test.path("digest").asText()),
        mlflow.pointDatasets(runId, "testing/Accuracy"));
    assertEquals(Collections.nCopies(2, null), mlflow.pointDatasets(runId, "training/loss"), "training names none");

    int logInputs = mlflow.requests("runs/log-inputs");
    assertEquals(1, logInputs, "the three in one request");
    upload(runDir).finish(null);
    assertEquals(logInputs, mlflow.requests("runs/log-inputs"), "a second sync sends no data set again");
  }

  @Test
  void theLiveUploaderSendsTheDataSetsAndTheExperimentIsAModelTrainingOne() throws Exception {
    Run run = recordThreeDatasets(mlflow.uri(), "live_inputs");
    String runId = MlflowTestRuns.cursor(run).runId;
    assertEquals(3, mlflow.datasetInputs(runId).size());
    assertEquals(3, MlflowTestRuns.cursor(run).datasetInputs.size());
    assertEquals(2, mlflow.pointDatasets(runId, "validation/Accuracy").stream().filter(d -> d != null
        && d.startsWith("validation_dataset@")).count());
    assertEquals("custom_model_development", mlflow.experimentTags("live_inputs").get("mlflow.experimentKind"));
  }

  @Test
  void anExperimentWithoutAKindGetsOneAndOneWithAKindKeepsIt() throws Exception {
    mlflow.createExperiment("kindless", Map.of("team", "a"));
    mlflow.createExperiment("genai", Map.of("mlflow.experimentKind", "genai_development"));
    for (String experiment : List.of("kindless", "genai")) {
      Run run = MlflowTestRuns.start(MlflowTestRuns.settings(mlflow.uri()), out, experiment, experiment);
      run.logParam("lr", 0.1);
      run.close();
    }
    assertEquals(Map.of("team", "a", "mlflow.experimentKind", "custom_model_development"),
        mlflow.experimentTags("kindless"));
    assertEquals(Map.of("mlflow.experimentKind", "genai_development"), mlflow.experimentTags("genai"));
  }

  @Test
  void pointsWaitForTheirDataSetsDigestUntilTheLastPass() throws Exception {
    Run run = recordThreeDatasets(null, "held");
    Path runDir = run.runDirectory();
    // The document as it is while the validation files are still being hashed: no digest, no file count yet.
    Path document = RunDirectory.open(runDir).ranks().get(0).document();
    ObjectNode doc = (ObjectNode) JSON.readTree(document.toFile());
    ObjectNode entity = (ObjectNode) doc.path("entity").path("validation_dataset//VALIDATION");
    entity.remove(List.of("yprov:sha256", "yprov:validation_dataset_source_files"));
    JSON.writeValue(document.toFile(), doc);

    RunUpload upload = upload(runDir);
    upload.pass();
    String runId = mlflow.runIds().get(0);
    assertEquals(List.of("train_dataset", "test_dataset"), new ArrayList<>(inputsByName(runId).keySet()));
    assertEquals(List.of(), mlflow.history(runId, "validation/Accuracy"), "held: its data set's digest is not final");
    assertEquals(2, mlflow.history(runId, "training/loss").size(), "other points are not held");

    upload.finish(null); // the record is final: the data set goes as it is, and its points with it
    String digest = inputsByName(runId).get("validation_dataset").path("dataset").path("digest").asText();
    assertEquals(DatasetInputs.descriptionDigest(RunDirectory.open(runDir).datasets().stream()
        .filter(d -> d.label().equals("validation_dataset")).findFirst().orElseThrow()), digest);
    assertEquals(Collections.nCopies(2, "validation_dataset@" + digest), mlflow.pointDatasets(runId,
        "validation/Accuracy"));
  }

  @Test
  void aDataSetWhoseFilesAreNotHashedYetWaitsAndSoDoItsPoints() {
    DatasetRecord hashing = record(List.of("/data/valid"), Optional.empty(), Map.of("djl_class", "x.Csv"));
    assertFalse(DatasetInputs.settled(hashing), "local files, not hashed yet");
    assertTrue(DatasetInputs.settled(record(List.of("/data/valid"), Optional.empty(),
        Map.of("source_files", "3"))), "hashing ended without a digest (a file beyond the hash limit)");
    assertTrue(DatasetInputs.settled(record(List.of("https://example.org/x.csv"), Optional.empty(), Map.of())),
        "nothing local to hash");
    assertTrue(DatasetInputs.settled(record(List.of(), Optional.empty(), Map.of())), "in memory");
  }

  @Test
  void aDigestFitsMlflowAndASourceTooLongForItKeepsItsFolder() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      many.add("/data/images/class" + (i % 10) + "/image-" + i + ".png");
    }
    DatasetRecord images = record(many, Optional.empty(), Map.of("djl_class", "ai.djl.basicdataset.cv.ImageFolder"));
    DatasetInputs.MlflowDataset d = DatasetInputs.of(images);
    assertTrue(d.source().length() <= DatasetInputs.MAX_SOURCE, "within MLflow's source limit");
    assertEquals("{\"uri\":\"file:///data/images\",\"djl_class\":\"ai.djl.basicdataset.cv.ImageFolder\"}",
        d.source());
    assertEquals(36, d.digest().length());
    assertNull(d.schema(), "no shapes recorded");
  }

  @Test
  void twoDataSetsInMemoryAlikeButForTheirLabelHaveDigestsOfTheirOwn() {
    Map<String, String> alike = Map.of("djl_class", "ai.djl.training.dataset.ArrayDataset", "stat_total_samples", "64",
        "data_shapes", "(64, 10)");
    DatasetRecord validation = record(List.of(), Optional.empty(), alike);
    DatasetRecord test = new DatasetRecord("test_dataset//TESTING", "test_dataset", Optional.of(Context.TESTING), alike,
        List.of(), Optional.empty(), Optional.empty(), Optional.empty(), 0, Map.of(), out);
    assertNotEquals(DatasetInputs.of(validation).digest(), DatasetInputs.of(test).digest(),
        "MLflow would show the validation and the test set as one digest");
  }

  private DatasetRecord record(List<String> sources, Optional<String> sha256, Map<String, String> properties) {
    return new DatasetRecord("validation_dataset//VALIDATION", "validation_dataset", Optional.of(Context.VALIDATION),
        properties, sources, sha256, Optional.empty(), Optional.empty(), 0, Map.of(), out);
  }
}
