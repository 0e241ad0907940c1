package org.prov4ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Programmer errors fail at the call site, naming the argument and the value; nothing is dropped silently. */
class BadInputTest {

  @TempDir Path out;
  private Run run;

  @BeforeEach
  void start() {
    run = Prov4ml.startRun(RunOptions.builder().experimentName("bad").outputDir(out).build());
  }

  @AfterEach
  void end() {
    Prov4ml.endRun();
  }

  private static void fails(Class<? extends Throwable> type, Executable call, String... fragments) {
    Throwable t = assertThrows(type, call);
    for (String fragment : fragments) {
      assertTrue(t.getMessage() != null && t.getMessage().contains(fragment),
          "message '" + t.getMessage() + "' should contain '" + fragment + "'");
    }
  }

  @Test
  void nullOrBlankKeys() {
    fails(NullPointerException.class, () -> run.logMetric(null, 1, Context.TRAINING), "metric key");
    fails(IllegalArgumentException.class, () -> run.logMetric("  ", 1, Context.TRAINING), "metric key", "'  '");
    fails(NullPointerException.class, () -> run.logParam(null, 1), "param key");
    fails(IllegalArgumentException.class, () -> run.logParam("", 1), "param key", "''");
  }

  @Test
  void overlongKey() {
    String key = "k".repeat(251);
    fails(IllegalArgumentException.class, () -> run.logMetric(key, 1, Context.TRAINING), "metric key", "251",
        "250");
    run.logMetric("k".repeat(250), 1, Context.TRAINING); // the limit itself is fine
    run.close();
    assertEquals(0, run.report().failures().size(), run.report().failures().toString());
  }

  @Test
  void inputModelWithoutANameOrAFile() throws Exception {
    Path file = Files.writeString(Files.createDirectories(out.resolve("loaded")).resolve("mlp-0001.params"), "DJL@");
    fails(NullPointerException.class, () -> run.logInputModel(null, file), "modelName");
    fails(IllegalArgumentException.class, () -> run.logInputModel(" ", file), "modelName", "' '");
    fails(NullPointerException.class, () -> run.logInputModel("mlp", null), "file");
    Path missing = file.resolveSibling("mlp-0002.params");
    fails(IllegalArgumentException.class, () -> run.logInputModel("mlp", missing), "file", "'" + missing + "'");
    fails(IllegalArgumentException.class, () -> run.logInputModel("mlp", file.getParent()), "file",
        "'" + file.getParent() + "'", "not a regular file");
    fails(IllegalArgumentException.class, () -> Prov4ml.logInputModel("mlp", missing), "file");
  }

  @Test
  void endingAsIncomplete() {
    fails(IllegalArgumentException.class, () -> run.end(RunStatus.INCOMPLETE), "INCOMPLETE", "FINISHED");
    assertTrue(!run.isEnded(), "a refused end leaves the run open");
  }

  @Test
  void keyWithForbiddenCharacter() {
    fails(IllegalArgumentException.class, () -> run.logMetric("loss%", 1, Context.TRAINING), "'loss%'", "'%'");
    fails(IllegalArgumentException.class, () -> run.logParam("a,b", 1), "'a,b'", "','");
    run.logMetric("train/loss: top-1 .x", 1, Context.TRAINING); // every allowed kind of character
  }

  @Test
  void nullContextAndValues() {
    fails(NullPointerException.class, () -> run.logMetric("loss", 1, null), "context");
    fails(NullPointerException.class, () -> run.logParam("lr", null), "'lr'");
    Map<String, Number> withNull = new HashMap<>();
    withNull.put("acc", null);
    fails(NullPointerException.class, () -> run.logMetrics(withNull, Context.TESTING, 0), "'acc'");
    fails(NullPointerException.class, () -> run.logMetrics(Collections.emptyMap(), null, 0), "context");
    fails(IllegalArgumentException.class, () -> run.logMetric("loss", 1, Context.TRAINING, -1), "step", "-1");
    fails(IllegalArgumentException.class, () -> Context.of("a b"), "'a b'");
  }

  @Test
  void missingArtifact() {
    Path missing = out.resolve("nope.bin");
    fails(IllegalArgumentException.class, () -> run.logArtifact(missing), "artifact path", missing.toString(),
        "does not exist");
    fails(NullPointerException.class, () -> run.logArtifact(null), "artifact path");
  }

  @Test
  void callsOnAnEndedRunHandle() {
    run.close();
    fails(IllegalStateException.class, () -> run.logMetric("loss", 1, Context.TRAINING), "bad_0", "ended");
    fails(IllegalStateException.class, () -> run.logParam("lr", 1), "bad_0", "ended");
    fails(IllegalStateException.class, () -> run.logArtifact(out), "bad_0", "ended");
    fails(IllegalStateException.class, run::flush, "bad_0", "ended");
    run.close(); // ending twice is harmless
  }

  @Test
  void badRunOptions() {
    fails(IllegalArgumentException.class, () -> RunOptions.builder().experimentName("a/b"), "experimentName",
        "'a/b'");
    fails(IllegalArgumentException.class, () -> RunOptions.builder().rank(-2), "rank", "-2");
    fails(NullPointerException.class, () -> RunOptions.builder().outputDir(null), "outputDir");
    fails(IllegalArgumentException.class, () -> RunOptions.builder().tag("x%", "v"), "tag key", "'x%'");
  }

  /** What validates can be written: every file name the writer builds from a name fits 255 bytes. */
  @Test
  void namesTooLongForTheirFileNamesAreRefusedAndTheLongestThatPassAreWritten() throws Exception {
    fails(IllegalArgumentException.class, () -> RunOptions.builder().experimentName("e".repeat(240)),
        "experimentName is 240 bytes long", "at most 100 bytes");
    fails(IllegalArgumentException.class, () -> run.logModel(null, "m".repeat(250)), "modelName is 250 bytes long",
        "at most 200 bytes");
    // The hint lists exactly what is allowed: '.' is, but not alone.
    fails(IllegalArgumentException.class, () -> RunOptions.builder().experimentName("."), "experimentName '.'",
        "allowed are letters, digits, _ . and -", "not . or .. alone");
    fails(IllegalArgumentException.class, () -> RunOptions.builder().experimentName("a b"), "' ' at index 1",
        "allowed are letters, digits, _ . and -");
    Prov4ml.endRun();

    Path longest = out.resolve("longest");
    try (Run written = Prov4ml.startRun(RunOptions.builder().experimentName("e".repeat(100)).runId("r".repeat(100))
        .rank(1).worldSize(2).outputDir(longest).build())) {
      written.logMetric("k".repeat(250), 1, Context.TRAINING);
    }
    org.prov4ml.rundir.RankRecord rank = org.prov4ml.rundir.RunDirectory.openRank(
        longest.resolve("e".repeat(100) + "_" + "r".repeat(100)), 1);
    assertEquals(1, rank.metrics().size());
  }

  @Test
  void nothingWasRecordedByTheFailedCalls() {
    fails(IllegalArgumentException.class, () -> run.logMetric("loss%", 1, Context.TRAINING));
    run.close();
    assertEquals(0, run.report().metricPoints());
  }
}
