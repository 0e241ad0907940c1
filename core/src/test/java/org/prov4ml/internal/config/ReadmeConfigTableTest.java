package org.prov4ml.internal.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README documents every configuration key, so the table cannot fall behind the code. */
class ReadmeConfigTableTest {

  @Test
  void everyKeyHasARow() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      assertTrue(readme.contains("| `" + key.name() + "` |"), "README has no row for " + key.name());
    }
    assertTrue(readme.contains("| `prov4ml.instrument.<name>.enabled` |"));
  }
}
