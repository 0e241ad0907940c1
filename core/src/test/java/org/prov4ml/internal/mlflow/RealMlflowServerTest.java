package org.prov4ml.internal.mlflow;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Prov4ml;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.testing.MlflowRest;
import org.prov4ml.testing.MlflowServer;

/** A test class whose tests share one real MLflow server (started once: it takes a few seconds). */
abstract class RealMlflowServerTest {

  static MlflowServer server;
  static MlflowRest rest;

  @TempDir
  Path out;

  @BeforeAll
  static void startServer() throws Exception {
    server = MlflowServer.start();
    rest = server.rest();
  }

  @AfterAll
  static void stopServer() throws Exception {
    // The tests configured Prov4ml for this server: later test classes must get the JVM's own configuration.
    Prov4mlConfig.replace(Prov4mlConfig.load());
    server.close();
  }

  /** A failed assertion must not leave its run open for the next test (or the JVM's exit hook). */
  @AfterEach
  void endRunLeftOpenByAFailure() {
    Prov4ml.endRun();
  }
}
