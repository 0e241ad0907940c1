package org.prov4ml.internal.inputs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.prov4ml.internal.config.Prov4mlVersion;
import org.prov4ml.internal.format.AtomicFile;
import org.prov4ml.internal.format.FileDigests;

/**
 * The bill of materials of a class path that an earlier run already described, so that a run whose
 * jars have not changed pays neither hashing them (a CUDA build of libtorch is gigabytes) nor
 * CycloneDX's and Jackson's cold start, the largest fixed cost a run of the agent has
 * (docs/benchmarks.md, the small-epochs workload). A bill is found by its class path's fingerprint:
 * each jar's path, size, modification time and file key (the inode on Linux), so a jar that is
 * replaced or rewritten, or a class path that differs in one jar or its order, is described anew.
 * The bill read back gets a serial number of its own, as CycloneDX asks of every bill.
 *
 * <p>The folder is {@code $XDG_CACHE_HOME/prov4ml/bom}, else {@code ~/.cache/prov4ml/bom}; one
 * file per class path, written aside and renamed, so concurrent runs (the ranks of a job) never read
 * half a file. Where it cannot be read or written the bill is built as if there were none.
 */
final class BomCache {

  private static final Pattern SERIAL = Pattern.compile("\"serialNumber\" ?: ?\"urn:uuid:[0-9a-f-]{36}\"");

  private final Path folder;

  BomCache(Path folder) {
    this.folder = folder;
  }

  Path folder() {
    return folder;
  }

  /** The user's cache folder for bills, from the environment; empty when there is no home to hold it. */
  static Optional<BomCache> of(Map<String, String> env) {
    String xdg = env.get("XDG_CACHE_HOME");
    String home = System.getProperty("user.home");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
        : home != null && !home.isBlank() ? Path.of(home, ".cache") : null;
    return Optional.ofNullable(base).map(b -> new BomCache(b.resolve("prov4ml").resolve("bom")));
  }

  /**
   * The file that holds, or will hold, the bill of these jars as they are now: taken once, before the
   * jars are read, so a jar that changes while it is hashed is described anew next time. Empty when
   * a jar cannot be looked at: the bill is then built, and fails as it would without a cache.
   */
  Optional<Path> entry(List<Path> jars) {
    try {
      MessageDigest digest = FileDigests.newSha256();
      digest.update(("prov4ml " + Prov4mlVersion.get() + "\n").getBytes(StandardCharsets.UTF_8));
      for (Path jar : jars) {
        BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
        String line = jar + "\t" + a.size() + "\t" + a.lastModifiedTime().toInstant() + "\t" + a.fileKey() + "\n";
        digest.update(line.getBytes(StandardCharsets.UTF_8));
      }
      return Optional.of(folder.resolve("bom-" + FileDigests.hex(digest.digest()) + ".cdx.json"));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The bill an earlier run kept in {@code entry}, with a new serial number; empty when there is none or it is unreadable. */
  static Optional<String> find(Path entry) {
    try {
      String json = Files.readString(entry, StandardCharsets.UTF_8);
      Matcher serial = SERIAL.matcher(json);
      if (!serial.find()) {
        return Optional.empty();
      }
      return Optional.of(json.substring(0, serial.start()) + "\"serialNumber\" : \"urn:uuid:" + UUID.randomUUID()
          + "\"" + json.substring(serial.end()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // none yet, or unreadable: the bill is built
    }
  }

  /** Keeps {@code json} in {@code entry}; a failure only means the next run builds the bill again. */
  static void keep(Path entry, String json) {
    try {
      Path folder = entry.getParent();
      Files.createDirectories(folder);
      AtomicFile.writeShared(entry, out -> out.write(json.getBytes(StandardCharsets.UTF_8))); // runs share it
    } catch (IOException | RuntimeException e) {
      // a read-only home, a full disk: the cache is only a saving
    }
  }

}
