package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two builds of one commit give byte-identical artifacts: core and the agent are built again from a
 * copy of the source tree in another folder (another path, another clock), and every artifact the
 * reactor attached to them (jars, sources, javadoc, the CycloneDX bills) is compared with that
 * build's, byte for byte. A provenance tool's own artifacts must be verifiable.
 */
class ReproducibleBuildTest {

  private static final Path ROOT = Path.of(System.getProperty("prov4ml.it.root", "..")).toAbsolutePath().normalize();

  @TempDir
  Path copy;

  @Test
  void coreAndTheAgentBuiltAgainElsewhereAreByteIdentical() throws Exception {
    Map<String, String> reactor = artifacts(ROOT);
    assertTrue(reactor.containsKey("agent/target/prov4ml.jar") && reactor.keySet().stream()
        .anyMatch(k -> k.matches("core/target/prov4ml-core-[^/]*-javadoc\\.jar")), reactor.toString());
    for (String file : List.of("pom.xml", "LICENSE", "NOTICE")) {
      Files.copy(ROOT.resolve(file), copy.resolve(file));
    }
    for (String module : List.of("core", "agent")) {
      Files.createDirectories(copy.resolve(module));
      Files.copy(ROOT.resolve(module).resolve("pom.xml"), copy.resolve(module).resolve("pom.xml"));
      copyTree(ROOT.resolve(module).resolve("src"), copy.resolve(module).resolve("src"));
    }
    // The parent names this module too: its pom must be there for the reactor to read, and is all it reads.
    Files.createDirectories(copy.resolve("integration-tests"));
    Files.copy(ROOT.resolve("integration-tests/pom.xml"), copy.resolve("integration-tests/pom.xml"));
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("prov4ml.it.maven-home")).resolve("bin/mvn").toString(), "-B", "-q",
        "-Dmaven.repo.local=" + System.getProperty("prov4ml.it.maven-repo"), "-pl", "core,agent",
        "-DskipTests", "package"));
    if ("offline=true".equals(System.getProperty("prov4ml.it.maven-offline"))) { // as the outer build runs
      command.add(1, "-o");
    }
    Path log = copy.resolve("build.log");
    Process build = new ProcessBuilder(command).directory(copy.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    assertTrue(build.waitFor(10, TimeUnit.MINUTES), "the second build did not end in 10 minutes");
    assertEquals(0, build.exitValue(), Files.readString(log));

    Map<String, String> again = artifacts(copy);
    assertEquals(reactor, again, "artifacts that differ between the two builds (path -> SHA-256)");
  }

  /** The artifacts core and the agent attach, by path under the tree, with their SHA-256. */
  private static Map<String, String> artifacts(Path tree) throws IOException {
    Map<String, String> digests = new TreeMap<>();
    for (String module : List.of("core", "agent")) {
      try (Stream<Path> files = Files.list(tree.resolve(module).resolve("target"))) {
        for (Path f : files.filter(ReproducibleBuildTest::isArtifact).toList()) {
          digests.put(tree.relativize(f).toString().replace('\\', '/'), sha256(f));
        }
      }
    }
    return digests;
  }

  private static boolean isArtifact(Path f) {
    String name = f.getFileName().toString();
    return (name.startsWith("prov4ml-core-") || name.startsWith("prov4ml-agent-") || name.startsWith("prov4ml.")
        || name.startsWith("prov4ml-sources.") || name.startsWith("prov4ml-javadoc."))
        && (name.endsWith(".jar") || name.endsWith("-cyclonedx.json"));
  }

  private static String sha256(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
