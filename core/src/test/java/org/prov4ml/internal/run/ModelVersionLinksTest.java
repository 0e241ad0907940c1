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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelVersionLinksTest {

  @TempDir
  Path dir;

  @Test
  void aVersionIsALinkUntilTheBackgroundCopiesIt() throws IOException {
    Path saved = write(dir.resolve("models/mlp-0001.params"), "epoch 1");
    Path version = dir.resolve("run/artifacts/mlp/mlp-0001.params");
    assertTrue(ModelVersionLinks.link(saved, version));
    assertTrue(Files.isSameFile(saved, version));

    ModelVersionLinks.unshare(saved, version);
    assertFalse(Files.isSameFile(saved, version));
    assertEquals("epoch 1", Files.readString(version));
    assertEquals(List.of(version), filesIn(version.getParent()), "no temporary file is left beside the version");
    ModelVersionLinks.unshare(saved, version); // a second time: nothing left to do
  }

  @Test
  void aSaveThatRewritesALinkedFileInPlaceUnsharesTheVersionFirst() throws IOException {
    Path saved = write(dir.resolve("models/mlp-0007.params"), "first save");
    Path version = dir.resolve("run/artifacts/mlp/mlp-0007.params");
    ModelVersionLinks.link(saved, version);

    ModelVersionLinks.beforeOverwrite(dir.resolve("models/../models/mlp-0007.params"));
    // DJL's BaseModel.save: Files.newOutputStream truncates and rewrites the same inode.
    Files.writeString(saved, "second save", StandardCharsets.UTF_8);

    assertEquals("first save", Files.readString(version));
    assertEquals("second save", Files.readString(saved));
    ModelVersionLinks.unshare(saved, version); // the background's task, later: the version is its own already
    assertEquals("first save", Files.readString(version));
  }

  @Test
  void aSaveWaitsForTheBackgroundsCopyInProgressInsteadOfTruncatingUnderIt() throws Exception {
    byte[] first = new byte[64 << 20];
    first[first.length - 1] = 1;
    Path saved = dir.resolve("models/big-0001.params");
    Files.createDirectories(saved.getParent());
    Files.write(saved, first);
    Path version = dir.resolve("run/artifacts/big/big-0001.params");
    ModelVersionLinks.link(saved, version);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      Future<?> background = threads.submit(() -> {
        go.await();
        ModelVersionLinks.unshare(saved, version);
        return null;
      });
      Future<?> save = threads.submit(() -> {
        go.await();
        ModelVersionLinks.beforeOverwrite(saved);
        Files.writeString(saved, "second save", StandardCharsets.UTF_8);
        return null;
      });
      go.countDown();
      background.get();
      save.get();
    } finally {
      threads.shutdownNow();
    }
    assertArrayEquals(first, Files.readAllBytes(version));
    assertEquals("second save", Files.readString(saved));
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
