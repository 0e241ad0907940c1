package org.prov4ml.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.RunStatus;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.testing.ForkedJvm;
import org.prov4ml.testing.ProgramLoggingAnArtifact;
import org.prov4ml.testing.PythonEnv;
import org.prov4ml.testing.ReadBack;

/**
 * {@code logArtifact} of a folder copies what a user means, in a program of its own: a FIFO must
 * not block it, one bad entry must not lose the rest, and the output directory is not copied into itself.
 */
class ArtifactCopierTest {

  @TempDir Path work;

  private static final List<String> JVM = List.of("-Xmx64m", "-XX:TieredStopAtLevel=1");

  private PythonEnv.Result logArtifact(String artifact) throws Exception {
    return ForkedJvm.runIn(work, ProgramLoggingAnArtifact.class, JVM, Map.of(), artifact);
  }

  /** The one line that names what was skipped: exactly one, naming each entry. */
  private static String skipWarning(PythonEnv.Result result) {
    List<String> lines = (result.stdout() + result.stderr()).lines().filter(l -> l.contains("not copied")).toList();
    assertEquals(1, lines.size(), result.stdout() + result.stderr());
    return lines.get(0);
  }

  private static RunDirectory finishedRun(Path outputDir) throws Exception {
    RunDirectory run = ReadBack.onlyRun(outputDir);
    assertEquals(RunStatus.FINISHED, run.run().status().orElseThrow());
    return run;
  }

  @Test
  void aFifoInALoggedFolderIsSkippedWithoutOpeningIt() throws Exception {
    Path logged = Files.createDirectories(work.resolve("logged"));
    Files.writeString(logged.resolve("notes.txt"), "kept");
    new ProcessBuilder("mkfifo", logged.resolve("pipe").toString()).inheritIO().start().waitFor();
    assertTrue(Files.exists(logged.resolve("pipe")));

    PythonEnv.Result result = logArtifact("logged");

    assertEquals(0, result.exitCode(), result.stderr());
    assertTrue(result.stdout().contains("DONE"), result.stdout());
    assertTrue(skipWarning(result).contains("pipe"), result.stderr());
    RunDirectory run = finishedRun(work.resolve("prov4ml-runs"));
    Path copy = run.path().resolve("artifacts_GR0/logged");
    assertEquals("kept", Files.readString(copy.resolve("notes.txt")));
    assertFalse(Files.exists(copy.resolve("pipe"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void aDanglingLinkAndALoopAreSkippedAndEverythingElseIsCopiedWithLinksAsFiles() throws Exception {
    Path logged = work.resolve("logged");
    Path sub = Files.createDirectories(logged.resolve("sub"));
    Files.writeString(sub.resolve("weights.txt"), "w");
    Path outside = Files.writeString(work.resolve("outside.txt"), "reached through a link");
    Files.createSymbolicLink(logged.resolve("dangling"), work.resolve("gone"));
    Files.createSymbolicLink(sub.resolve("loop"), logged); // a link to the folder above it
    Files.createSymbolicLink(logged.resolve("linked.txt"), outside);

    PythonEnv.Result result = logArtifact("logged");

    assertEquals(0, result.exitCode(), result.stderr());
    String warning = skipWarning(result);
    assertTrue(warning.contains("dangling") && warning.contains("loop"), warning);
    RunDirectory run = finishedRun(work.resolve("prov4ml-runs"));
    Path copy = run.path().resolve("artifacts_GR0/logged");
    assertEquals("w", Files.readString(copy.resolve("sub/weights.txt")));
    assertFalse(Files.isSymbolicLink(copy.resolve("linked.txt")));
    assertEquals("reached through a link", Files.readString(copy.resolve("linked.txt")));
    assertFalse(Files.exists(copy.resolve("dangling"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertTrue(run.artifacts().stream().map(a -> a.path()).toList().containsAll(List.of("logged/linked.txt", "logged/sub/weights.txt")), run.artifacts().toString());
  }

  @Test
  void theCurrentFolderIsCopiedWithoutTheOutputDirectoryInIt() throws Exception {
    Files.writeString(work.resolve("train.py"), "print('hi')");
    Files.createDirectories(work.resolve("prov4ml-runs")); // a run of an earlier launch is there already

    PythonEnv.Result result = logArtifact(".");

    assertEquals(0, result.exitCode(), result.stderr());
    assertTrue(skipWarning(result).contains("prov4ml-runs"), result.stderr());
    RunDirectory run = finishedRun(work.resolve("prov4ml-runs"));
    Path copy = run.path().resolve("artifacts_GR0").resolve(work.getFileName().toString());
    assertEquals("print('hi')", Files.readString(copy.resolve("train.py")));
    assertFalse(Files.exists(copy.resolve("prov4ml-runs")));
  }
}
