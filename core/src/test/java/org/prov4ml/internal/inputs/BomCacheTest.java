package org.prov4ml.internal.inputs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BomCacheTest {

  private static final String BILL = "{\n  \"bomFormat\" : \"CycloneDX\",\n"
      + "  \"serialNumber\" : \"urn:uuid:0b7e1d5c-3f7a-4c43-9d6e-3c1f5d9a2b10\",\n  \"components\" : [ ]\n}";

  @TempDir
  Path dir;

  @Test
  void aClassPathWhoseJarsAreUnchangedGetsItsBillBackWithASerialNumberOfItsOwn() throws IOException {
    BomCache cache = new BomCache(dir.resolve("cache"));
    List<Path> jars = List.of(jar("a.jar", "aaaa"), jar("b.jar", "bbbb"));
    assertEquals(Optional.empty(), BomCache.find(cache.entry(jars).orElseThrow()));
    BomCache.keep(cache.entry(jars).orElseThrow(), BILL);

    String first = BomCache.find(cache.entry(jars).orElseThrow()).orElseThrow();
    String second = BomCache.find(cache.entry(jars).orElseThrow()).orElseThrow();
    assertNotEquals(first, second, "each bill read back has a serial number of its own");
    String rest = BILL.replaceAll("urn:uuid:[0-9a-f-]{36}", "");
    assertEquals(rest, first.replaceAll("urn:uuid:[0-9a-f-]{36}", ""));
    assertTrue(first.matches("(?s).*\"serialNumber\" : \"urn:uuid:[0-9a-f-]{36}\".*"), first);
  }

  @Test
  void aJarRewrittenAtTheSameSizeOrAnotherOrderIsDescribedAnew() throws IOException {
    BomCache cache = new BomCache(dir.resolve("cache"));
    Path a = jar("a.jar", "aaaa");
    Path b = jar("b.jar", "bbbb");
    BomCache.keep(cache.entry(List.of(a, b)).orElseThrow(), BILL);

    assertEquals(Optional.empty(), BomCache.find(cache.entry(List.of(b, a)).orElseThrow()));
    Files.writeString(a, "AAAA");
    Files.setLastModifiedTime(a, FileTime.from(Instant.now().plusSeconds(5)));
    assertEquals(Optional.empty(), BomCache.find(cache.entry(List.of(a, b)).orElseThrow()));
  }

  @Test
  void aMissingJarOrAnUnwritableFolderIsNoBillAndNoFailure() throws IOException {
    Path notAFolder = Files.writeString(dir.resolve("file"), "x");
    BomCache cache = new BomCache(notAFolder.resolve("cache"));
    List<Path> jars = List.of(jar("a.jar", "aaaa"));
    BomCache.keep(cache.entry(jars).orElseThrow(), BILL);
    assertEquals(Optional.empty(), BomCache.find(cache.entry(jars).orElseThrow()));
    assertEquals(Optional.empty(), new BomCache(dir).entry(List.of(dir.resolve("missing.jar"))));
  }

  @Test
  void theFolderIsTheUsersCache() {
    assertEquals(Path.of("/x/prov4ml/bom"), folderOf(Map.of("XDG_CACHE_HOME", "/x")));
    assertEquals(Path.of(System.getProperty("user.home"), ".cache", "prov4ml", "bom"), folderOf(Map.of()));
  }

  private static Path folderOf(Map<String, String> env) {
    BomCache cache = BomCache.of(env).orElseThrow();
    return cache.folder();
  }

  private Path jar(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }
}
