package org.prov4ml.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prov4ml.internal.cli.Prov4mlCliTest.assertOneLineUsageError;
import static org.prov4ml.internal.cli.Prov4mlCliTest.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.cli.Prov4mlCliTest.Result;

class MergeCommandTest {

  @TempDir Path out;

  private Run rank(int rank) {
    Run run = Prov4ml.startRun(RunOptions.builder().experimentName("cli").outputDir(out).runId("j1").rank(rank)
        .worldSize(2).build());
    run.logMetric("loss", rank, Context.TRAINING);
    return run;
  }

  @Test
  void mergesWhatThereIsAndSaysWhichRankIsMissing() {
    rank(1).close();
    Path runDir = out.resolve("cli_j1");

    Result partial = cli("merge", runDir.toString());
    assertEquals(1, partial.code(), partial.err());
    assertEquals(1, partial.errLines().size(), partial.err());
    assertTrue(partial.err().startsWith("merge: " + runDir.resolve("prov_cli_j1.json") + " lacks rank 0 (no "
        + "document) of 2; run merge again"), partial.err());
    assertTrue(Files.exists(runDir.resolve("prov_cli_j1.json")), "the ranks there are, are merged");

    rank(0).close(); // merges at its end; merging again gives the same
    Result whole = cli("merge", runDir.toString());
    assertEquals(0, whole.code(), whole.err());
    assertEquals("merge: 2 ranks, FINISHED, in " + runDir.resolve("prov_cli_j1.json") + "\n",
        whole.out().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void badInputIsOneLineAndExitCodeTwo() throws Exception {
    assertOneLineUsageError(cli("merge"), "merge: Missing required parameter: '<run-dir>'");
    assertOneLineUsageError(cli("merge", out.resolve("absent").toString()),
        "merge: " + out.resolve("absent") + " is not a directory");
    assertOneLineUsageError(cli("merge", out.toString()), "merge: " + out + ": not a run directory");
    Path notJson = Files.createDirectories(out.resolve("x_1"));
    Files.writeString(notJson.resolve("prov_x_GR0_1.json"), "not json");
    assertOneLineUsageError(cli("merge", notJson.toString()), "merge: " + notJson.resolve("prov_x_GR0_1.json")
        + ": not a PROV-JSON document");
  }
}
