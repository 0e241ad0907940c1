package org.prov4ml.internal.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.RunOptions;
import org.prov4ml.RunStatus;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.format.FileDigests;
import org.prov4ml.internal.format.RunLayout;
import org.prov4ml.internal.pipeline.Barrier;
import org.prov4ml.internal.pipeline.EventKind;
import org.prov4ml.internal.pipeline.Events;
import org.prov4ml.internal.pipeline.ModelVersionRecord;
import org.prov4ml.internal.pipeline.RunInfo;
import org.prov4ml.internal.pipeline.RunOutcome;
import org.prov4ml.internal.run.RecordedRun;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.RunDirectory;

/**
 * The writer's rewrites of the PROV document: coalesced in time whatever the number of events,
 * never late by more than the interval, at once at a barrier, and always whole for a reader.
 */
class RunDirectoryWriterTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration INTERVAL = Duration.ofSeconds(5);

  @TempDir Path out;

  private RunInfo run;
  /** The writer's clock, moved by hand. */
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @BeforeEach
  void createRunDirectory() throws IOException {
    RunLayout layout = RunLayout.create(out, "t", 0);
    run = new RunInfo("t", layout.runId(), 0, 1, "t_0", "www.example.org", ZonedDateTime.now(), Map.of(), layout);
  }

  private RunDirectoryWriter writer(Duration interval) {
    return new RunDirectoryWriter(run, Map.of(), interval, (key, context, file) -> { }, nanos::get);
  }

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  /** One epoch as the agent records it: 20 batches' points, the epoch's values, a model version. */
  private void epoch(RunDirectoryWriter writer, int epoch) throws Exception {
    for (int batch = 0; batch < 20; batch++) {
      writer.accept(Events.metric("batch_loss", Context.TRAINING, epoch * 20L + batch, 0.5, 0));
    }
    writer.accept(Events.metric("loss", Context.VALIDATION, epoch, 0.25, 0));
    Path params = run.layout().artifactsDir().resolve("mlp").resolve(String.format(Locale.ROOT, "mlp-%04d.params",
        epoch));
    Files.createDirectories(params.getParent());
    Files.write(params, new byte[] {(byte) epoch, 1, 2, 3});
    writer.accept(Events.of(EventKind.MODEL_VERSION, "mlp", Context.TRAINING, 0,
        new ModelVersionRecord("mlp", Context.TRAINING, epoch, params, 4, 16, FileDigests.digest(params))));
    writer.endOfBatch();
  }

  private JsonNode document() throws IOException {
    return JSON.readTree(run.layout().provFile().toFile());
  }

  private static int versionsIn(JsonNode document) {
    int versions = 0;
    for (JsonNode e : document.path("entity")) {
      if (e.has("yprov:model_name")) {
        versions++;
      }
    }
    return versions;
  }

  @Test
  void rewritesAreBoundedByTheIntervalNotByTheEvents() throws Exception {
    RunDirectoryWriter writer = writer(INTERVAL);
    int epochs = 1000;
    Duration epochTime = Duration.ofMillis(16); // 16 s of the writer's time in all
    for (int e = 0; e < epochs; e++) {
      epoch(writer, e);
      advance(epochTime);
    }
    // The first batch, then the first batch 5 s or more after the last rewrite: epochs 313, 626 and 939
    // (at 5.008, 10.016 and 15.024 s), whatever the 1000 versions and 22,000 points.
    assertEquals(4, writer.documentWrites());
    assertEquals(940, versionsIn(document()), "the document has what there was at the last rewrite");

    writer.idle();
    assertEquals(4, writer.documentWrites(), "not due yet");
    advance(Duration.ofMillis(4000)); // 19 s: still within 5 s of the rewrite at 15 s
    writer.idle();
    assertEquals(4, writer.documentWrites());
    advance(Duration.ofMillis(1000));
    writer.idle(); // no event since: a quiet run is caught up within the interval
    assertEquals(5, writer.documentWrites());
    assertEquals(epochs, versionsIn(document()));
    advance(INTERVAL.multipliedBy(3));
    writer.idle();
    assertEquals(5, writer.documentWrites(), "nothing changed, nothing to rewrite");
  }

  @Test
  void aChangeAfterAQuietSpellIsWrittenAtOnceAndABarrierWritesWithinTheInterval() throws Exception {
    RunDirectoryWriter writer = writer(INTERVAL);
    epoch(writer, 0);
    assertEquals(1, writer.documentWrites());
    advance(Duration.ofMillis(100));
    writer.accept(Events.of(EventKind.PARAM, "lr", null, 0, "0.01"));
    writer.endOfBatch();
    assertEquals(1, writer.documentWrites(), "coalesced with whatever follows within the interval");
    Barrier barrier = Events.barrier();
    writer.awaitBarrier(barrier); // Run.flush(): everything before it is in the document
    assertTrue(Events.released(barrier));
    assertEquals(2, writer.documentWrites());
    assertEquals("0.01", document().path("entity").path("lr//t_GR0_0").path("prov:value").asText());

    advance(INTERVAL.multipliedBy(2));
    writer.accept(Events.of(EventKind.PARAM, "seed", null, 0, "42"));
    writer.endOfBatch();
    assertEquals(3, writer.documentWrites(), "the last rewrite is older than the interval: no wait");
    writer.close(new RunOutcome(RunStatus.FINISHED, java.time.Instant.now(), 0));
    assertEquals(4, writer.documentWrites());
    assertEquals("FINISHED", document().path("activity").path("t_GR0_0").path("yprov:status").asText());
  }

  @Test
  void aNewMetricFileIsAnnouncedInTheProcessAndWaitsForTheNextRewrite() throws Exception {
    List<String> heard = new ArrayList<>();
    RunDirectoryWriter writer = new RunDirectoryWriter(run, Map.of(), INTERVAL,
        (key, context, file) -> heard.add(key + " " + context + " " + file.getFileName()), nanos::get);
    epoch(writer, 0);
    heard.clear();
    assertEquals(1, writer.documentWrites());
    advance(Duration.ofMillis(100));
    writer.accept(Events.metric("grad_norm", Context.TRAINING, 0, 1.5, 0));
    writer.endOfBatch();
    assertEquals(List.of("grad_norm TRAINING grad_norm_TRAINING_None_GR0.csv"), heard, "the replicas hear of it");
    assertEquals(1, writer.documentWrites(), "no rewrite because a series appeared");
    assertFalse(document().path("entity").has("grad_norm//TRAINING"));
    // A reader of the directory meanwhile (after a kill -9, say) finds the file the document does not name yet.
    MetricSeries found = RunDirectory.open(run.layout().runDir()).metrics().stream()
        .filter(s -> s.key().equals("grad_norm")).findFirst().orElseThrow();
    assertEquals(Context.TRAINING, found.context());
    assertEquals(1, found.pointCount());

    advance(INTERVAL);
    writer.accept(Events.metric("grad_norm", Context.TRAINING, 1, 1.5, 0));
    writer.endOfBatch();
    assertEquals(2, writer.documentWrites(), "named at the next rewrite, on the document's own schedule");
    assertTrue(document().path("entity").has("grad_norm//TRAINING"));
    assertEquals(1, heard.size(), "announced once");
  }

  @Test
  void aReaderNeverSeesHalfADocument() throws Exception {
    RunDirectoryWriter writer = writer(Duration.ZERO); // every batch rewrites it: the most chances to tear
    epoch(writer, 0);
    AtomicBoolean done = new AtomicBoolean();
    List<String> problems = new ArrayList<>();
    Thread reader = new Thread(() -> {
      int lastSeen = 0;
      while (!done.get()) {
        try {
          int seen = versionsIn(document());
          if (seen < lastSeen) {
            problems.add("went back from " + lastSeen + " to " + seen + " versions");
          }
          lastSeen = seen;
        } catch (IOException e) {
          problems.add(e.toString());
        }
      }
    });
    reader.start();
    try {
      for (int e = 1; e < 200; e++) {
        epoch(writer, e);
      }
    } finally {
      done.set(true);
      reader.join(TimeUnit.SECONDS.toMillis(10));
    }
    assertEquals(200, writer.documentWrites());
    assertEquals(List.of(), problems);
    assertEquals(200, versionsIn(document()));
    assertFalse(Files.exists(run.layout().provFile().resolveSibling(run.layout().provFile().getFileName() + ".tmp")));
  }

  /** Through the ring: the drainer's idle looks give the writer its deadline when nothing follows. */
  @Test
  void inAQuietRunTheDocumentCatchesUpWithoutAFlush() throws Exception {
    Prov4mlConfig config = Prov4mlConfig.load().with(ConfigKeys.DOCUMENT_INTERVAL, Duration.ofMillis(300));
    RecordedRun recorder = RecordedRun.start(RunOptions.builder().experimentName("quiet").outputDir(out).build(),
        config, false);
    try {
      recorder.logParam("first", "1");
      Path document = recorder.info().layout().provFile();
      waitFor(() -> Files.exists(document) && JSON.readTree(document.toFile()).path("entity").has("first//quiet_GR0_0"));
      recorder.logParam("second", "2"); // within the interval of the first rewrite
      waitFor(() -> JSON.readTree(document.toFile()).path("entity").has("second//quiet_GR0_0"));
    } finally {
      recorder.end(RunStatus.FINISHED);
    }
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  private static void waitFor(Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!check.holds()) {
      assertTrue(System.nanoTime() < deadline, "not written within 20 s");
      Thread.sleep(20);
    }
  }
}
