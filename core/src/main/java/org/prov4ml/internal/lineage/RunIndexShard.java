package org.prov4ml.internal.lineage;

import static org.prov4ml.internal.format.ProvVocabulary.LABEL;
import static org.prov4ml.internal.format.ProvVocabulary.SHA256;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE_DATASET;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE_INPUT_MODEL;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.prov4ml.internal.format.AtomicFile;
import org.prov4ml.internal.format.RunLayout;
import org.prov4ml.rundir.Artifact;
import org.prov4ml.rundir.DatasetRecord;
import org.prov4ml.rundir.ModelVersion;
import org.prov4ml.rundir.ProvRelation;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunDirectoryException;
import org.prov4ml.rundir.RunFiles;

/**
 * What one rank's document of one run directory made and used, by digest: one file of the run index, keyed by
 * the run directory's name, the document's name and the document's size and modification time when it was read.
 * A shard whose key no longer matches the document is out of date and is read again from the document; since
 * each document has a shard of its own, writers never touch each other's shards.
 *
 * @param runDirName the run directory's name in the output directory
 * @param documentName the rank's document, {@code prov_<experiment>_GR<rank>_<runId>.json}
 * @param size the document's size when it was read
 * @param modifiedMillis the document's modification time when it was read
 * @param experiment the run's experiment, as its document's file name says
 * @param runId the run's id, as its document's file name says
 * @param rank the rank whose document it is
 * @param entries what the document says the run made and used
 */
public record RunIndexShard(String runDirName, String documentName, long size, long modifiedMillis,
    String experiment, String runId, int rank, List<IndexEntry> entries) {

  /** Bumped when a shard's content changes meaning: a shard of another format is rebuilt. */
  static final int FORMAT = 1;
  /** A shard is small (a few entries per model version); a larger file is not read, but rebuilt. */
  static final long MAX_SHARD_BYTES = 64L << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  public RunIndexShard {
    entries = List.copyOf(entries);
  }

  /** {@return whether this shard was made from the document as it is now} */
  boolean matches(String dirName, String document, long bytes, long modified) {
    return runDirName.equals(dirName) && documentName.equals(document) && size == bytes
        && modifiedMillis == modified;
  }

  /**
   * What a rank's document says its run made and used: model versions and artifacts with a digest; entities
   * the run {@code used} with a digest (input models, data sets, the application's code), and each hashed file
   * of a data set's manifest. A copied artifact's {@code Original_} entity is the run's own output, not an input.
   *
   * @param rank the rank's record, read through {@link org.prov4ml.rundir.RunDirectory}
   * @return its entries, each once
   */
  public static List<IndexEntry> entriesOf(RankRecord rank) {
    Set<IndexEntry> entries = new LinkedHashSet<>();
    Set<String> versions = new LinkedHashSet<>();
    for (ModelVersion v : rank.modelVersions()) {
      versions.add(v.id());
      v.sha256().filter(IndexEntry::isSha256).ifPresent(sha -> entries.add(
          new IndexEntry(sha, true, IndexEntry.MODEL_VERSION, v.id(), v.file().getFileName().toString())));
    }
    for (Artifact a : rank.artifacts()) {
      if (!versions.contains(a.id())) {
        a.sha256().filter(IndexEntry::isSha256).ifPresent(sha -> entries.add(
            new IndexEntry(sha, true, IndexEntry.ARTIFACT, a.id(), a.path())));
      }
    }
    for (ProvRelation r : rank.relations()) {
      if (!r.kind().equals("used")) {
        continue;
      }
      Map<String, String> used = rank.entity(r.to()).orElse(Map.of());
      String sha = used.get(SHA256);
      String label = used.getOrDefault(LABEL, r.to());
      if (!IndexEntry.isSha256(sha) || label.startsWith("Original_")) {
        continue;
      }
      String type = used.getOrDefault(TYPE, "");
      String kind = type.equals(TYPE_INPUT_MODEL) ? IndexEntry.INPUT_MODEL
          : type.equals(TYPE_DATASET) ? IndexEntry.DATA_SET : IndexEntry.INPUT;
      entries.add(new IndexEntry(sha, false, kind, r.to(), label));
    }
    for (DatasetRecord d : rank.datasets()) {
      List<DatasetRecord.DataFile> files;
      try {
        files = d.files();
      } catch (RunDirectoryException unreadable) {
        continue; // a manifest refused or damaged names no file: the data set's own digest still stands
      }
      for (DatasetRecord.DataFile f : files) {
        f.sha256().filter(IndexEntry::isSha256).ifPresent(sha -> entries.add(
            new IndexEntry(sha, false, IndexEntry.DATA_FILE, d.id(), d.label() + ": " + f.name())));
      }
    }
    return new ArrayList<>(entries);
  }

  /** Writes the shard beside its siblings, whole or not at all; several processes may write it at once. */
  void write(Path outputDir) throws IOException {
    AtomicFile.writeShared(RunLayout.indexShard(outputDir, runDirName, documentName), out -> {
      try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
        g.writeStartObject();
        g.writeNumberField("format", FORMAT);
        g.writeStringField("run_dir", runDirName);
        g.writeStringField("document", documentName);
        g.writeNumberField("size", size);
        g.writeNumberField("modified", modifiedMillis);
        g.writeStringField("experiment", experiment);
        g.writeStringField("run_id", runId);
        g.writeNumberField("rank", rank);
        g.writeArrayFieldStart("entries");
        for (IndexEntry e : entries) {
          g.writeStartObject();
          g.writeStringField("sha256", e.sha256());
          g.writeBooleanField("made", e.made());
          g.writeStringField("kind", e.kind());
          g.writeStringField("entity", e.entity());
          g.writeStringField("label", e.label());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
    });
  }

  /**
   * Reads the shard of a document, if there is one that can be read: a shard is untrusted, like the run
   * directories, so only a regular file inside the index folder that is no larger than {@link #MAX_SHARD_BYTES}
   * is read, and one that is not a shard of this format, or names another run or document, is as good as none.
   */
  static Optional<RunIndexShard> read(Path outputDir, String dirName, String document) {
    Path file = RunLayout.indexShard(outputDir, dirName, document);
    Path indexDir = RunLayout.indexDir(outputDir);
    if (!RunFiles.readable(indexDir, file)) {
      return Optional.empty();
    }
    try {
      if (java.nio.file.Files.size(file) > MAX_SHARD_BYTES) {
        return Optional.empty();
      }
      JsonNode root;
      try (InputStream in = RunFiles.open(indexDir, file)) {
        root = JSON.readTree(in);
      }
      if (root == null || root.path("format").asInt() != FORMAT || !dirName.equals(root.path("run_dir").asText())
          || !document.equals(root.path("document").asText()) || !root.path("entries").isArray()) {
        return Optional.empty();
      }
      List<IndexEntry> entries = new ArrayList<>();
      for (JsonNode e : root.path("entries")) {
        String sha = e.path("sha256").asText();
        if (!IndexEntry.isSha256(sha) || !e.path("entity").isTextual()) {
          return Optional.empty(); // a damaged shard is rebuilt whole
        }
        entries.add(new IndexEntry(sha, e.path("made").asBoolean(), e.path("kind").asText(),
            e.path("entity").asText(), e.path("label").asText()));
      }
      return Optional.of(new RunIndexShard(dirName, document, root.path("size").asLong(-1),
          root.path("modified").asLong(-1), root.path("experiment").asText(), root.path("run_id").asText(),
          root.path("rank").asInt(), entries));
    } catch (IOException | RuntimeException damaged) {
      return Optional.empty();
    }
  }
}
