package org.prov4ml.internal.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDigestsTest {

  @TempDir
  Path dir;

  @Test
  void aFilesDigestAndSizeAreThoseOfItsBytesWhateverItsSize() throws Exception {
    SplittableRandom random = new SplittableRandom(11);
    // empty, smaller than, equal to, one past and several times the 64 KiB buffer
    for (int size : List.of(0, 1, 4_321, 65_535, 65_536, 65_537, 300_001)) {
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      Path file = Files.write(dir.resolve("f" + size), bytes);
      FileDigests.Digest digest = FileDigests.digest(file);
      assertEquals(size, digest.bytes());
      assertEquals(FileDigests.hex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)), digest.sha256());
      assertEquals(digest.sha256(), FileDigests.sha256(file));
    }
  }

  @Test
  void knownDigests() throws IOException {
    Path abc = Files.writeString(dir.resolve("abc"), "abc", StandardCharsets.US_ASCII);
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", FileDigests.sha256(abc));
    Path empty = Files.write(dir.resolve("empty"), new byte[0]);
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", FileDigests.sha256(empty));
    // each digest starts afresh: the shared prototype is cloned, never updated
    assertEquals(FileDigests.sha256(abc), FileDigests.sha256(abc));
  }

  @Test
  void aMissingFileFailsWithTheExceptionThatNamesWhy() {
    // As the channel it replaced did: OsReason and the callers tell a missing file by this type.
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FileDigests.digest(dir.resolve("gone")));
    assertEquals(dir.resolve("gone").toString(), e.getFile());
  }

  @Test
  void aFileOfAnotherFileSystemIsDigestedToo() throws IOException {
    Path zip = dir.resolve("a.zip");
    try (FileSystem zipfs = FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of("create", "true"))) {
      Path inside = Files.writeString(zipfs.getPath("abc"), "abc", StandardCharsets.US_ASCII);
      FileDigests.Digest digest = FileDigests.digest(inside);
      assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", digest.sha256());
      assertEquals(3, digest.bytes());
    }
  }
}
