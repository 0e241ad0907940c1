package org.prov4ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.testing.ForkedJvm;
import org.prov4ml.testing.ProgramWithUnwritableOutput;
import org.prov4ml.testing.PythonEnv;
import org.prov4ml.testing.Tmpfs;

/**
 * An output directory that cannot be created or written: one line naming it and the OS's reason,
 * no stack trace, the program runs on without provenance and prov4ml stops trying. An explicit
 * {@code startRun} is refused with the same message.
 */
class UnwritableOutputDirectoryTest {

  @TempDir Path work;

  private PythonEnv.Result run(Path outputDir) throws Exception {
    PythonEnv.Result result = ForkedJvm.run(ProgramWithUnwritableOutput.class,
        List.of("-Dprov4ml.output-dir=" + outputDir));
    result.requireSuccess("the program");
    assertTrue(result.stdout().contains("DONE"), result.stdout());
    assertTrue(result.stdout().contains("ACTIVE false"), result.stdout());
    assertTrue(result.stderr().lines().noneMatch(l -> l.startsWith("\tat ")), result.stderr());
    return result;
  }

  private static String onlyProv4mlLine(PythonEnv.Result result) {
    List<String> lines = result.stderr().lines().filter(l -> l.matches("(ERROR|WARN|INFO): prov4ml.*")).toList();
    assertEquals(1, lines.size(), result.stderr());
    return lines.get(0);
  }

  @Test
  void aPathUnderARegularFile() throws Exception {
    Path file = Files.writeString(work.resolve("afile"), "x");
    Path outputDir = file.resolve("runs");
    PythonEnv.Result result = run(outputDir);
    assertEquals("ERROR: prov4ml: cannot create a run directory in " + outputDir + ": Not a directory; the "
        + "application runs on without provenance", onlyProv4mlLine(result));
    assertTrue(result.stdout().contains("REFUSED cannot create a run directory in " + outputDir
        + ": Not a directory\n"), result.stdout());
  }

  @Test
  void aReadOnlyFileSystem() throws Exception {
    try (Tmpfs readOnly = Tmpfs.mount(work.resolve("ro"), "64k", true)) {
      PythonEnv.Result result = run(readOnly.dir());
      assertEquals("ERROR: prov4ml: cannot create a run directory in " + readOnly.dir() + ": Read-only file system ("
          + readOnly.dir().resolve("default_0") + "); the application runs on without provenance",
          onlyProv4mlLine(result));
      try (var files = Files.list(readOnly.dir())) {
        assertFalse(files.findAny().isPresent());
      }
    }
  }
}
