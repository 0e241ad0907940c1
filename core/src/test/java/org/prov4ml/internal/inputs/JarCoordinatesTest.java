package org.prov4ml.internal.inputs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarCoordinatesTest {

  @TempDir Path dir;

  @Test
  void fromAMavenOrGradleCachePath() throws Exception {
    Path maven = jar(dir.resolve(".m2/repository/ai/djl/pytorch/pytorch-native-cpu/2.7.1/"
        + "pytorch-native-cpu-2.7.1-linux-x86_64.jar"), Map.of());
    assertEquals(new JarCoordinates("ai.djl.pytorch", "pytorch-native-cpu", "2.7.1", "linux-x86_64"), of(maven));
    assertEquals("pkg:maven/ai.djl.pytorch/pytorch-native-cpu@2.7.1?classifier=linux-x86_64&type=jar",
        of(maven).purl());
    Path gradle = jar(dir.resolve("caches/modules-2/files-2.1/com.google.guava/guava/31.1-jre/0a1b2c/"
        + "guava-31.1-jre.jar"), Map.of());
    assertEquals(new JarCoordinates("com.google.guava", "guava", "31.1-jre", null), of(gradle));
  }

  @Test
  void fromPomPropertiesThenNativeImageFoldersThenTheFileName() throws Exception {
    Path pom = jar(dir.resolve("lib/slf4j-api-2.0.17.jar"), Map.of("META-INF/maven/org.slf4j/slf4j-api/pom.properties",
        "groupId=org.slf4j\nartifactId=slf4j-api\nversion=2.0.17\n"));
    assertEquals("pkg:maven/org.slf4j/slf4j-api@2.0.17?type=jar", of(pom).purl());
    // DJL's own jars (built with Gradle) have only GraalVM's native-image folder.
    Path djl = jar(dir.resolve("lib/api-0.36.0.jar"),
        Map.of("META-INF/native-image/ai/djl/api/reflect-config.json", "[]"));
    assertEquals(new JarCoordinates("ai.djl", "api", "0.36.0", null), of(djl));
    Path plain = jar(dir.resolve("lib/tool.jar"), Map.of());
    assertEquals(new JarCoordinates(null, "tool", "9.9", null), of(plain)); // the manifest's version
    assertEquals(null, of(plain).purl());
  }

  @Test
  void splitsFileNamesIntoArtifactVersionAndClassifier() {
    assertArrayEquals(new String[] {"pytorch-jni", "2.7.1-0.36.0", null},
        JarCoordinates.splitFileName("pytorch-jni-2.7.1-0.36.0"));
    assertArrayEquals(new String[] {"app", "1.0-SNAPSHOT", "tests"},
        JarCoordinates.splitFileName("app-1.0-SNAPSHOT-tests"));
    assertArrayEquals(new String[] {"launcher", null, null}, JarCoordinates.splitFileName("launcher"));
  }

  private static JarCoordinates of(Path jar) throws Exception {
    try (JarFile file = new JarFile(jar.toFile())) {
      return JarCoordinates.of(jar, file);
    }
  }

  private static Path jar(Path path, Map<String, String> entries) throws Exception {
    Files.createDirectories(path.getParent());
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, "9.9");
    try (OutputStream file = Files.newOutputStream(path); JarOutputStream jar = new JarOutputStream(file, manifest)) {
      for (var e : entries.entrySet()) {
        jar.putNextEntry(new ZipEntry(e.getKey()));
        jar.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        jar.closeEntry();
      }
    }
    return path;
  }
}
