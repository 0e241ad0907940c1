package org.prov4ml.testing;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.prov4ml.Prov4ml;
import org.prov4ml.internal.config.Prov4mlConfig;

/**
 * For a test class that trains with DJL in the test JVM itself: DJL offline, prov4ml configured with
 * no system metrics sampler (it would keep adding points to later test classes' runs in this JVM)
 * and the given settings, each test's run ended after it, and the configuration put back after the
 * class. Registered as {@code @RegisterExtension static final QuietTrainingJvm JVM = QuietTrainingJvm.with(...)}.
 */
public final class QuietTrainingJvm implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  private final Properties settings = new Properties();

  private QuietTrainingJvm() {
    settings.setProperty("prov4ml.system-metrics.interval", "0");
  }

  /** With these settings besides, as key, value, key, value, ... */
  public static QuietTrainingJvm with(String... keysAndValues) {
    QuietTrainingJvm jvm = new QuietTrainingJvm();
    for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
      jvm.settings.setProperty(keysAndValues[i], keysAndValues[i + 1]);
    }
    return jvm;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    System.setProperty("ai.djl.offline", "true");
    Prov4mlConfig.replace(Prov4mlConfig.load(settings, Map.of(), null));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Prov4ml.endRun();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Prov4mlConfig.replace(Prov4mlConfig.load());
  }
}
