package org.prov4ml.internal.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.format.FileDigests;
import org.prov4ml.internal.run.RecordedRun;
import org.prov4ml.internal.format.RunLayout;
import org.prov4ml.rundir.RunDirectory;

/**
 * The run index is a cache that any reader can rebuild and nobody has to trust: a missing, stale, damaged or
 * forged shard costs a rebuild, never a wrong entry; concurrent runs each keep their own shard.
 */
@Timeout(60)
class RunIndexTest {

  @TempDir Path out;
  @TempDir Path elsewhere;

  @AfterEach
  void end() {
    Prov4ml.endRun();
  }

  /** A run of {@code experiment} that made {@code content} as an artifact; returns its run directory. */
  private Path runMaking(String experiment, String content) throws Exception {
    Path file = Files.writeString(elsewhere.resolve(experiment + ".txt"), content);
    try (Run run = Prov4ml.startRun(RunOptions.builder().experimentName(experiment).outputDir(out).build())) {
      run.logArtifact(file);
      return run.runDirectory();
    }
  }

  private static String sha(String content) {
    return FileDigests.hex(FileDigests.newSha256().digest(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  private Path document(Path runDir) throws Exception {
    return RunDirectory.open(runDir).primary().document();
  }

  @Test
  void aRunsEndWritesItsShardSoAReaderReadsNoDocument() throws Exception {
    Path runDir = runMaking("made", "weights");
    Path shard = RunLayout.indexShard(out, runDir.getFileName().toString(), document(runDir).getFileName().toString());
    assertTrue(Files.isRegularFile(shard), "the run's end wrote " + shard);
    RunIndex index = RunIndex.of(out).refresh();
    assertEquals(0, index.rebuiltShards());
    RunIndex.Located located = index.lookup(sha("weights")).get(0);
    assertTrue(located.entry().made());
    assertEquals(IndexEntry.ARTIFACT, located.entry().kind());
    assertTrue(index.verify(located).isPresent());
  }

  @Test
  void aMissingStaleOrDamagedShardIsRebuiltFromTheDocument() throws Exception {
    Path a = runMaking("a", "first");
    Path b = runMaking("b", "second");
    deleteIndex();
    RunIndex cold = RunIndex.of(out).refresh();
    assertEquals(2, cold.rebuiltShards(), "no index: every document is read");
    assertEquals(0, RunIndex.of(out).refresh().rebuiltShards(), "the rebuild was written back");

    // A document rewritten after its shard (a run still going, a resumed run): its shard is out of date.
    Files.setLastModifiedTime(document(a), FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    Path shardB = RunLayout.indexShard(out, b.getFileName().toString(), document(b).getFileName().toString());
    Files.writeString(shardB, "{ not json");
    RunIndex warm = RunIndex.of(out).refresh();
    assertEquals(2, warm.rebuiltShards());
    assertEquals(1, warm.lookup(sha("first")).size());
    assertEquals(1, warm.lookup(sha("second")).size());

    // A run directory that is gone takes its shard with it.
    deleteTree(a);
    RunIndex after = RunIndex.of(out).refresh();
    assertTrue(after.lookup(sha("first")).isEmpty());
    try (var shards = Files.list(RunLayout.indexDir(out))) {
      assertEquals(1, shards.count(), "the shard of the removed run is removed");
    }
  }

  @Test
  void aForgedEntryIsNotConfirmedAndItsShardIsRepaired() throws Exception {
    Path a = runMaking("a", "real");
    Path doc = document(a);
    String forged = sha("forged: never made by run a");
    // The shard keeps its key (the document's size and time), so only the check against the document catches it.
    RunIndexShard honest = RunIndexShard.read(out, a.getFileName().toString(), doc.getFileName().toString())
        .orElseThrow();
    List<IndexEntry> entries = new ArrayList<>(honest.entries());
    entries.add(new IndexEntry(forged, true, IndexEntry.MODEL_VERSION, "mlp-0000.params//TRAINING", "mlp"));
    new RunIndexShard(honest.runDirName(), honest.documentName(), honest.size(), honest.modifiedMillis(),
        honest.experiment(), honest.runId(), honest.rank(), entries).write(out);

    RunIndex index = RunIndex.of(out).refresh();
    assertEquals(0, index.rebuiltShards(), "the forged shard looks current");
    RunIndex.Located located = index.lookup(forged).get(0);
    assertFalse(index.verify(located).isPresent(), "the document does not say so");
    assertTrue(index.lookup(forged).isEmpty());
    RunIndexShard repaired = RunIndexShard.read(out, a.getFileName().toString(), doc.getFileName().toString())
        .orElseThrow();
    assertTrue(repaired.entries().stream().noneMatch(e -> e.sha256().equals(forged)), "written back repaired");
  }

  @Test
  void manyRunsEndingAtOnceLoseNoOnesEntry() throws Exception {
    int runs = 8;
    ExecutorService pool = Executors.newFixedThreadPool(runs);
    try {
      List<Future<Path>> ends = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        int n = i;
        ends.add(pool.submit(() -> {
          Path file = Files.writeString(elsewhere.resolve("c" + n), "content " + n);
          // The ranks of one job: one run directory, a document and a shard each, all ending at once.
          try (Run run = RecordedRun.start(RunOptions.builder().experimentName("many").outputDir(out)
              .runId("job").rank(n).worldSize(runs).build(), Prov4mlConfig.load(), false)) {
            run.logArtifact(file);
            return run.runDirectory();
          }
        }));
      }
      for (Future<Path> end : ends) {
        end.get();
      }
    } finally {
      pool.shutdown();
    }
    RunIndex index = RunIndex.of(out).refresh();
    assertEquals(0, index.rebuiltShards(), "every run wrote its own shard");
    for (int i = 0; i < runs; i++) {
      assertEquals(1, index.lookup(sha("content " + i)).size(), "content " + i);
    }
  }

  @Test
  void hostileIndexAndRunDirectoriesAreNotFollowedOutNorHang() throws Exception {
    Path a = runMaking("a", "inside");
    // A run directory elsewhere, linked into the output directory: not indexed.
    Path outsideOut = Files.createDirectory(elsewhere.resolve("outside-out"));
    Path outsideRun;
    try (Run run = Prov4ml.startRun(RunOptions.builder().experimentName("outside").outputDir(outsideOut).build())) {
      run.logArtifact(Files.writeString(elsewhere.resolve("o.txt"), "outside"));
      outsideRun = run.runDirectory();
    }
    Files.createSymbolicLink(out.resolve("linked_0"), outsideRun);
    // A FIFO where a shard would be, and a shard that is a link out.
    deleteIndex();
    Files.createDirectories(RunLayout.indexDir(out));
    Path shardA = RunLayout.indexShard(out, a.getFileName().toString(), document(a).getFileName().toString());
    new ProcessBuilder("mkfifo", shardA.toString()).start().waitFor();
    RunIndex index = RunIndex.of(out).refresh();
    assertEquals(1, index.lookup(sha("inside")).size(), "rebuilt from the document, the FIFO not opened");
    assertTrue(index.lookup(sha("outside")).isEmpty(), "a linked run directory is not followed");

    // The index folder itself a link out: nothing is written through it.
    deleteIndex();
    Path target = Files.createDirectory(elsewhere.resolve("index-target"));
    Files.createSymbolicLink(RunLayout.indexDir(out), target);
    RunIndex linked = RunIndex.of(out).refresh();
    assertEquals(1, linked.lookup(sha("inside")).size());
    try (var written = Files.list(target)) {
      assertEquals(0, written.count(), "nothing written through the link");
    }
  }

  private void deleteIndex() throws Exception {
    Path dir = RunLayout.indexDir(out);
    if (Files.isSymbolicLink(dir)) {
      Files.delete(dir);
    } else if (Files.exists(dir)) {
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path dir) throws Exception {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
