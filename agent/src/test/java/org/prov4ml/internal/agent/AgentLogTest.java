package org.prov4ml.internal.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentLogTest {

  @Test
  void theAgentsOwnSettingsEverythingOnStderr() {
    Map<String, String> settings = AgentLog.SETTINGS;
    assertEquals("console", settings.get("writer"));
    assertEquals("err", settings.get("writer.stream"), "stdout is the application's");
    assertEquals("false", settings.get("autoshutdown"), "the end line is logged from a shutdown hook");
  }
}
