package org.prov4ml.internal.mlflow;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Prov4ml;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.testing.MlflowEmulator;

/**
 * What the tests against the in-JVM {@link MlflowEmulator} share: a fresh emulator and output folder
 * for each test, and after it no active run, the configuration as loaded, and the emulator stopped.
 */
abstract class EmulatedMlflowTest {

  @TempDir Path out;
  MlflowEmulator mlflow;

  @BeforeEach
  void startEmulator() throws Exception {
    mlflow = new MlflowEmulator();
  }

  @AfterEach
  void endRunAndStopEmulator() {
    Prov4ml.endRun();
    Prov4mlConfig.replace(Prov4mlConfig.load());
    mlflow.close();
  }
}
