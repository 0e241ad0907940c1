package org.prov4ml.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Prov4ml;
import org.prov4ml.RunOptions;
import org.prov4ml.rundir.InputModel;
import org.prov4ml.rundir.RunDirectory;

/** Loads held before a run: for the next run, or, a run per trainer, for each run that trains their model. */
class HeldModelLoadsTest {

  @TempDir Path out;

  @AfterEach
  void forget() {
    Prov4ml.endRun();
    HeldModelLoads.clear();
  }

  private RecordedRun start() {
    return (RecordedRun) Prov4ml.startRun(RunOptions.builder().experimentName("held").outputDir(out).build());
  }

  private static List<String> names(RecordedRun run) throws Exception {
    return RunDirectory.open(run.runDirectory()).inputModels().stream().map(InputModel::name).sorted().toList();
  }

  @Test
  void theNextRunRecordsEveryHeldLoadAndTheOneAfterNone() throws Exception {
    Path file = Files.writeString(out.resolve("a-0001.params"), "a");
    HeldModelLoads.hold(new Object(), "a", file);
    HeldModelLoads.hold(new Object(), "b", null);
    RecordedRun first = start();
    first.close();
    assertEquals(List.of("a", "b"), names(first));
    RecordedRun second = start();
    second.close();
    assertEquals(List.of(), names(second));
  }

  @Test
  void aRunPerTrainerRecordsOnlyItsModelsLoadsWhichStayHeldForItsNextTrainer() throws Exception {
    RecordedRun run = start();
    Object a = new Object();
    Object b = new Object();
    HeldModelLoads.hold(a, "a", Files.writeString(out.resolve("a-0001.params"), "a"));
    HeldModelLoads.hold(b, "b", Files.writeString(out.resolve("b-0001.params"), "b"));
    HeldModelLoads.trainerBegan(run, a, true);
    run.close();
    assertEquals(List.of("a"), names(run));
    assertEquals(2, HeldModelLoads.size(), "a's load waits for a's next trainer, b's for b's");
  }

  @Test
  void theOldestLoadsGiveWayBeyondTheBound() {
    for (int i = 0; i < HeldModelLoads.CAPACITY + 5; i++) {
      HeldModelLoads.hold(new Object(), "m" + i, null);
    }
    assertEquals(HeldModelLoads.CAPACITY, HeldModelLoads.size());
  }
}
