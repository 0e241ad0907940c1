package org.prov4ml.internal.agent;

import java.nio.file.Path;

/**
 * The agent's argument, {@code -javaagent:prov4ml.jar=config=/path/prov4ml.properties}: comma
 * separated {@code name=value} pairs. Only {@code config} is known; everything else is configured
 * through the {@code prov4ml.*} keys.
 *
 * @param configFile the properties file named by {@code config=}, or {@code null}
 */
record AgentArguments(Path configFile) {

  static AgentArguments parse(String text) {
    Path config = null;
    if (text != null && !text.isBlank()) {
      for (String pair : text.split(",")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair.trim() : pair.substring(0, eq).trim();
        if (!name.equals("config") || eq < 0 || pair.substring(eq + 1).isBlank()) {
          throw new IllegalArgumentException("agent argument '" + pair + "' is invalid: expected "
              + "config=/path/prov4ml.properties (other settings are prov4ml.* system properties)");
        }
        config = Path.of(pair.substring(eq + 1).trim());
      }
    }
    return new AgentArguments(config);
  }
}
