package org.prov4ml.agent;

import java.lang.instrument.Instrumentation;
import org.prov4ml.Prov4ml;
import org.prov4ml.api.Prov4mlVersion;
import org.prov4ml.config.ConfigKeys;
import org.prov4ml.config.Prov4mlConfig;
import org.tinylog.Logger;

/**
 * Starts the agent: its log, its configuration, then the DJL instrumentation. Nothing here touches
 * a DJL class (the instrumentation matches DJL types by name), so the application's class loading
 * is exactly what it would be without the agent until DJL itself is loaded.
 */
public final class AgentInstaller {

  private AgentInstaller() {}

  /** Called reflectively by {@link Premain}. */
  public static void install(String arguments, Instrumentation instrumentation) {
    AgentLog.configure();
    Prov4mlConfig config;
    try {
      config = Prov4mlConfig.load(System.getProperties(), System.getenv(),
          AgentArguments.parse(arguments).configFile());
    } catch (IllegalArgumentException e) {
      Logger.error("prov4ml agent {}: not started, the application runs without provenance: {}",
          Prov4mlVersion.get(), e.getMessage());
      return;
    }
    Prov4ml.configure(config);
    DjlInstrumentation.install(config, instrumentation);
    Runtime.getRuntime().addShutdownHook(new Thread(AgentInstaller::reportHookFailures, "prov4ml-agent-exit"));
    Logger.info("prov4ml agent {}: provenance to {}{}", Prov4mlVersion.get(),
        config.get(ConfigKeys.OUTPUT_DIR).toAbsolutePath().normalize(), mlflowText(config));
  }

  private static String mlflowText(Prov4mlConfig config) {
    String uri = config.get(ConfigKeys.MLFLOW_TRACKING_URI);
    return uri == null ? " (local only)" : " and MLflow at " + uri;
  }

  private static void reportHookFailures() {
    long total = AgentFailures.counts().total();
    if (total > 0) {
      Logger.warn("prov4ml agent: {} hook failures, none reached the application: {}", total,
          AgentFailures.counts().snapshot());
    }
  }
}
