package org.prov4ml.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ModelFilesTest {

  @Test
  void aVersionsFileIsNamedAsDjlNamesAnEpoch() {
    Path dir = Path.of("models");
    for (long step : new long[] {0, 7, 42, 999, 1000, 9999, 10000, 123456}) {
      // BaseModel.save's own pattern
      String djl = String.format(Locale.ROOT, "%s-%04d.params", "mlp", step);
      assertEquals(dir.resolve(djl), ModelFiles.versionFile(dir, "mlp", step));
    }
  }
}
