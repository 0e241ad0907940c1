package org.prov4ml.internal.inputs;

import static org.prov4ml.internal.format.ProvVocabulary.SHA256;
import static org.prov4ml.internal.format.ProvVocabulary.YPROV;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prov4ml.internal.format.AtomicFile;
import org.prov4ml.internal.format.FileDigests;

/**
 * The files a data set reads, each with its size, modification time and SHA-256, and one digest of
 * them all. Files are hashed in order (root by root, then by relative path) until the next one would
 * take the bytes hashed past {@code limit} ({@code prov4ml.data.hash-limit}); the rest keep only
 * their sizes and times, and the data set then has no overall digest.
 *
 * <p>The overall digest of one file is that file's SHA-256; of one folder, or of several roots, it is
 * {@link FileDigests}' digest of the listing (for several roots, each name begins with its root's).
 * The per-file list goes to a manifest file in the run directory, not into the PROV document, so a
 * data set of a hundred thousand images costs the document three attributes, not a hundred thousand
 * entities.
 *
 * @param roots the files and folders the data set reads
 * @param files every regular file under them
 * @param limit the most bytes that were to be hashed
 * @param sha256 the overall digest, or null when not every file was hashed
 */
public record DataSourceDigest(List<Path> roots, List<SourceFile> files, long limit, String sha256) {

  /**
   * One file of a data set's source.
   *
   * @param name its name in the listing
   * @param sha256 its digest, or null when it was beyond the limit
   */
  public record SourceFile(Path path, String name, long bytes, Instant modified, String sha256) {}

  private static final JsonFactory JSON = new JsonFactory();

  /** Lists and hashes the roots' files; a root that does not exist has no files. */
  public static DataSourceDigest of(List<Path> roots, long limit) throws IOException {
    List<SourceFile> files = new ArrayList<>();
    long hashed = 0;
    boolean hashing = true;
    for (Path root : roots) {
      if (!Files.exists(root)) {
        continue;
      }
      List<Path> under = Files.isDirectory(root) ? FileDigests.filesUnder(root) : List.of(root);
      for (Path file : under) {
        String name = roots.size() == 1 && Files.isDirectory(root) ? FileDigests.relativeName(root, file)
            : roots.size() == 1 ? file.getFileName().toString()
            : root.getFileName() + (file.equals(root) ? "" : "/" + FileDigests.relativeName(root, file));
        long bytes = Files.size(file);
        Instant modified = Files.getLastModifiedTime(file).toInstant();
        String sha256 = null;
        if (hashing && hashed + bytes <= limit) {
          sha256 = FileDigests.sha256(file);
          hashed += bytes;
        } else {
          hashing = false;
        }
        files.add(new SourceFile(file, name, bytes, modified, sha256));
      }
    }
    return new DataSourceDigest(List.copyOf(roots), List.copyOf(files), limit, overall(roots, files));
  }

  private static String overall(List<Path> roots, List<SourceFile> files) {
    if (files.isEmpty() || files.stream().anyMatch(f -> f.sha256() == null)) {
      return null;
    }
    if (roots.size() == 1 && files.size() == 1 && files.get(0).path().equals(roots.get(0))) {
      return files.get(0).sha256();
    }
    List<String> lines = new ArrayList<>();
    files.stream().sorted((a, b) -> a.name().compareTo(b.name()))
        .forEach(f -> lines.add(FileDigests.listingLine(f.sha256(), f.name())));
    return FileDigests.sha256OfListing(lines);
  }

  public long bytes() {
    return files.stream().mapToLong(SourceFile::bytes).sum();
  }

  public long unhashedFiles() {
    return files.stream().filter(f -> f.sha256() == null).count();
  }

  /** The data set entity's attributes for its source, in yProv4ML's {@code yprov:<label>_...} form. */
  public Map<String, String> attributes(String label, Path manifest) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put(YPROV + label + "_source_files", Integer.toString(files.size()));
    a.put(YPROV + label + "_source_bytes", Long.toString(bytes()));
    a.put(YPROV + label + "_source_manifest", manifest.toString());
    if (sha256 != null) {
      a.put(SHA256, sha256);
    }
    long unhashed = unhashedFiles();
    List<String> missing = roots.stream().filter(r -> !Files.exists(r)).map(Path::toString).toList();
    List<String> notes = new ArrayList<>();
    if (unhashed > 0) {
      long unhashedBytes = files.stream().filter(f -> f.sha256() == null).mapToLong(SourceFile::bytes).sum();
      notes.add(unhashed + " of " + files.size() + " files (" + unhashedBytes + " bytes) not hashed: beyond "
          + "prov4ml.data.hash-limit (" + limit + " bytes); their sizes and modification times are in the manifest");
    }
    if (!missing.isEmpty()) {
      notes.add("not found: " + String.join("; ", missing));
    }
    if (!notes.isEmpty()) {
      a.put(YPROV + label + "_source_note", String.join(". ", notes));
    }
    return a;
  }

  /** Writes the per-file manifest (JSON), atomically. */
  public void writeManifest(Path file, String label, String context) throws IOException {
    Files.createDirectories(file.getParent());
    AtomicFile.write(file, out -> write(out, label, context));
  }

  private void write(OutputStream out, String label, String context) throws IOException {
    try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeStringField("label", label);
      json.writeStringField("context", context);
      json.writeArrayFieldStart("roots");
      for (Path root : roots) {
        json.writeString(root.toString());
      }
      json.writeEndArray();
      json.writeNumberField("hash_limit_bytes", limit);
      json.writeStringField("sha256", sha256);
      json.writeArrayFieldStart("files");
      for (SourceFile f : files) {
        json.writeStartObject();
        json.writeStringField("path", f.path().toString());
        json.writeStringField("name", f.name());
        json.writeNumberField("bytes", f.bytes());
        json.writeStringField("modified", f.modified().toString());
        json.writeStringField("sha256", f.sha256());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    }
  }
}
