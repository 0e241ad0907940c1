package org.prov4ml.internal.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AgentArgumentsTest {

  @Test
  void noArgumentMeansNoConfigFile() {
    assertNull(AgentArguments.parse(null).configFile());
    assertNull(AgentArguments.parse(" ").configFile());
  }

  @Test
  void configNamesTheFile() {
    assertEquals(Path.of("/etc/prov4ml.properties"),
        AgentArguments.parse("config=/etc/prov4ml.properties").configFile());
  }

  @Test
  void anythingElseIsRejectedWithTheWayToSetIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AgentArguments.parse("experiment=x"));
    assertTrue(e.getMessage().contains("'experiment=x'") && e.getMessage().contains("system properties"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AgentArguments.parse("config="));
  }
}
