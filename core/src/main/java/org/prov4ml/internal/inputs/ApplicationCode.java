package org.prov4ml.internal.inputs;

import static org.prov4ml.internal.format.ProvVocabulary.FILES;
import static org.prov4ml.internal.format.ProvVocabulary.FILE_SIZE;
import static org.prov4ml.internal.format.ProvVocabulary.IDENTIFIER;
import static org.prov4ml.internal.format.ProvVocabulary.MAIN_CLASS;
import static org.prov4ml.internal.format.ProvVocabulary.SHA256;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.prov4ml.internal.format.FileDigests;

/**
 * The application's own code: the jar or classes folder its main class was loaded from, with its
 * SHA-256 (for a folder, {@link FileDigests#sha256OfFileOrDirectory}'s digest over its files).
 *
 * @param mainClass the main class or jar as the launcher was given it
 * @param location the jar or classes folder
 * @param bytes its size (a folder's: its files' total)
 * @param files 1 for a jar, the number of files of a folder
 * @param sha256 its digest
 */
public record ApplicationCode(String mainClass, Path location, long bytes, int files, String sha256) {

  /** The label of the run's entity for it. */
  public static final String LABEL = "application_code";

  /** The jar or folder of this JVM's main class, when the launcher says which it is. */
  public static Optional<Path> locate() {
    String command = System.getProperty("sun.java.command", "").trim();
    if (command.isEmpty()) {
      return Optional.empty();
    }
    String main = command.split("\\s+", 2)[0];
    if (main.endsWith(".jar")) {
      Path jar = Path.of(main).toAbsolutePath().normalize();
      return Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
    }
    try {
      // The main class is running, so this finds it loaded; false: never initialise anything.
      CodeSource source = Class.forName(main, false, ClassLoader.getSystemClassLoader())
          .getProtectionDomain().getCodeSource();
      return source == null || source.getLocation() == null ? Optional.empty()
          : Optional.of(Path.of(source.getLocation().toURI()).toAbsolutePath().normalize());
    } catch (ClassNotFoundException | LinkageError | URISyntaxException | RuntimeException e) {
      return Optional.empty(); // a module launch, a source-file program: no jar or folder to name
    }
  }

  /** Hashes the jar, or every file of the folder. */
  public static ApplicationCode of(String mainClass, Path location) throws IOException {
    if (Files.isDirectory(location)) {
      // Each file read once, for its size and its line of the folder's digest (FileDigests' listing).
      List<Path> files = FileDigests.filesUnder(location);
      List<String> lines = new ArrayList<>(files.size());
      long bytes = 0;
      for (Path file : files) {
        FileDigests.Digest digest = FileDigests.digest(file);
        bytes += digest.bytes();
        lines.add(FileDigests.listingLine(digest.sha256(), FileDigests.relativeName(location, file)));
      }
      return new ApplicationCode(mainClass, location, bytes, files.size(), FileDigests.sha256OfListing(lines));
    }
    FileDigests.Digest digest = FileDigests.digest(location);
    return new ApplicationCode(mainClass, location, digest.bytes(), 1, digest.sha256());
  }

  /** The main class or jar of this JVM, as the launcher was given it. */
  public static String mainClassOfThisJvm() {
    String command = System.getProperty("sun.java.command", "").trim();
    return command.isEmpty() ? "unknown" : command.split("\\s+", 2)[0];
  }

  /** The attributes of its entity. */
  public Map<String, String> attributes() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put(IDENTIFIER, location.toString());
    a.put(MAIN_CLASS, mainClass);
    a.put(FILE_SIZE, Long.toString(bytes));
    if (Files.isDirectory(location)) {
      a.put(FILES, Integer.toString(files));
    }
    a.put(SHA256, sha256);
    return a;
  }
}
