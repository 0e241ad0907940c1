package org.prov4ml.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real, small file system mounted for a test: a disk that fills up, or one that is read-only.
 * Tests run as root (as CI does), which a mount needs; chmod would not stop root from writing.
 */
public final class Tmpfs implements AutoCloseable {

  private final Path dir;

  private Tmpfs(Path dir) {
    this.dir = dir;
  }

  /** Mounts a tmpfs of {@code size} (e.g. {@code 512k}) at {@code dir}, created if missing. */
  public static Tmpfs mount(Path dir, String size, boolean readOnly) throws Exception {
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>(List.of("mount", "-t", "tmpfs", "-o",
        "size=" + size + (readOnly ? ",ro" : ""), "tmpfs", dir.toString()));
    PythonEnv.Result r = PythonEnv.run(command, 30);
    if (r.exitCode() != 0) {
      throw new AssertionError("cannot mount a tmpfs at " + dir + " (these tests run as root, as CI does): "
          + r.stdout() + r.stderr());
    }
    return new Tmpfs(dir);
  }

  public Path dir() {
    return dir;
  }

  @Override
  public void close() throws Exception {
    PythonEnv.run(List.of("umount", dir.toString()), 30).requireSuccess("umount " + dir);
  }
}
