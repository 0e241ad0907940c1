package org.prov4ml.internal.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of prov4ml, from the build (Maven filters it into a resource). */
public final class Prov4mlVersion {

  private static final String VERSION = load();

  private Prov4mlVersion() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    Properties p = new Properties();
    try (InputStream in = Prov4mlVersion.class.getResourceAsStream("/org/prov4ml/version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall through to "unknown"
    }
    return p.getProperty("version", "unknown");
  }
}
