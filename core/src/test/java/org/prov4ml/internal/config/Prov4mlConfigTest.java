package org.prov4ml.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Prov4mlConfigTest {

  @TempDir Path dir;

  private static Properties props(String... keyValues) {
    Properties p = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  @Test
  void defaults() {
    Prov4mlConfig c = Prov4mlConfig.load(new Properties(), Map.of(), null);
    assertEquals("default", c.get(ConfigKeys.EXPERIMENT));
    assertEquals(Path.of("prov4ml-runs"), c.get(ConfigKeys.OUTPUT_DIR));
    assertEquals(65536, c.get(ConfigKeys.BUFFER_SIZE));
    assertEquals(OverflowPolicy.BLOCK, c.get(ConfigKeys.BUFFER_OVERFLOW));
    assertEquals(Duration.ofSeconds(30), c.get(ConfigKeys.MLFLOW_FLUSH_TIMEOUT));
    assertEquals(Duration.ofSeconds(10), c.get(ConfigKeys.SYSTEM_METRICS_INTERVAL));
    assertNull(c.get(ConfigKeys.CONFIG_FILE));
    assertTrue(c.instrumentationEnabled("trainer"));
  }

  @Test
  void systemPropertyBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
    Path file = Files.writeString(dir.resolve("p.properties"), String.join("\n",
        "prov4ml.experiment-name=from-file", "prov4ml.buffer.size=128", "prov4ml.rank=3",
        "prov4ml.buffer.overflow=drop", "prov4ml.instrument.model-save.enabled=false"));
    Map<String, String> env = Map.of("PROV4ML_CONFIG", file.toString(), "PROV4ML_BUFFER_SIZE", "256",
        "PROV4ML_EXPERIMENT_NAME", "from-env", "PROV4ML_SYSTEM_METRICS_INTERVAL", "250ms");
    Prov4mlConfig c = Prov4mlConfig.load(props("prov4ml.experiment-name", "from-sys"), env, null);
    assertEquals("from-sys", c.get(ConfigKeys.EXPERIMENT));
    assertEquals(256, c.get(ConfigKeys.BUFFER_SIZE));
    assertEquals(3, c.get(ConfigKeys.RANK));
    assertEquals(OverflowPolicy.DROP, c.get(ConfigKeys.BUFFER_OVERFLOW));
    assertEquals(Duration.ofMillis(250), c.get(ConfigKeys.SYSTEM_METRICS_INTERVAL));
    assertFalse(c.instrumentationEnabled("model-save"));
  }

  @Test
  void explicitConfigFileWinsOverTheNamedOne() throws Exception {
    Path named = Files.writeString(dir.resolve("named.properties"), "prov4ml.experiment-name=named\n");
    Path explicit = Files.writeString(dir.resolve("agent.properties"), "prov4ml.experiment-name=agent\n");
    Prov4mlConfig c = Prov4mlConfig.load(props("prov4ml.config", named.toString()), Map.of(), explicit);
    assertEquals("agent", c.get(ConfigKeys.EXPERIMENT));
  }

  @Test
  void unknownKeysAndBadValuesAreReportedWithKeyValueAndWhatIsAllowed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Prov4mlConfig.load(
        props("prov4ml.bufer.size", "10", "prov4ml.buffer.size", "lots", "prov4ml.buffer.overflow", "maybe"),
        Map.of("PROV4ML_OUTPUTDIR", "/x", "PROV4ML_MLFLOW_FLUSH_TIMEOUT", "30"), null));
    String m = e.getMessage();
    assertTrue(m.contains("unknown key prov4ml.bufer.size = '10'"), m);
    assertTrue(m.contains("prov4ml.buffer.size = 'lots' (from system property prov4ml.buffer.size) is invalid: "
        + "expected a power of two from 64 to 16777216"), m);
    assertTrue(m.contains("prov4ml.buffer.overflow = 'maybe'") && m.contains("block or drop"), m);
    assertTrue(m.contains("unknown environment variable PROV4ML_OUTPUTDIR"), m);
    assertTrue(m.contains("prov4ml.mlflow.flush-timeout = '30' (from environment variable "
        + "PROV4ML_MLFLOW_FLUSH_TIMEOUT)") && m.contains("30s"), m);
  }

  @Test
  void unreadableConfigFileIsReported() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Prov4mlConfig.load(new Properties(), Map.of(), dir.resolve("missing.properties")));
    assertTrue(e.getMessage().contains("missing.properties"), e.getMessage());
  }

  @Test
  void sizesInBytesOrBinaryUnits() {
    assertEquals(1L << 30, Prov4mlConfig.load(new Properties(), Map.of(), null).get(ConfigKeys.DATA_HASH_LIMIT));
    assertEquals(0L, ConfigKeys.size("0"));
    assertEquals(1048576L, ConfigKeys.size("1048576"));
    assertEquals(512L << 20, ConfigKeys.size("512MiB"));
    assertEquals(2L << 40, ConfigKeys.size("2 TiB"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Prov4mlConfig.load(
        props("prov4ml.data.hash-limit", "1GB"), Map.of(), null));
    assertTrue(e.getMessage().contains("prov4ml.data.hash-limit = '1GB' (from system property "
        + "prov4ml.data.hash-limit) is invalid: expected a size such as 0, 1048576, 512MiB or 1GiB"), e.getMessage());
  }

  @Test
  void rankComesFromTheLauncher() {
    assertEquals(2, LauncherEnvironment.rank(Map.of("SLURM_PROCID", "2")).getAsInt());
    assertEquals(5, LauncherEnvironment.rank(Map.of("RANK", "5", "SLURM_PROCID", "2")).getAsInt());
    assertEquals(7, LauncherEnvironment.rank(Map.of("OMPI_COMM_WORLD_RANK", "7")).getAsInt());
    assertTrue(LauncherEnvironment.rank(Map.of()).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> LauncherEnvironment.rank(Map.of("RANK", "x")));
  }

  @Test
  void forARecordingProcessABadValueKeepsItsDefaultAndEachProblemIsOneEntry() {
    Prov4mlConfig.Loaded loaded = Prov4mlConfig.read(props("prov4ml.buffer.size", "lots", "prov4ml.typo", "1",
        "prov4ml.instrument.bogus.enabled", "false", "prov4ml.user-namespace", "a\nb"), Map.of(), null);
    assertEquals(65536, loaded.config().get(ConfigKeys.BUFFER_SIZE));
    assertEquals("www.example.org", loaded.config().get(ConfigKeys.USER_NAMESPACE));
    assertTrue(loaded.config().instrumentationEnabled("bogus"));
    assertEquals(4, loaded.problems().size(), loaded.problems().toString());
    assertTrue(loaded.problems().stream().allMatch(p -> !(p.what() + p.instead()).contains("\n")
        || p.what().contains("user-namespace")), loaded.problems().toString());
  }

  @Test
  void aRankIdentityThatContradictsItselfRecordsASingleProcessWithoutTheJobsRunId() {
    for (Map<String, String> env : java.util.List.of(Map.of("RANK", "5", "WORLD_SIZE", "2", "SLURM_JOB_ID", "77"),
        Map.of("RANK", "abc", "WORLD_SIZE", "2", "SLURM_JOB_ID", "77"),
        Map.of("RANK", "1", "WORLD_SIZE", "0", "SLURM_JOB_ID", "77"))) {
      Prov4mlConfig.Loaded loaded = Prov4mlConfig.read(new Properties(), env, null);
      assertEquals(0, loaded.config().get(ConfigKeys.RANK), env.toString());
      assertEquals(1, loaded.config().get(ConfigKeys.WORLD_SIZE), env.toString());
      assertNull(loaded.config().get(ConfigKeys.RUN_ID), env.toString());
      assertEquals(1, loaded.problems().size(), loaded.problems().toString());
      assertTrue(loaded.problems().get(0).instead().contains("single process"), loaded.problems().toString());
    }
    // The same through prov4ml.* keys, and a run id set explicitly is dropped as well.
    Prov4mlConfig.Loaded loaded = Prov4mlConfig.read(props("prov4ml.rank", "3", "prov4ml.world-size", "3",
        "prov4ml.run-id", "job"), Map.of(), null);
    assertNull(loaded.config().get(ConfigKeys.RUN_ID));
    assertEquals(0, loaded.config().get(ConfigKeys.RANK));
    Prov4mlConfig.Loaded fine = Prov4mlConfig.read(new Properties(), Map.of("RANK", "1", "WORLD_SIZE", "2",
        "SLURM_JOB_ID", "77"), null);
    assertEquals(java.util.List.of(), fine.problems());
    assertEquals(1, fine.config().get(ConfigKeys.RANK));
    assertEquals("77", fine.config().get(ConfigKeys.RUN_ID));
  }

  @Test
  void theCommandLineStillRefusesWhatARecordingProcessReports() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Prov4mlConfig.load(
        props("prov4ml.instrument.bogus.enabled", "true"), Map.of(), null));
    assertTrue(e.getMessage().contains("names no instrumentation"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Prov4mlConfig.load(new Properties(),
        Map.of("RANK", "abc"), null));
    assertTrue(e.getMessage().contains("RANK = 'abc'") && !e.getMessage().contains("Exception"), e.getMessage());
  }

  @Test
  void anExperimentNameIsLimitedInUtf8BytesSoItsFileNamesFit() {
    assertEquals("é".repeat(50), Prov4mlConfig.load(props("prov4ml.experiment-name", "é".repeat(50)), Map.of(), null)
        .get(ConfigKeys.EXPERIMENT));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Prov4mlConfig.load(
        props("prov4ml.experiment-name", "é".repeat(51)), Map.of(), null));
    assertTrue(e.getMessage().contains("at most 100 bytes"), e.getMessage());
  }
}
