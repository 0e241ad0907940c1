package org.prov4ml;

import org.prov4ml.internal.config.Prov4mlConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.basicdataset.cv.classification.ImageFolder;
import ai.djl.basicdataset.tabular.CsvDataset;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.internal.format.FileDigests;
import org.prov4ml.rundir.DatasetRecord;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.rundir.SourceCode;
import org.prov4ml.testing.LocalFilesDataset;

/** logDataset, logSourceCode, logExecutionCommand, logEnvironment and logBillOfMaterials on a real run. */
class DataAndCodeLoggingTest {

  @TempDir Path out;
  @TempDir Path data;

  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  @AfterEach
  void end() {
    Prov4ml.endRun();
  }

  private Run start() {
    return Prov4ml.startRun(RunOptions.builder().experimentName("lineage").outputDir(out).build());
  }

  @Test
  void anArrayDatasetIsAnEntityWithYprovStatsUsedByItsContext() throws Exception {
    Run run = start();
    try (NDManager manager = NDManager.newBaseManager()) {
      ArrayDataset train = new ArrayDataset.Builder().setData(manager.ones(new Shape(100, 10)))
          .optLabels(manager.zeros(new Shape(100))).setSampling(32, true).build();
      run.logDataset("train_dataset", train, Context.TRAINING);
      run.logDataset("train_dataset", train, Context.TRAINING); // once per label and context
      ArrayDataset all = new ArrayDataset.Builder().setData(manager.ones(new Shape(64, 3)))
          .setSampling(16, false, true).build();
      run.logDataset("everything", all);
    }
    run.close();
    Recorded r = Recorded.of(run);
    Map<String, String> e = r.entity("train_dataset//TRAINING");
    assertEquals("provml:Dataset", e.get("prov:type"));
    assertEquals("train_dataset", e.get("prov:label"));
    assertEquals("input", e.get("prov:role"));
    assertEquals("100", e.get("yprov:train_dataset_stat_total_samples"));
    assertEquals("32", e.get("yprov:train_dataset_stat_batch_size"));
    assertEquals("4", e.get("yprov:train_dataset_stat_total_steps"));
    assertEquals("true", e.get("yprov:train_dataset_stat_shuffle"));
    assertEquals("ai.djl.training.dataset.ArrayDataset", e.get("yprov:train_dataset_djl_class"));
    assertEquals("(100, 10) float32", e.get("yprov:train_dataset_data_shapes"));
    assertEquals("(100) float32", e.get("yprov:train_dataset_label_shapes"));
    assertNull(e.get("dcterms:identifier"), "an in-memory data set has no identifier");
    assertTrue(used(r, "TRAINING", "train_dataset//TRAINING"), "TRAINING used the data set");

    String runActivity = run.experimentName() + "_GR0_" + run.runId();
    Map<String, String> everything = r.entity("everything//" + runActivity);
    assertEquals("4", everything.get("yprov:everything_stat_total_steps")); // 64 / 16, last batch dropped
    assertEquals("false", everything.get("yprov:everything_stat_shuffle"));
    assertTrue(used(r, runActivity, "everything//" + runActivity));
    assertEquals(1, count(r, "used", "train_dataset//TRAINING"));
  }

  @Test
  void aDatasetsFilesAreHashedInTheBackgroundAndListedInItsManifest() throws Exception {
    Path images = Files.createDirectories(data.resolve("images"));
    Files.writeString(images.resolve("b.txt"), "bee");
    Files.createDirectories(images.resolve("sub"));
    Files.writeString(images.resolve("sub/a.txt"), "ay");
    Files.writeString(images.resolve("c.txt"), "sea");
    Run run = start();
    run.logDataset("images", new LocalFilesDataset(images), Context.TRAINING);
    run.close();

    Recorded r = Recorded.of(run);
    Map<String, String> e = r.entity("images//TRAINING");
    assertEquals(images.toString(), e.get("dcterms:identifier"));
    assertEquals("3", e.get("yprov:images_source_files"));
    assertEquals("8", e.get("yprov:images_source_bytes"));
    // What `cd images && find . -type f | sort | sed s,^./,, | xargs sha256sum | sha256sum` prints.
    String listing = sha256("bee") + "  b.txt\n" + sha256("sea") + "  c.txt\n" + sha256("ay") + "  sub/a.txt\n";
    assertEquals(sha256(listing), e.get("yprov:sha256"));
    assertNull(e.get("yprov:images_source_note"));

    Path manifest = Path.of(e.get("yprov:images_source_manifest"));
    assertEquals(run.runDirectory().resolve("artifacts_GR0/datasets/images_TRAINING.json"), manifest);
    JsonNode files = new ObjectMapper().readTree(manifest.toFile()).path("files");
    assertEquals(3, files.size());
    assertEquals("sub/a.txt", files.get(2).path("name").asText());
    assertEquals(sha256("ay"), files.get(2).path("sha256").asText());
    assertEquals(2, files.get(2).path("bytes").asLong());
    assertTrue(r.entityIds().contains("datasets/images_TRAINING.json//" + run.experimentName() + "_GR0_"
        + run.runId()), "the manifest is an artifact of the run");

    // The public reader gives the same.
    DatasetRecord read = RunDirectory.open(run.runDirectory()).datasets().get(0);
    assertEquals("images", read.label());
    assertEquals(Context.TRAINING, read.context().orElseThrow());
    assertEquals(List.of(images.toString()), read.sources());
    assertEquals(e.get("yprov:sha256"), read.sha256().orElseThrow());
    assertEquals(LocalFilesDataset.class.getName(), read.properties().get("djl_class"));
    assertEquals(List.of("b.txt", "c.txt", "sub/a.txt"), read.files().stream().map(DatasetRecord.DataFile::name)
        .toList());
    assertEquals(sha256("ay"), read.files().get(2).sha256().orElseThrow());
  }

