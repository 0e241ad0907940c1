package org.prov4ml.internal.format;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * SHA-256 digests, in lower-case hex, of files and of directories. A directory's digest is the
 * SHA-256 of the lines {@code sha256sum} prints for its regular files, sorted by relative path
 * ({@code <file sha256>  <relative path with />\n}), so {@code (cd dir && find . -type f | sort | ...)}
 * with standard tools gives the same value, and moving the directory does not change it.
 */
public final class FileDigests {

  private static final int BUFFER = 1 << 16;

  /**
   * Cloned for each digest: {@code MessageDigest.getInstance} searches the security providers on
   * every call, which cost more than hashing a small model version (docs/benchmarks.md, the drainer).
   */
  private static final MessageDigest SHA_256 = lookUpSha256();

  /** A file's SHA-256, in lower-case hex, and the number of bytes it was computed over. */
  public record Digest(String sha256, long bytes) {}

  private FileDigests() {}

  public static MessageDigest newSha256() {
    try {
      return (MessageDigest) SHA_256.clone();
    } catch (CloneNotSupportedException e) {
      return lookUpSha256(); // a provider whose SHA-256 cannot be cloned
    }
  }

  private static MessageDigest lookUpSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * Each of {@code files}' digests, in their order. A file that cannot be read gets {@link #unhashed}: one
   * unreadable file costs its own digest, not the others'.
   */
  public static Map<Path, Digest> digests(List<Path> files) {
    Map<Path, Digest> digests = new LinkedHashMap<>();
    for (Path file : files) {
      try {
        digests.put(file, digest(file));
      } catch (IOException e) {
        digests.put(file, unhashed(file));
      }
    }
    return digests;
  }

  /** A file's size without its SHA-256 (null): for a file whose hashing the run's end cut short. */
  public static Digest unhashed(Path file) {
    try {
      return new Digest(null, Files.size(file));
    } catch (IOException e) {
      return new Digest(null, -1);
    }
  }

  /** The files of {@code path}: itself, or a directory's regular files in path order. */
  public static List<Path> filesOf(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return List.of(path);
    }
    try (Stream<Path> walk = Files.walk(path)) {
      return walk.filter(Files::isRegularFile).sorted().toList();
    }
  }

  /** The SHA-256 of a file. */
  public static String sha256(Path file) throws IOException {
    return digest(file).sha256();
  }

  /**
   * The SHA-256 of a file and its size, read once: the size recorded beside a digest is the one the
   * digest is of, even when the file changes in between. The buffer is no larger than the file.
   *
   * <p>Read through a {@code FileInputStream} into the array the digest takes, not a
   * {@code FileChannel}: the channel reads into a cached direct buffer and copies that into the
   * array, and C2's compilation of that path is among the largest a recorded JVM adds for prov4ml's
   * code, paid again with every model version the drainer hashes (docs/benchmarks.md, the
   * small-epochs workload).
   */
  public static Digest digest(Path file) throws IOException {
    MessageDigest digest = newSha256();
    long bytes = 0;
    try (InputStream in = open(file)) {
      // available() is what is left of a regular file (one fstat, as FileChannel.size() was), at most
      // Integer.MAX_VALUE: widened before adding the byte that lets the read see the end.
      byte[] buffer = new byte[(int) Math.max(1, Math.min(BUFFER, in.available() + 1L))];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        digest.update(buffer, 0, n);
        bytes += n;
      }
    }
    return new Digest(hex(digest.digest()), bytes);
  }

  private static InputStream open(Path file) throws IOException {
    if (file.getFileSystem() != FileSystems.getDefault()) {
      return Files.newInputStream(file);
    }
    try {
      return new FileInputStream(file.toFile());
    } catch (FileNotFoundException e) {
      // FileInputStream says every failure to open this way; NIO names it (NoSuchFileException,
      // AccessDeniedException, ...), which is what callers and OsReason expect. Opened again to get it.
      Files.newInputStream(file).close();
      throw e; // it could be opened the second time: the first failure stands
    }
  }

  /** The digest of a file, or of a directory as described above. */
  public static String sha256OfFileOrDirectory(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return sha256(path);
    }
    List<String> lines = new ArrayList<>();
    for (Path file : filesUnder(path)) {
      lines.add(listingLine(sha256(file), relativeName(path, file)));
    }
    return sha256OfListing(lines);
  }

  /** The digest that {@link #sha256OfFileOrDirectory} gives a directory whose files have these digests. */
  public static String sha256OfListing(List<String> sortedLines) {
    StringBuilder lines = new StringBuilder();
    sortedLines.forEach(l -> lines.append(l).append('\n'));
    return sha256OfText(lines.toString());
  }

  /** {@code <sha256>  <relative path>}: one line of a directory's listing. */
  public static String listingLine(String sha256, String relativeName) {
    return sha256 + "  " + relativeName;
  }

  /** The regular files under {@code dir}, sorted by their relative path as {@link #relativeName} writes it. */
  public static List<Path> filesUnder(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .sorted((a, b) -> relativeName(dir, a).compareTo(relativeName(dir, b)))
          .toList();
    }
  }

  /** A file's path below {@code root} with {@code /} as separator, whatever the platform's. */
  public static String relativeName(Path root, Path file) {
    return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
  }

  static String sha256OfText(String text) {
    return hex(newSha256().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
