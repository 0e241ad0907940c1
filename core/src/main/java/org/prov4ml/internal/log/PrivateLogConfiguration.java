package org.prov4ml.internal.log;

import java.util.Map;
import java.util.Properties;
import org.tinylog.configuration.ConfigurationLoader;

/**
 * prov4ml's log configuration, the only one its tinylog reads. In prov4ml-core's jar (and the agent
 * jar) tinylog is relocated, so it is a tinylog of prov4ml's own, beside whatever logging the
 * application has; but it would still look for {@code tinylog.properties} on the class path, which is
 * the application's. This class is registered (META-INF/services, renamed with the relocation) as its
 * configuration loader, so the application's file is never read.
 *
 * <p>One line per message, {@code LEVEL: message}; warnings and errors on stderr, the rest on stdout,
 * as tinylog's console writer does by default. The agent replaces these with its own settings
 * (everything on stderr) before anything logs.
 */
public final class PrivateLogConfiguration implements ConfigurationLoader {

  /** What prov4ml logs as a library: INFO and up, one line each. */
  public static final Map<String, String> SETTINGS = Map.of(
      "writer", "console",
      "writer.level", "info",
      "writer.format", "{level}: {message}",
      // The end-of-run line is logged from a shutdown hook: tinylog must not close its writer first.
      "autoshutdown", "false");

  /** Loaded by tinylog through ServiceLoader. */
  public PrivateLogConfiguration() {}

  @Override
  public Properties load() {
    Properties properties = new Properties();
    properties.putAll(SETTINGS);
    return properties;
  }
}
