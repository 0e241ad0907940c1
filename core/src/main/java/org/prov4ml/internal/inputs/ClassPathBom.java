package org.prov4ml.internal.inputs;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;
import org.prov4ml.internal.format.FileDigests;

/**
 * A CycloneDX bill of materials of the class path: every jar a component with its name, version,
 * package URL ({@link JarCoordinates}) and SHA-256. The class path is the launcher's
 * {@code java.class.path} with the {@code Class-Path} of each jar's manifest followed, as the JVM
 * follows it for {@code java -jar app.jar}; folders of classes are not components (the application's
 * own folder is recorded as its code).
 */
public final class ClassPathBom {

  /** The artifact's file name in the run's artifacts folder. */
  public static final String FILE_NAME = "sbom.cdx.json";

  /** One jar of the class path. */
  public record Jar(Path path, JarCoordinates coordinates, long bytes, String sha256) {}

  private ClassPathBom() {}

  /** The jars of {@code classPath} (a {@code java.class.path} value) and those their manifests add. */
  public static List<Path> jarsOf(String classPath) {
    Set<Path> jars = new LinkedHashSet<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        addJar(Path.of(entry).toAbsolutePath().normalize(), jars);
      }
    }
    return List.copyOf(jars);
  }

  private static void addJar(Path path, Set<Path> jars) {
    if (!Files.isRegularFile(path) || !jars.add(path)) {
      return;
    }
    try (JarFile jar = new JarFile(path.toFile(), false)) {
      Manifest manifest = jar.getManifest();
      String classPath = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      if (classPath != null) {
        for (String relative : classPath.trim().split("\\s+")) {
          try {
            Path next = path.getParent().resolve(java.net.URLDecoder.decode(relative, StandardCharsets.UTF_8));
            addJar(next.normalize(), jars);
          } catch (RuntimeException malformed) {
            // an entry the JVM would skip too
          }
        }
      }
    } catch (IOException notAJar) {
      jars.remove(path); // the JVM ignores class path entries that are not jars; so do we
    }
  }

  /** Reads a jar's coordinates and hashes it. */
  public static Jar describe(Path path) throws IOException {
    JarCoordinates coordinates;
    try (JarFile jar = new JarFile(path.toFile(), false)) {
      coordinates = JarCoordinates.of(path, jar);
    }
    FileDigests.Digest digest = FileDigests.digest(path);
    return new Jar(path, coordinates, digest.bytes(), digest.sha256());
  }

  /**
   * The bill of materials of {@code classPath} (a {@code java.class.path} value) as CycloneDX 1.6
   * JSON: an earlier run's, where every jar is as it was then ({@link BomCache}), else built.
   */
  public static String jsonOf(String classPath, Map<String, String> env) throws IOException, GeneratorException {
    List<Path> paths = jarsOf(classPath);
    Optional<Path> entry = BomCache.of(env).flatMap(cache -> cache.entry(paths));
    Optional<String> earlier = entry.flatMap(BomCache::find);
    if (earlier.isPresent()) {
      return earlier.get();
    }
    List<Jar> jars = new ArrayList<>();
    for (Path jar : paths) {
      jars.add(describe(jar));
    }
    String json = json(jars);
    entry.ifPresent(e -> BomCache.keep(e, json));
    return json;
  }

  /** The bill of materials as CycloneDX 1.6 JSON. */
  public static String json(List<Jar> jars) throws GeneratorException {
    Bom bom = new Bom();
    bom.setSerialNumber("urn:uuid:" + UUID.randomUUID());
    Metadata metadata = new Metadata();
    bom.setMetadata(metadata);
    List<Component> components = new ArrayList<>();
    Set<String> refs = new LinkedHashSet<>();
    for (Jar jar : jars) {
      JarCoordinates c = jar.coordinates();
      Component component = new Component();
      component.setType(Component.Type.LIBRARY);
      if (c.group() != null) {
        component.setGroup(c.group());
      }
      component.setName(c.artifact());
      if (c.version() != null) {
        component.setVersion(c.version());
      }
      String purl = c.purl();
      if (purl != null) {
        component.setPurl(purl);
      }
      // bom-refs must be unique: the same artifact twice on a class path keeps its path as its ref.
      String ref = purl != null && refs.add(purl) ? purl : jar.path().toString();
      refs.add(ref);
      component.setBomRef(ref);
      component.setHashes(List.of(new Hash(Hash.Algorithm.SHA_256, jar.sha256())));
      Property file = new Property();
      file.setName("prov4ml:file");
      file.setValue(jar.path().toString());
      component.setProperties(List.of(file));
      components.add(component);
    }
    bom.setComponents(components);
    return BomGeneratorFactory.createJson(Version.VERSION_16, bom).toJsonString();
  }
}
