package org.prov4ml.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.cli.Prov4mlCliTest.Result;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.format.FileDigests;
import org.prov4ml.testing.LocalFilesDataset;

/** verify on a run recorded through the API, then with its files changed under it. */
class VerifyCommandTest {

  @TempDir Path out;
  @TempDir Path data;

  @AfterEach
  void end() {
    Prov4ml.endRun();
  }

  private Run record() throws Exception {
    Path csv = Files.writeString(data.resolve("train.csv"), "x,y\n1,2\n3,4\n");
    Path folder = Files.createDirectories(data.resolve("extra"));
    Files.writeString(folder.resolve("a.txt"), "a");
    Run run = Prov4ml.startRun(RunOptions.builder().experimentName("verify").outputDir(out).build());
    run.logArtifact(Files.writeString(data.resolve("notes.txt"), "notes"));
    run.logDataset("train_dataset", new LocalFilesDataset(csv, folder), Context.TRAINING);
    run.logSourceCode(false);
    run.logBillOfMaterials();
    run.close();
    return run;
  }

  @Test
  void passesThenNamesTheDataFileWhoseByteChangedWithBothDigests() throws Exception {
    Run run = record();
    Result ok = Prov4mlCliTest.cli("verify", run.runDirectory().toString());
    assertEquals(0, ok.code(), ok.out() + ok.err());
    assertTrue(ok.out().strip().matches("verify: .*: \\d+ match"), ok.out());

    Path csv = data.resolve("train.csv");
    String before = FileDigests.sha256(csv);
    byte[] bytes = Files.readAllBytes(csv);
    bytes[4] = '7'; // "x,y\n1,2" becomes "x,y\n7,2": one byte
    Files.write(csv, bytes);
    Result changed = Prov4mlCliTest.cli("verify", run.runDirectory().toString());
    assertEquals(1, changed.code(), changed.out());
    assertEquals(List.of("DIFFERS data set train_dataset " + csv + " (outside the run directory): recorded "
        + before + ", now "
        + FileDigests.sha256(csv)), changed.out().lines().filter(l -> !l.startsWith("verify:")).toList());
    assertTrue(changed.out().lines().anyMatch(l -> l.matches("verify: .*: \\d+ match, 1 differ")), changed.out());
  }

  @Test
  void aMissingArtifactIsNamedAndFilesBeyondTheHashLimitAreNotChecked() throws Exception {
    System.setProperty("prov4ml.data.hash-limit", "10");
    Run run;
    try {
      Prov4mlConfig.replace(Prov4mlConfig.load());
      run = record();
    } finally {
      System.clearProperty("prov4ml.data.hash-limit");
      Prov4mlConfig.replace(Prov4mlConfig.load());
    }
    Path notes = run.runDirectory().resolve("artifacts_GR0/notes.txt");
    String recorded = FileDigests.sha256(notes);
    Files.delete(notes);
    Result r = Prov4mlCliTest.cli("verify", run.runDirectory().toString());
    assertEquals(1, r.code(), r.out());
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.contains("MISSING artifact " + notes + ": recorded " + recorded + ", now no such file"),
        r.out());
    // 12 bytes of CSV are past a 10-byte limit, and so is everything after it.
    assertTrue(lines.contains("not checked: data set train_dataset " + data.resolve("train.csv")
        + " (outside the run directory) (beyond prov4ml.data.hash-limit when the run was recorded: only its size was, and it is the same)"),
        r.out());
    assertTrue(lines.get(lines.size() - 1).endsWith("match, 1 missing, 2 not checked"), r.out());
  }

  @Test
  void badInputIsOneLineAndExitTwo() {
    Result r = Prov4mlCliTest.cli("verify", data.toString());
    assertEquals(2, r.code());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().startsWith("verify: ") && r.err().contains("not a run directory"), r.err());
  }
}
