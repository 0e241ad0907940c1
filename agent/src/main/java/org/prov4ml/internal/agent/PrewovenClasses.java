package org.prov4ml.internal.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import org.prov4ml.internal.config.Prov4mlConfig;

/**
 * DJL's instrumented classes, woven by Byte Buddy when the agent jar is built. Building Byte Buddy's
 * agent inside a JVM costs about 0.7 s of CPU (loading, interpreting and JIT-compiling thousands of
 * its classes), taken from the application's own start-up on a small machine; for the DJL release
 * the agent is built against, with every instrumentation on (the default), the result is the same
 * every time, so it is computed once, here, and shipped under {@link #ROOT}: the woven class file
 * and the SHA-256 of the original it was woven from. No DJL class is ever loaded from the agent jar.
 *
 * <p>A class the application's class path holds with exactly that digest gets the woven bytes.
 * Anything else (another DJL release, a class another agent changed first, a switch turned off)
 * goes through Byte Buddy at run time, as it always could. Byte Buddy's advice weaving depends only
 * on the class file and the advice classes, both fixed in the jar; {@code PrewovenClassesTest}
 * checks that weaving at run time gives the same bytes.
 */
final class PrewovenClasses {

  static final String ROOT = "META-INF/prov4ml/prewoven/";

  private PrewovenClasses() {}

  /**
   * For each instrumented type whose hooks are all enabled and whose class file in {@code loader} is
   * the one woven at build time: that class file and its woven form, by internal name.
   */
  static Map<String, byte[][]> matching(ClassLoader loader, Prov4mlConfig config) throws IOException {
    ClassLoader jar = PrewovenClasses.class.getClassLoader();
    Map<String, byte[][]> woven = new HashMap<>();
    for (String type : DjlHooks.INTERNAL_NAMES) {
      if (DjlHooks.allEnabled(type, config)) {
        byte[] digest = read(jar, ROOT + type + ".sha256");
        byte[] original = read(loader, type + ".class");
        if (digest != null && original != null
            && new String(digest, StandardCharsets.US_ASCII).equals(sha256(original))) {
          woven.put(type, new byte[][] {original, read(jar, ROOT + type + ".woven")});
        }
      }
    }
    return woven;
  }

  static byte[] read(ClassLoader loader, String resource) throws IOException {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * At build time ({@code process-classes}, with DJL on the class path): weaves each instrumented
   * DJL class with every hook on and writes the result and the original's digest under
   * {@code <classes>/}{@link #ROOT}.
   */
  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]).resolve(ROOT);
    Prov4mlConfig defaults = Prov4mlConfig.load(new Properties(), Map.of(), null);
    ClassFileTransformer weaver = DjlInstrumentation.builder(defaults).makeRaw();
    ClassLoader djl = PrewovenClasses.class.getClassLoader();
    for (String type : DjlHooks.INTERNAL_NAMES) {
      byte[] original = read(djl, type + ".class");
      byte[] woven = original == null ? null : weaver.transform(djl, type, null, null, original);
      if (woven == null) {
        throw new IllegalStateException(type + (original == null ? " is not on the class path" : " was not woven"));
      }
      Path file = root.resolve(type);
      Files.createDirectories(file.getParent());
      Files.writeString(file.resolveSibling(file.getFileName() + ".sha256"), sha256(original));
      Files.write(file.resolveSibling(file.getFileName() + ".woven"), woven);
    }
  }
}
