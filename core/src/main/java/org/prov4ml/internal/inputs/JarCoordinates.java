package org.prov4ml.internal.inputs;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURLBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

/**
 * A jar's Maven coordinates, found (most reliable first) from its path in a Maven or Gradle cache,
 * from the {@code META-INF/maven/<group>/<artifact>/pom.properties} a Maven build puts in it, from
 * the {@code META-INF/native-image/<group>/<artifact>/} folder GraalVM's convention puts in it (DJL's
 * jars, built with Gradle, have only that) with the version from its file name or manifest, and
 * last from its file name alone, which gives no group and so no package URL.
 *
 * @param group the group id, or null when unknown
 * @param artifact the artifact id (the file name's stem when nothing better is known)
 * @param version the version, or null
 * @param classifier the classifier ({@code linux-x86_64}), or null
 */
public record JarCoordinates(String group, String artifact, String version, String classifier) {

  private static final Pattern POM_PROPERTIES = Pattern.compile("META-INF/maven/([^/]+)/([^/]+)/pom\\.properties");
  private static final Pattern NATIVE_IMAGE = Pattern.compile("META-INF/native-image/(.+)/([^/]+)/[^/]+");
  /** A version's first word starts with a digit; qualifiers that follow are part of it. */
  private static final Pattern VERSION_WORD = Pattern.compile(
      "\\d.*|(?i)(snapshot|alpha\\d*|beta\\d*|rc\\d*|m\\d+|cr\\d*|final|release|ga|jre|android|incubating)");

  /** The package URL ({@code pkg:maven/<group>/<artifact>@<version>?...}), or null without a group and a version. */
  public String purl() {
    if (group == null || version == null) {
      return null;
    }
    try {
      PackageURLBuilder purl = PackageURLBuilder.aPackageURL().withType("maven").withNamespace(group)
          .withName(artifact).withVersion(version).withQualifier("type", "jar");
      if (classifier != null) {
        purl.withQualifier("classifier", classifier);
      }
      return purl.build().canonicalize();
    } catch (MalformedPackageURLException e) {
      return null;
    }
  }

  public static JarCoordinates of(Path jarPath, JarFile jar) throws IOException {
    String fileName = jarPath.getFileName().toString();
    String stem = fileName.endsWith(".jar") ? fileName.substring(0, fileName.length() - 4) : fileName;
    JarCoordinates fromPath = fromRepositoryPath(jarPath, stem);
    if (fromPath != null) {
      return fromPath;
    }
    JarCoordinates fromPom = fromPomProperties(jar, stem);
    if (fromPom != null) {
      return fromPom;
    }
    String[] parsed = splitFileName(stem);
    String version = parsed[1] != null ? parsed[1] : manifestVersion(jar);
    String group = nativeImageGroup(jar, parsed[0]);
    return new JarCoordinates(group, parsed[0], version, parsed[2]);
  }

  /**
   * {@code .../repository/<group path>/<artifact>/<version>/<artifact>-<version>[-<classifier>].jar}
   * (Maven) or {@code .../files-2.1/<group>/<artifact>/<version>/<hash>/<file>} (Gradle).
   */
  static JarCoordinates fromRepositoryPath(Path jar, String stem) {
    List<String> dirs = new ArrayList<>(); // from the jar's folder upwards
    for (Path p = jar.getParent(); p != null && p.getFileName() != null; p = p.getParent()) {
      dirs.add(p.getFileName().toString());
    }
    if (dirs.size() >= 5 && dirs.get(4).equals("files-2.1")) {
      return coordinates(dirs.get(3), dirs.get(2), dirs.get(1), stem);
    }
    if (dirs.size() >= 3) {
      List<String> group = new ArrayList<>();
      for (int i = 2; i < dirs.size(); i++) {
        if (dirs.get(i).equals("repository")) {
          return group.isEmpty() ? null : coordinates(String.join(".", group), dirs.get(1), dirs.get(0), stem);
        }
        group.add(0, dirs.get(i));
      }
    }
    return null;
  }

  /** The coordinates when the file is named {@code <artifact>-<version>[-<classifier>]}, else null. */
  private static JarCoordinates coordinates(String group, String artifact, String version, String stem) {
    String base = artifact + "-" + version;
    if (!stem.equals(base) && !stem.startsWith(base + "-")) {
      return null;
    }
    return new JarCoordinates(group, artifact, version, stem.length() > base.length()
        ? stem.substring(base.length() + 1) : null);
  }

  private static JarCoordinates fromPomProperties(JarFile jar, String stem) throws IOException {
    List<ZipEntry> poms = jar.stream().filter(e -> POM_PROPERTIES.matcher(e.getName()).matches())
        .map(ZipEntry.class::cast).toList();
    ZipEntry chosen = null;
    for (ZipEntry pom : poms) { // a shaded jar has several: the one its file is named after
      Matcher m = POM_PROPERTIES.matcher(pom.getName());
      if (m.matches() && stem.startsWith(m.group(2) + "-")) {
        chosen = pom;
      }
    }
    if (chosen == null && poms.size() == 1) {
      chosen = poms.get(0);
    }
    if (chosen == null) {
      return null;
    }
    Properties properties = new Properties();
    try (InputStream in = jar.getInputStream(chosen)) {
      properties.load(in);
    }
    String group = properties.getProperty("groupId");
    String artifact = properties.getProperty("artifactId");
    String version = properties.getProperty("version");
    if (group == null || artifact == null || version == null) {
      return null;
    }
    String prefix = artifact + "-" + version + "-";
    return new JarCoordinates(group, artifact, version,
        stem.startsWith(prefix) ? stem.substring(prefix.length()) : null);
  }

  /** The group of {@code META-INF/native-image/<group path>/<artifact>/}, when its artifact begins the file's. */
  private static String nativeImageGroup(JarFile jar, String artifactOfFile) {
    return jar.stream().map(e -> NATIVE_IMAGE.matcher(e.getName()))
        .filter(m -> m.matches() && artifactOfFile.startsWith(m.group(2)))
        .map(m -> m.group(1).replace('/', '.')).findFirst().orElse(null);
  }

  private static String manifestVersion(JarFile jar) throws IOException {
    Manifest manifest = jar.getManifest();
    if (manifest == null) {
      return null;
    }
    Attributes main = manifest.getMainAttributes();
    String version = main.getValue(Attributes.Name.IMPLEMENTATION_VERSION);
    return version != null ? version : main.getValue(Attributes.Name.SPECIFICATION_VERSION);
  }

  /** {@code pytorch-native-cpu-2.7.1-linux-x86_64}: artifact, version (or null), classifier (or null). */
  static String[] splitFileName(String stem) {
    String[] words = stem.split("-");
    int first = -1;
    for (int i = 1; i < words.length; i++) {
      if (!words[i].isEmpty() && Character.isDigit(words[i].charAt(0))) {
        first = i;
        break;
      }
    }
    if (first < 0) {
      return new String[] {stem, null, null};
    }
    int end = first + 1;
    while (end < words.length && VERSION_WORD.matcher(words[end]).matches()) {
      end++;
    }
    String artifact = String.join("-", List.of(words).subList(0, first));
    String version = String.join("-", List.of(words).subList(first, end));
    String classifier = end < words.length ? String.join("-", List.of(words).subList(end, words.length)) : null;
    return new String[] {artifact, version, classifier};
  }

}
