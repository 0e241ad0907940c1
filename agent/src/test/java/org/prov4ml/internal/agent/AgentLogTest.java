package org.prov4ml.internal.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class AgentLogTest {

  @Test
  void theAgentsOwnSettingsNotAFileOnTheClassPath() {
    Properties settings = new AgentLog().load();
    assertEquals("console", settings.getProperty("writer"));
    assertEquals("err", settings.getProperty("writer.stream"), "stdout is the application's");
    assertEquals("false", settings.getProperty("autoshutdown"), "the end line is logged from a shutdown hook");
  }
}
