package org.prov4ml.internal.lineage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.prov4ml.internal.format.AtomicFile;
import org.prov4ml.internal.format.RunLayout;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.rundir.RunDirectoryException;

/**
 * The run index of one output directory: which run made or used which content, by SHA-256, so that finding a
 * file's runs reads a few small files instead of every run's document.
 *
 * <p><b>A cache.</b> Everything in it is derived from the run directories, one shard per rank document
 * ({@link RunIndexShard}), keyed by the document's size and modification time. {@link #refresh} lists the run
 * directories and their documents (no document is read), keeps the shards whose key still matches, and reads
 * again the documents that have none or whose key changed, writing their shards back. A missing, damaged or
 * stale index thus costs a rebuild, never a wrong answer, and a writer that cannot write it only leaves the next
 * reader the same work.
 *
 * <p><b>Concurrent writers.</b> Each shard belongs to one document, and is replaced whole
 * ({@link AtomicFile#writeShared}); two processes that write the same shard write the same content from the same
 * document, and the last rename wins whole. No file is shared between runs, so no writer can lose another's
 * entry.
 *
 * <p><b>Untrusted.</b> A shard is as untrusted as the run directories: it can only name a run directory that the
 * listing found, and {@link #verify} checks what it says against that run's document, read through
 * {@link RunDirectory} (so through {@code RunFiles}) before anything is printed or linked. An entry that does not
 * check out is dropped and its shard rebuilt from the document.
 *
 * <p>Not thread-safe; one index per reader.
 */
public final class RunIndex {

  /** An entry of the index, not checked yet, with the run it names. */
  public record Located(RunIndexShard shard, IndexEntry entry) {}

  /** An entry that its run's document confirms: the run directory, the rank's record, and the entry. */
  public record Verified(Path runDir, RankRecord rank, IndexEntry entry) {}

  private final Path outputDir;
  private final Map<String, RunIndexShard> shards = new LinkedHashMap<>();
  private final Map<String, List<Located>> bySha = new HashMap<>();
  private final Map<String, RankRecord> readDocuments = new HashMap<>();
  private boolean writable = true;
  private int rebuilt;

  private RunIndex(Path outputDir) {
    this.outputDir = outputDir;
  }

  /**
   * The index of {@code outputDir}; nothing is read until {@link #refresh}.
   *
   * @param outputDir a directory holding run directories
   * @return its index
   */
  public static RunIndex of(Path outputDir) {
    return new RunIndex(outputDir.toAbsolutePath().normalize());
  }

  /** {@return the output directory this index covers} */
  public Path outputDir() {
    return outputDir;
  }

  /** {@return how many shards the last refreshes read again from their documents} */
  public int rebuiltShards() {
    return rebuilt;
  }

  private static String key(String dirName, String document) {
    return dirName + "/" + document;
  }