  @Test
  void djlsCsvDatasetAndImageFolderNameTheirFilesWithoutBeingRead() throws Exception {
    Path csv = Files.writeString(data.resolve("points.csv"), "x,y\n1,2\n3,4\n");
    Path images = Files.createDirectories(data.resolve("images/cat"));
    Files.write(images.resolve("1.png"), new byte[] {1, 2, 3});
    Run run = start();
    run.logDataset("csv", CsvDataset.builder().optCsvFile(csv).addNumericFeature("x").addNumericLabel("y")
        .setSampling(1, false).build(), Context.TRAINING); // not prepared: no size yet, still its file
    run.logDataset("images", ImageFolder.builder().setRepositoryPath(data.resolve("images")).setSampling(1, true)
        .build(), Context.VALIDATION);
    run.close();
    RunDirectory dir = RunDirectory.open(run.runDirectory());
    DatasetRecord csvRecord = dir.datasets().get(0);
    assertEquals(List.of(csv.toString()), csvRecord.sources());
    assertEquals(sha256("x,y\n1,2\n3,4\n"), csvRecord.sha256().orElseThrow());
    assertEquals("ai.djl.basicdataset.tabular.CsvDataset", csvRecord.properties().get("djl_class"));
    assertEquals("1", csvRecord.properties().get("stat_batch_size"));
    assertFalse(csvRecord.properties().containsKey("stat_total_samples"), "unknown before prepare()");
    DatasetRecord folder = dir.datasets().get(1);
    assertEquals(List.of(data.resolve("images").toString()), folder.sources());
    assertEquals(List.of("cat/1.png"), folder.files().stream().map(DatasetRecord.DataFile::name).toList());
  }

  @Test
  void filesBeyondTheHashLimitKeepTheirSizesAndTheDatasetSaysSo() throws Exception {
    Path folder = Files.createDirectories(data.resolve("big"));
    Files.writeString(folder.resolve("1.bin"), "12345");
    Files.writeString(folder.resolve("2.bin"), "1234567890");
    Files.writeString(folder.resolve("3.bin"), "1");
    System.setProperty("prov4ml.data.hash-limit", "8");
    Run run;
    try {
      Prov4mlConfig.replace(Prov4mlConfig.load());
      run = start();
      run.logDataset("big", new LocalFilesDataset(folder));
      run.close();
    } finally {
      System.clearProperty("prov4ml.data.hash-limit");
      Prov4mlConfig.replace(Prov4mlConfig.load());
    }
    Recorded r = Recorded.of(run);
    Map<String, String> e = r.entity("big//" + run.experimentName() + "_GR0_" + run.runId());
    assertNull(e.get("yprov:sha256"), "no overall digest when not every file was hashed");
    assertTrue(e.get("yprov:big_source_note").startsWith("2 of 3 files (11 bytes) not hashed: beyond "
        + "prov4ml.data.hash-limit (8 bytes)"), e.get("yprov:big_source_note"));
    JsonNode files = new ObjectMapper().readTree(Path.of(e.get("yprov:big_source_manifest")).toFile()).path("files");
    assertEquals(sha256("12345"), files.get(0).path("sha256").asText());
    assertTrue(files.get(1).path("sha256").isNull(), "hashing stops at the first file past the limit");
    assertTrue(files.get(2).path("sha256").isNull());
    assertEquals(10, files.get(1).path("bytes").asLong());
    assertFalse(files.get(1).path("modified").asText().isEmpty());
  }

