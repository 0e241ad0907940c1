package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.prov4ml.internal.format.FileDigests;
import org.prov4ml.rundir.DatasetRecord;
import org.prov4ml.rundir.RunDirectory;

/** What the suite needs to check what a training used: git, CSV files, the bill of materials, verify. */
final class Lineage {

  private Lineage() {}

  static DatasetRecord dataset(RunDirectory run, String id) {
    return run.datasets().stream().filter(d -> d.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no data set " + id + " in " + run.datasets()));
  }

  /** yProv4ML's statistics of a data set, without the rest of its properties. */
  static Map<String, String> stats(DatasetRecord dataset) {
    Map<String, String> stats = new LinkedHashMap<>();
    dataset.properties().forEach((k, v) -> {
      if (k.startsWith("stat_")) {
        stats.put(k, v);
      }
    });
    return stats;
  }

  /** Runs git in {@code dir}, as a user with a name; returns what it printed. */
  static String git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com",
        "-c", "commit.gpgsign=false"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("git", ".out");
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "git " + String.join(" ", args));
      String text = Files.readString(out);
      assertEquals(0, p.exitValue(), "git " + String.join(" ", args) + ": " + text);
      return text;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** {@code x1,x2,y} with y = 2 x1 - x2 + 1, {@code rows} rows. */
  static Path writeCsv(Path file, int rows) throws IOException {
    Files.createDirectories(file.getParent());
    Random random = new Random(1);
    StringBuilder csv = new StringBuilder("x1,x2,y\n");
    for (int i = 0; i < rows; i++) {
      double a = random.nextDouble();
      double b = random.nextDouble();
      csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%.4f%n", a, b, 2 * a - b + 1));
    }
    return Files.writeString(file, csv.toString());
  }

  /** The files of the run directory whose text holds any of {@code secrets}. */
  static List<Path> filesContaining(Path runDir, String... secrets) throws IOException {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(runDir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        for (String secret : secrets) {
          if (text.contains(secret)) {
            found.add(file);
          }
        }
      }
    }
    return found;
  }

  /** {@code sbom.cdx.json} lists the jar of {@code group:artifact:version} with the SHA-256 of the file it names. */
  static void assertBomLists(RunDirectory run, String group, String artifact, String version) throws IOException {
    JsonNode bom = new ObjectMapper().readTree(run.path().resolve("artifacts_GR0/sbom.cdx.json").toFile());
    assertEquals("CycloneDX", bom.path("bomFormat").asText());
    String purl = "pkg:maven/" + group + "/" + artifact + "@" + version + "?type=jar";
    for (JsonNode component : bom.path("components")) {
      if (component.path("purl").asText().equals(purl)) {
        assertEquals(group, component.path("group").asText());
        assertEquals(version, component.path("version").asText());
        Path jar = Path.of(component.path("properties").get(0).path("value").asText());
        assertEquals("SHA-256", component.path("hashes").get(0).path("alg").asText());
        assertEquals(FileDigests.sha256(jar), component.path("hashes").get(0).path("content").asText());
        return;
      }
    }
    throw new AssertionError(purl + " is not in the bill of materials: " + bom.path("components"));
  }

  /** {@code java -jar prov4ml.jar verify <run-dir>}, as a user runs it. */
  static ForkedApp.Result verify(Path work, RunDirectory run) throws IOException, InterruptedException {
    return new ForkedApp(work.resolve("verify")).withoutAgent().runJar(ForkedApp.AGENT_JAR, "verify",
        run.path().toString());
  }
}