  /**
   * Brings the index up to date with the run directories present: lists them and their documents, keeps each
   * shard whose document is unchanged, reads the others' documents again and writes their shards back, and
   * removes the shards of documents that are gone.
   *
   * @return this index
   * @throws IOException when the output directory cannot be listed
   */
  public RunIndex refresh() throws IOException {
    Map<String, RunIndexShard> current = new LinkedHashMap<>();
    List<Path> runDirs = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(outputDir)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        // A link is not followed: what the index names lies in this output directory.
        if (!name.startsWith(".") && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
          runDirs.add(child);
        }
      }
    }
    for (Path runDir : runDirs) {
      String dirName = runDir.getFileName().toString();
      List<RunLayout> documents = new ArrayList<>();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(runDir, "prov_*.json")) {
        for (Path file : files) {
          RunLayout layout;
          try {
            layout = RunLayout.ofProvFile(runDir, file.getFileName().toString());
          } catch (NumberFormatException rankOutOfRange) {
            continue;
          }
          if (layout != null) {
            documents.add(layout);
          }
        }
      } catch (IOException unlistable) {
        continue; // a run directory that cannot be listed is not indexed; the others are
      }
      for (RunLayout document : documents) {
        String documentName = document.provFile().getFileName().toString();
        BasicFileAttributes attributes;
        try {
          attributes = Files.readAttributes(document.provFile(), BasicFileAttributes.class,
              LinkOption.NOFOLLOW_LINKS);
        } catch (IOException gone) {
          continue;
        }
        long size = attributes.size();
        long modified = attributes.lastModifiedTime().toMillis();
        String key = key(dirName, documentName);
        RunIndexShard shard = shards.get(key);
        if (shard == null || !shard.matches(dirName, documentName, size, modified)) {
          shard = RunIndexShard.read(outputDir, dirName, documentName)
              .filter(s -> s.matches(dirName, documentName, size, modified))
              .orElse(null);
        }
        if (shard == null) {
          shard = rebuild(runDir, document, size, modified);
        }
        current.put(key, shard);
      }
    }
    shards.clear();
    shards.putAll(current);
    bySha.clear();
    for (RunIndexShard shard : shards.values()) {
      for (IndexEntry entry : shard.entries()) {
        bySha.computeIfAbsent(entry.sha256(), s -> new ArrayList<>()).add(new Located(shard, entry));
      }
    }
    removeOrphans();
    return this;
  }

  /** Reads a document again into its shard, and writes the shard back when the index folder can be written. */
  private RunIndexShard rebuild(Path runDir, RunLayout document, long size, long modified) {
    rebuilt++;
    String dirName = runDir.getFileName().toString();
    String documentName = document.provFile().getFileName().toString();
    readDocuments.remove(runDir.getFileName() + "/" + document.rank()); // it changed since it was read
    List<IndexEntry> entries;
    try {
      entries = RunIndexShard.entriesOf(readRank(runDir, document.rank()));
    } catch (RunDirectoryException | RuntimeException unreadable) {
      // A damaged document indexes nothing; its shard says so, so it is not read again until it changes.
      entries = List.of();
    }
    RunIndexShard shard = new RunIndexShard(dirName, documentName, size, modified, document.experimentName(),
        document.runId(), document.rank(), entries);
    persist(shard);
    return shard;
  }

  private void persist(RunIndexShard shard) {
    if (!writable) {
      return;
    }
    try {
      Path indexDir = RunLayout.indexDir(outputDir);
      if (Files.isSymbolicLink(indexDir)) {
        writable = false; // a planted link would put the index elsewhere; the index then lives in memory only
        return;
      }
      Files.createDirectories(indexDir);
      shard.write(outputDir);
    } catch (IOException | RuntimeException unwritable) {
      writable = false; // a read-only output directory: each reader rebuilds in memory, and answers the same
    }
  }

  /** Shard files of documents that are gone, and temporary files a killed writer left, are removed. */
  private void removeOrphans() {
    Path indexDir = RunLayout.indexDir(outputDir);
    if (!writable || !Files.isDirectory(indexDir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Set<Path> expected = new HashSet<>();
    for (RunIndexShard shard : shards.values()) {
      expected.add(RunLayout.indexShard(outputDir, shard.runDirName(), shard.documentName()).getFileName());
    }
    long now = System.currentTimeMillis();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(indexDir)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        boolean orphan = name.endsWith(".json") && !expected.contains(file.getFileName());
        // Another writer's temporary file is its own until it is clearly abandoned.
        boolean abandoned = name.endsWith(AtomicFile.TEMPORARY_SUFFIX)
            && now - a.lastModifiedTime().toMillis() > 60_000;
        if ((orphan || abandoned) && !a.isDirectory()) {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException | RuntimeException e) {
      // a shard left behind is ignored by every reader; removing it is tidiness, not correctness
    }
  }

  /**
   * The entries of {@code sha256}, as the index says; check each with {@link #verify} before using it.
   *
   * @param sha256 a SHA-256 in lower-case hex
   * @return the entries, in the output directory's listing order
   */
  public List<Located> lookup(String sha256) {
    return bySha.getOrDefault(sha256, List.of());
  }

  /**
   * Checks an entry against the document it came from, read now through {@link RunDirectory}: the entry must be
   * one the document gives ({@link RunIndexShard#entriesOf}). An entry that is not is dropped, and its shard is
   * rebuilt from the document, so a forged or outdated index repairs itself.
   *
   * @param located an entry from {@link #lookup}
   * @return the run and entry, confirmed; empty when the document does not say so
   */
  public Optional<Verified> verify(Located located) {
    RunIndexShard shard = located.shard();
    Path runDir = outputDir.resolve(shard.runDirName());
    RankRecord rank;
    try {
      rank = readRank(runDir, shard.rank());
    } catch (RunDirectoryException | RuntimeException unreadable) {
      return Optional.empty();
    }
    if (!rank.document().getFileName().toString().equals(shard.documentName())) {
      return Optional.empty();
    }
    List<IndexEntry> confirmed = RunIndexShard.entriesOf(rank);
    if (confirmed.contains(located.entry())) {
      return Optional.of(new Verified(runDir, rank, located.entry()));
    }
    repair(shard, confirmed);
    return Optional.empty();
  }

  private void repair(RunIndexShard shard, List<IndexEntry> confirmed) {
    RunIndexShard repaired = new RunIndexShard(shard.runDirName(), shard.documentName(), shard.size(),
        shard.modifiedMillis(), shard.experiment(), shard.runId(), shard.rank(), confirmed);
    shards.put(key(shard.runDirName(), shard.documentName()), repaired);
    for (List<Located> list : bySha.values()) {
      list.removeIf(l -> l.shard() == shard);
    }
    for (IndexEntry entry : confirmed) {
      bySha.computeIfAbsent(entry.sha256(), s -> new ArrayList<>()).add(new Located(repaired, entry));
    }
    persist(repaired);
  }

  /** Each rank's document is read at most once per index: a lineage names one run many times. */
  private RankRecord readRank(Path runDir, int rank) throws RunDirectoryException {
    String key = runDir.getFileName() + "/" + rank;
    RankRecord record = readDocuments.get(key);
    if (record == null) {
      record = RunDirectory.openRank(runDir, rank);
      readDocuments.put(key, record);
    }
    return record;
  }

  /** Forgets the documents read, so that a long-lived index (a run's) reads changed documents again. */
  public void forgetDocuments() {
    readDocuments.clear();
  }

  /**
   * Writes the shard of one rank's document as it is now: what a run does at its end, so that the next reader
   * finds its shard current and reads no document.
   *
   * @param outputDir the output directory
   * @param runDir the run directory, in it
   * @param rank the rank whose document it is
   * @throws IOException when the document cannot be read or the shard cannot be written
   */
  public static void writeShard(Path outputDir, Path runDir, int rank) throws IOException {
    Path out = outputDir.toAbsolutePath().normalize();
    RankRecord record = RunDirectory.openRank(runDir, rank);
    BasicFileAttributes attributes = Files.readAttributes(record.document(), BasicFileAttributes.class,
        LinkOption.NOFOLLOW_LINKS);
    RunLayout layout = RunLayout.ofProvFile(runDir, record.document().getFileName().toString());
    RunIndexShard shard = new RunIndexShard(runDir.getFileName().toString(),
        record.document().getFileName().toString(), attributes.size(), attributes.lastModifiedTime().toMillis(),
        layout.experimentName(), layout.runId(), rank, RunIndexShard.entriesOf(record));
    Path indexDir = RunLayout.indexDir(out);
    if (Files.isSymbolicLink(indexDir)) {
      throw new IOException(indexDir + " is a link; the index is not written through it");
    }
    Files.createDirectories(indexDir);
    shard.write(out);
  }
}
