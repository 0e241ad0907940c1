package org.prov4ml.internal.agent;

import java.util.Map;
import org.tinylog.configuration.Configuration;

/**
 * The agent's own log configuration. tinylog is prov4ml's own (relocated) and reads only
 * prov4ml-core's PrivateLogConfiguration, never the application's {@code tinylog.properties}; the
 * agent puts every line on stderr (stdout is the application's), and {@link #configure} replaces
 * whatever the {@code tinylog.*} system properties added, before the first log call freezes the
 * configuration.
 */
final class AgentLog {

  static final Map<String, String> SETTINGS = Map.of(
      "writer", "console",
      "writer.stream", "err",
      "writer.level", "info",
      "writer.format", "{level}: {message}",
      // Our end-of-run line is logged from a shutdown hook: tinylog must not close its writer first.
      "autoshutdown", "false");

  private AgentLog() {}

  /** Must run before anything logs; later (an agent attached to a running JVM) it is too late and harmless. */
  static void configure() {
    try {
      Configuration.replace(SETTINGS);
    } catch (UnsupportedOperationException alreadyFrozen) {
      // Something logged already: keep the configuration it froze.
    }
  }
}
