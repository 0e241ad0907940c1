package org.prov4ml.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import picocli.CommandLine;

/** The command line's shape: help for every command, and bad input as one line and exit code 2. */
class Prov4mlCliTest {

  /** One invocation's exit code and what it printed. */
  record Result(int code, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  static Result cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Prov4mlCli.run(args, new PrintStream(out, true), new PrintStream(err, true));
    return new Result(code, out.toString(Charset.defaultCharset()), err.toString(Charset.defaultCharset()));
  }

  private static List<String> commands() {
    return List.copyOf(new CommandLine(new Prov4mlCli()).getSubcommands().keySet());
  }

  @Test
  void helpListsEveryCommandAndEachHasItsOwnHelp() {
    Result help = cli("help");
    assertEquals(0, help.code(), help.err());
    assertTrue(commands().containsAll(List.of("help", "sync")), commands().toString());
    for (String command : commands()) {
      assertTrue(help.out().lines().anyMatch(l -> l.strip().startsWith(command + " ")), command + " in\n" + help.out());
      if (!command.equals("help")) {
        Result own = cli(command, "--help");
        assertEquals(0, own.code(), own.err());
        assertTrue(own.out().startsWith("Usage: java -jar prov4ml.jar " + command), own.out());
        assertEquals(own.out(), cli("help", command).out());
      }
    }
    assertTrue(cli("--version").out().startsWith("prov4ml "));
  }

  @Test
  void noCommandPrintsTheListAsAUsageError() {
    Result none = cli();
    assertEquals(2, none.code());
    assertTrue(none.err().contains("sync") && none.out().isEmpty(), none.err());
  }

  @Test
  void badInputIsOneLineAndExitCodeTwo(@TempDir Path dir) {
    assertOneLineUsageError(cli("frobnicate"), "prov4ml: Unmatched argument at index 0: 'frobnicate'");
    assertOneLineUsageError(cli("sync"), "sync: Missing required parameter: '<run-dir>'");
    assertOneLineUsageError(cli("sync", dir.toString(), "--timeout", "soon"), "sync: Invalid value for option "
        + "'--timeout': 'soon' is not a duration such as 30s, 5m or 1h");
    assertOneLineUsageError(cli("sync", dir.toString(), "--bogus"), "sync: Unknown option: '--bogus'");
    assertOneLineUsageError(cli("sync", dir.resolve("absent").toString()),
        "sync: " + dir.resolve("absent") + " is not a directory");
    assertOneLineUsageError(cli("sync", dir.toString()), "sync: " + dir + " is not a run directory (no prov_");
  }

  @Test
  void anInvalidConfigurationIsBadInputNotARunToRetry(@TempDir Path dir) throws Exception {
    Path runDir;
    try (Run run = Prov4ml.startRun(RunOptions.builder().experimentName("cli").outputDir(dir).build())) {
      runDir = run.runDirectory();
    }
    String invalid = "prov4ml configuration is invalid: prov4ml.buffer.size = 'lots' (from system property "
        + "prov4ml.buffer.size) is invalid: expected a power of two from 64 to 16777216; prov4ml.buffer.overflow";
    System.setProperty("prov4ml.buffer.size", "lots");
    System.setProperty("prov4ml.buffer.overflow", "maybe");
    try {
      assertOneLineUsageError(cli("ls"), "ls: " + invalid);
      assertOneLineUsageError(cli("report"), "report: " + invalid);
      assertOneLineUsageError(cli("sync", runDir.toString()), "sync: " + invalid);
    } finally {
      System.clearProperty("prov4ml.buffer.size");
      System.clearProperty("prov4ml.buffer.overflow");
    }
  }

  static void assertOneLineUsageError(Result r, String startsWith) {
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().startsWith(startsWith), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }
}