  @Test
  void codeCommandAndEnvironmentAreParams() throws Exception {
    Run run = start();
    run.logExecutionCommand();
    run.logEnvironment();
    run.logSourceCode(true);
    run.close();
    Recorded r = Recorded.of(run);
    Map<String, String> params = r.params();
    assertTrue(params.get("execution_command").startsWith(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString()), params.get("execution_command"));
    assertEquals(Engine.getDjlVersion(), params.get("djl_version"));
    assertEquals("PyTorch", params.get("djl_engine"));
    assertEquals("2.7.1", params.get("djl_engine_version"));
    assertEquals("cpu()", params.get("djl_devices"));
    assertEquals(Integer.toString(Runtime.getRuntime().availableProcessors()), params.get("cpu_count"));
    assertEquals(System.getProperty("java.vm.vendor"), params.get("jvm_vendor"));
    assertEquals(System.getenv().getOrDefault("OMP_NUM_THREADS", "not set"), params.get("env.OMP_NUM_THREADS"));
    assertEquals("true", params.get("property.ai.djl.offline"));
    assertFalse(params.keySet().stream().anyMatch(k -> k.equals("env.PATH") || k.equals("env.HOME")));
    Map<String, String> code = r.entity("application_code//" + run.experimentName() + "_GR0_" + run.runId());
    assertEquals("provml:SourceCode", code.get("prov:type"));
    SourceCode read = r.rank().sourceCode().orElseThrow();
    assertEquals(FileDigests.sha256OfFileOrDirectory(read.location().orElseThrow()), read.sha256().orElseThrow());
    assertEquals(code.get("yprov:main_class"), read.mainClass());
    // The tests run inside this repository's working tree.
    assertTrue(params.get("source_code").matches(".+/[0-9a-f]{40}"), params.get("source_code"));
    assertTrue(List.of("true", "false").contains(params.get("source_code_dirty")), params.get("source_code_dirty"));
    assertEquals("input", r.entity("source_code//" + run.experimentName() + "_GR0_" + run.runId()).get("prov:role"));
  }

  @Test
  void theBillOfMaterialsListsDjlWithItsDigest() throws Exception {
    Run run = start();
    run.logBillOfMaterials();
    run.close();
    Path sbom = run.runDirectory().resolve("artifacts_GR0/sbom.cdx.json");
    JsonNode bom = new ObjectMapper().readTree(sbom.toFile());
    assertEquals("CycloneDX", bom.path("bomFormat").asText());
    assertEquals("1.6", bom.path("specVersion").asText());
    JsonNode api = null;
    for (JsonNode c : bom.path("components")) {
      if (c.path("purl").asText().equals("pkg:maven/ai.djl/api@0.36.0?type=jar")) {
        api = c;
      }
    }
    assertTrue(api != null, "ai.djl:api 0.36.0 in " + bom.path("components"));
    assertEquals("ai.djl", api.path("group").asText());
    Path jar = Path.of(api.path("properties").get(0).path("value").asText());
    assertEquals("SHA-256", api.path("hashes").get(0).path("alg").asText());
    assertEquals(sha256(Files.readAllBytes(jar)), api.path("hashes").get(0).path("content").asText());
    Recorded r = Recorded.of(run);
    assertTrue(r.entityIds().contains("sbom.cdx.json//" + run.experimentName() + "_GR0_" + run.runId()));
  }

  @Test
  void badArgumentsNameTheArgument() {
    Run run = start();
    var e = assertThrows(IllegalArgumentException.class, () -> run.logDataset("a/b", new LocalFilesDataset(data)));
    assertTrue(e.getMessage().contains("label 'a/b'"), e.getMessage());
    var n = assertThrows(NullPointerException.class, () -> run.logDataset("x", null, Context.TRAINING));
    assertEquals("dataset must not be null", n.getMessage());
  }

  /** The run directory read back, with its raw document for the relations the reader does not type. */
  record Recorded(RankRecord rank, Map<String, String> params, JsonNode document) {
    static Recorded of(Run run) throws Exception {
      RunDirectory dir = RunDirectory.open(run.runDirectory());
      return new Recorded(dir.primary(), dir.params(), new ObjectMapper().readTree(run.provenanceFile().toFile()));
    }

    Map<String, String> entity(String id) {
      return rank.entity(id).orElseThrow(() -> new AssertionError("no entity " + id + " in " + rank.entityIds()));
    }

    List<String> entityIds() {
      return rank.entityIds();
    }
  }

  private static boolean used(Recorded r, String activity, String entity) {
    return count(r, "used", entity) > 0 && relations(r, "used").stream()
        .anyMatch(u -> u.path("prov:activity").asText().equals(activity)
            && u.path("prov:entity").asText().equals(entity));
  }

  private static long count(Recorded r, String kind, String entity) {
    return relations(r, kind).stream().filter(u -> u.path("prov:entity").asText().equals(entity)).count();
  }

  private static List<JsonNode> relations(Recorded r, String kind) {
    List<JsonNode> all = new ArrayList<>();
    r.document().path(kind).forEach(all::add);
    return all;
  }

  static String sha256(String text) throws Exception {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
