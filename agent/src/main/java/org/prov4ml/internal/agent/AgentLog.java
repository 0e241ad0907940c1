package org.prov4ml.internal.agent;

import java.util.Map;
import java.util.Properties;
import org.tinylog.configuration.Configuration;
import org.tinylog.configuration.ConfigurationLoader;

/**
 * The agent's own log configuration. In the agent jar tinylog is relocated, so it is a tinylog of
 * its own; but it would still look for {@code tinylog.properties} on the class path, which is the
 * application's. This class is registered (META-INF/services) as its configuration loader, so the
 * application's file is never read, and {@link #configure} replaces whatever the {@code tinylog.*}
 * system properties added, before the first log call freezes the configuration.
 */
public final class AgentLog implements ConfigurationLoader {

  private static final Map<String, String> SETTINGS = Map.of(
      "writer", "console",
      "writer.stream", "err",
      "writer.level", "info",
      "writer.format", "{level}: {message}",
      // Our end-of-run line is logged from a shutdown hook: tinylog must not close its writer first.
      "autoshutdown", "false");

  /** Loaded by tinylog through ServiceLoader. */
  public AgentLog() {}

  @Override
  public Properties load() {
    Properties properties = new Properties();
    properties.putAll(SETTINGS);
    return properties;
  }

  /** Must run before anything logs; later (an agent attached to a running JVM) it is too late and harmless. */
  static void configure() {
    try {
      Configuration.replace(SETTINGS);
    } catch (UnsupportedOperationException alreadyFrozen) {
      // Something logged already: keep the configuration it froze.
    }
  }
}
