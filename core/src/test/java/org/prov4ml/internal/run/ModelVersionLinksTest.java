package org.prov4ml.internal.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelVersionLinksTest {

  @TempDir
  Path dir;

  @Test
  void aVersionIsALinkThatOutlivesTheApplicationsFile() throws IOException {
    Path saved = write(dir.resolve("models/mlp-0001.params"), "epoch 1");
    Path version = dir.resolve("run/artifacts/mlp/mlp-0001.params");
    assertTrue(ModelVersionLinks.link(saved, version));
    assertTrue(Files.isSameFile(saved, version));

    Files.delete(saved);
    assertEquals("epoch 1", Files.readString(version));
    assertEquals(List.of(version), filesIn(version.getParent()));
  }

  @Test
  void aSaveThatRewritesALinkedFileInPlaceWritesANewFileAndTheVersionKeepsItsContent() throws IOException {
    Path saved = write(dir.resolve("models/mlp-0007.params"), "first save");
    Path version = dir.resolve("run/artifacts/mlp/mlp-0007.params");
    ModelVersionLinks.link(saved, version);

    ModelVersionLinks.beforeOverwrite(dir.resolve("models/../models/mlp-0007.params"));
    // DJL's BaseModel.save: Files.newOutputStream, which truncates and rewrites an existing file.
    Files.writeString(saved, "second save", StandardCharsets.UTF_8);
    ModelVersionLinks.saveEnded(false);

    assertEquals("first save", Files.readString(version));
    assertEquals("second save", Files.readString(saved));
    assertFalse(Files.isSameFile(saved, version));
  }

  @Test
  void aSaveThatFailsBeforeWritingGetsTheApplicationsFileBack() throws IOException {
    Path saved = write(dir.resolve("models/mlp-0003.params"), "first save");
    Path version = dir.resolve("run/artifacts/mlp/mlp-0003.params");
    ModelVersionLinks.link(saved, version);

    ModelVersionLinks.beforeOverwrite(saved);
    ModelVersionLinks.saveEnded(true); // e.g. DJL's "Model has not be trained or loaded yet."

    assertEquals("first save", Files.readString(saved));
    assertTrue(Files.isSameFile(saved, version));
    // still protected: the next save's rewrite leaves the version as it was
    ModelVersionLinks.beforeOverwrite(saved);
    Files.writeString(saved, "second save", StandardCharsets.UTF_8);
    ModelVersionLinks.saveEnded(false);
    assertEquals("first save", Files.readString(version));
    assertEquals("second save", Files.readString(saved));
  }

  @Test
  void aSaveThatFailsAfterWritingKeepsWhatItWroteAndTheVersionItsContent() throws IOException {
    Path saved = write(dir.resolve("models/mlp-0004.params"), "first save");
    Path version = dir.resolve("run/artifacts/mlp/mlp-0004.params");
    ModelVersionLinks.link(saved, version);

    ModelVersionLinks.beforeOverwrite(saved);
    Files.writeString(saved, "half a sa", StandardCharsets.UTF_8);
    ModelVersionLinks.saveEnded(true);

    assertEquals("half a sa", Files.readString(saved));
    assertEquals("first save", Files.readString(version));
  }

  @Test
  void aSaveEndedWithoutAnUnshareChangesNothing() throws IOException {
    Path saved = write(dir.resolve("models/mlp-0005.params"), "kept");
    ModelVersionLinks.saveEnded(true);
    assertEquals("kept", Files.readString(saved));
  }

  @Test
  void aFileThatIsNotLinkedIsLeftAlone() throws IOException {
    Path other = write(dir.resolve("models/other-0001.params"), "other");
    ModelVersionLinks.beforeOverwrite(other);
    ModelVersionLinks.beforeOverwrite(dir.resolve("models/missing-0001.params"));
    assertEquals("other", Files.readString(other));
  }

  @Test
  void anotherFileSystemGetsACopyAtOnce() throws IOException {
    Path shm = Path.of("/dev/shm");
    Path saved = write(dir.resolve("models/mlp-0002.params"), "epoch 2");
    // CI and this project's machines are Linux, where /dev/shm is a tmpfs of its own.
    assertTrue(Files.isDirectory(shm) && !Files.getFileStore(shm).equals(Files.getFileStore(dir)),
        "this test needs a second file system at /dev/shm");
    Path run = Files.createTempDirectory(shm, "prov4ml-links");
    try {
      Path version = run.resolve("mlp/mlp-0002.params");
      assertFalse(ModelVersionLinks.link(saved, version));
      assertFalse(Files.isSameFile(saved, version));
      assertArrayEquals(Files.readAllBytes(saved), Files.readAllBytes(version));
    } finally {
      Files.deleteIfExists(run.resolve("mlp/mlp-0002.params"));
      Files.deleteIfExists(run.resolve("mlp"));
      Files.deleteIfExists(run);
    }
  }

  private static List<Path> filesIn(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.toList();
    }
  }

  private static Path write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content, StandardCharsets.UTF_8);
  }
}
