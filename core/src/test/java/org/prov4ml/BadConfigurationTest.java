package org.prov4ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.ForkedJvm;
import org.prov4ml.testing.ProgramWithoutEndRun;
import org.prov4ml.testing.PythonEnv;
import org.prov4ml.testing.ReadBack;

/**
 * A bad configuration never throws into the application through the API: each program here runs in
 * a JVM of its own with one bad setting, exits 0, says so in one line (key, value, source, what is
 * allowed) and has its run recorded, the setting at its default.
 */
class BadConfigurationTest {

  @TempDir Path out;

  /** Runs the program with {@code properties} ({@code -D} options) and {@code env}; its run directory. */
  private RunDirectory runWith(List<String> properties, Map<String, String> env, String... lineFragments)
      throws Exception {
    List<String> jvm = new ArrayList<>(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-Dprov4ml.output-dir=" + out,
        "-Dprov4ml.experiment-name=conf"));
    jvm.addAll(properties);
    PythonEnv.Result result = ForkedJvm.start(ProgramWithoutEndRun.class, jvm, env).await(120);
    String output = result.stdout() + result.stderr();
    assertEquals(0, result.exitCode(), output);
    assertFalse(output.lines().anyMatch(l -> l.startsWith("\tat ") || l.contains("Exception")), output);
    List<String> lines = output.lines().filter(l -> l.contains(lineFragments[0])).toList();
    assertEquals(1, lines.size(), output);
    for (String fragment : lineFragments) {
      assertTrue(lines.get(0).contains(fragment), lines.get(0));
    }
    RunDirectory run = ReadBack.onlyRun(out);
    assertEquals(RunStatus.FINISHED, run.run().status().orElseThrow());
    assertEquals(1000, ReadBack.points(run, "loss", Context.TRAINING).size());
    return run;
  }

  @Test
  void anUnknownKeyIsOneLine() throws Exception {
    runWith(List.of("-Dprov4ml.typo-key=1"), Map.of(), "unknown key prov4ml.typo-key = '1' (from system property)",
        "it is ignored");
  }

  @Test
  void aSwitchOfNoInstrumentationIsOneLine() throws Exception {
    runWith(List.of("-Dprov4ml.instrument.bogus.enabled=false"), Map.of(),
        "prov4ml.instrument.bogus.enabled names no instrumentation and is ignored (from system property)",
        "model-save");
  }

  @Test
  void aBadDurationFallsBackToItsDefault() throws Exception {
    runWith(List.of("-Dprov4ml.merge.wait=soon"), Map.of(), "prov4ml.merge.wait = 'soon' (from system property "
        + "prov4ml.merge.wait) is invalid: expected a duration", "using the default 60s");
  }

  @Test
  void aMissingConfigurationFileIsOneLine() throws Exception {
    runWith(List.of("-Dprov4ml.config=" + out.resolve("missing.properties")), Map.of(),
        "cannot read the configuration file", "missing.properties", "no such file", "not applied");
  }

  @Test
  void aRunIdThatIsNoFileNameFallsBackToNone() throws Exception {
    RunDirectory run = runWith(List.of(), Map.of("PROV4ML_RUN_ID", "../x"),
        "prov4ml.run-id = '../x' (from environment variable PROV4ML_RUN_ID) is invalid", "using the default (none)");
    assertEquals(out, run.path().getParent());
  }

  @Test
  void anInvalidUserNamespaceFallsBackToItsDefault() throws Exception {
    runWith(List.of("-Dprov4ml.user-namespace=not a namespace"), Map.of(),
        "prov4ml.user-namespace = 'not a namespace'", "using the default www.example.org");
  }

  @Test
  void aRankThatIsNoNumberRecordsASingleProcessWithoutTheJobsIdentity() throws Exception {
    RunDirectory run = runWith(List.of(), Map.of("RANK", "abc", "WORLD_SIZE", "4", "TORCHELASTIC_RUN_ID", "job7"),
        "RANK = 'abc' is not a rank", "records as a single process");
    assertSingleProcessOfItsOwn(run);
  }

  @Test
  void aRankNotBelowTheWorldSizeRecordsASingleProcessWithoutTheJobsIdentity() throws Exception {
    // Rank 0 of job7 writes conf_job7 (its GR0); this process must not write there.
    RunDirectory run = runWith(List.of(), Map.of("RANK", "5", "WORLD_SIZE", "2", "TORCHELASTIC_RUN_ID", "job7"),
        "the rank 5 is not below the world size 2", "records as a single process");
    assertSingleProcessOfItsOwn(run);
  }

  private void assertSingleProcessOfItsOwn(RunDirectory run) throws Exception {
    assertEquals(List.of(0), run.ranks().stream().map(r -> r.rank()).toList());
    assertEquals(1, run.run().worldSize());
    try (Stream<Path> dirs = Files.list(out)) {
      assertTrue(dirs.noneMatch(d -> d.getFileName().toString().contains("job7")), run.path().toString());
    }
  }
}
