package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.RunStatus;
import org.prov4ml.rundir.RunDirectory;

/**
 * prov4ml as a new user adopts it: src/test/resources/consumer is a DJL application of its own, with an
 * older Jackson and logback, that adds prov4ml-core and fetches the agent jar as the README says. The
 * main build installs prov4ml into a staging local repository and builds that project against it
 * (maven-invoker-plugin, every repository mirrored to the main build's own local repository, so nothing
 * is downloaded); this test reads what that build resolved and runs the application.
 */
class ConsumerBuildTest {

  private static final Path CONSUMER = ForkedApp.TARGET.resolve("it/consumer");
  private static final String VERSION = System.getProperty("prov4ml.it.version");

  @TempDir
  Path work;

  @Test
  void itsDependencyTreeHasNothingOfOursButProv4mlCoreAndKeepsItsOwnJackson() throws IOException {
    List<String> tree = Files.readAllLines(CONSUMER.resolve("target/dependency-tree.txt"));
    List<String> ours = tree.stream().filter(l -> l.contains("org.prov4ml:")).toList();
    assertEquals(1, ours.size(), String.join("\n", tree));
    assertTrue(ours.get(0).endsWith("org.prov4ml:prov4ml-core:jar:" + VERSION + ":compile"), ours.get(0));
    for (String library : List.of("org.tinylog", "com.lmax", "info.picocli", "org.cyclonedx", "com.networknt",
        "jackson-dataformat-xml", "net.bytebuddy")) {
      assertTrue(tree.stream().noneMatch(l -> l.contains(library)), library + " in\n" + String.join("\n", tree));
    }
    assertTrue(tree.stream().anyMatch(l -> l.contains("com.fasterxml.jackson.core:jackson-databind:jar:"
        + System.getProperty("prov4ml.it.consumer-jackson") + ":compile")), String.join("\n", tree));
  }

  @Test
  void withTheListenerItTrainsOnItsOwnLibrariesAndRecordsOneRun() throws Exception {
    Result app = run(List.of(), "--listener");
    assertOwnLibrariesAndProv4mlsLines(app);
    assertOneFinishedRun();
  }

  @Test
  void underTheAgentJarFromTheRepositoryItRecordsOneRun() throws Exception {
    Result app = run(List.of("-javaagent:" + agentJar()));
    assertOwnLibrariesAndProv4mlsLines(app);
    assertOneFinishedRun();
  }

  @Test
  void withTheListenerAndUnderTheAgentOfTheSameVersionItRecordsOneRun() throws Exception {
    Result app = run(List.of("-javaagent:" + agentJar()), "--listener");
    assertOwnLibrariesAndProv4mlsLines(app);
    assertOneFinishedRun();
  }

  private static Path agentJar() {
    Path jar = CONSUMER.resolve("target/agent/prov4ml-agent-" + VERSION + ".jar");
    assertTrue(Files.isRegularFile(jar), jar + " was not fetched");
    return jar;
  }

  private void assertOwnLibrariesAndProv4mlsLines(Result app) {
    assertEquals(0, app.exitCode, app.stderr);
    // Its Jackson is the version its build chose, and its logging is logback, configured by its logback.xml.
    assertTrue(app.stdout.contains("RESULT ") && app.stdout.contains("\"jackson\":\""
        + System.getProperty("prov4ml.it.consumer-jackson") + "\""), app.stdout);
    assertTrue(app.stderr.contains("APP-LOGBACK INFO TrainApp: trained "), app.stderr);
    assertFalse(app.stderr.contains("SLF4J"), app.stderr);
    // prov4ml's own lines, from its private tinylog, which never read the application's tinylog.properties.
    String all = app.stdout + app.stderr;
    assertTrue(all.lines().anyMatch(l -> l.matches("INFO: prov4ml .*run default_0 started.*")), all);
    assertTrue(all.lines().anyMatch(l -> l.matches("INFO: prov4ml: run default_0 FINISHED.*")), all);
    assertFalse(Files.exists(work.resolve("tinylog-was-read.log")), "prov4ml read the app's tinylog.properties");
    assertFalse(all.contains("APP-TINYLOG"), all);
  }

  private void assertOneFinishedRun() throws Exception {
    List<Path> runs;
    try (Stream<Path> dirs = Files.list(work.resolve("prov4ml-runs"))) {
      runs = dirs.filter(d -> !d.getFileName().toString().startsWith(".")).toList(); // not the run index
    }
    assertEquals(1, runs.size(), runs.toString());
    RunDirectory run = RunDirectory.open(runs.get(0));
    assertEquals(RunStatus.FINISHED, run.run().status().orElseThrow());
    assertTrue(run.metric("batch_loss", Context.TRAINING).orElseThrow().pointCount() >= 8, run.metrics().toString());
    assertTrue(run.metric("loss", Context.TRAINING).isPresent(), run.metrics().toString());
  }

  private record Result(int exitCode, String stdout, String stderr) {}

  private Result run(List<String> jvmOptions, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dai.djl.offline=true");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(CONSUMER.resolve("target/classes") + File.pathSeparator + CONSUMER.resolve("target/lib")
        + File.separator + "*");
    command.add("org.example.consumer.TrainApp");
    command.addAll(List.of(args));
    Path out = work.resolve("stdout.txt");
    Path err = work.resolve("stderr.txt");
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("DJL_OFFLINE", "true");
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("the application did not end in 5 minutes:\n" + Files.readString(err));
    }
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }
}
