package org.prov4ml.internal.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.function.Supplier;
import org.prov4ml.Prov4ml;
import org.prov4ml.internal.run.Prov4mlVersion;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.tinylog.Logger;

/**
 * Starts the agent: its log, its configuration, then the DJL instrumentation. Nothing here touches
 * a DJL class (the instrumentation matches DJL types by name), so the application's class loading
 * is exactly what it would be without the agent until DJL itself is loaded.
 */
public final class AgentInstaller {

  private AgentInstaller() {}

  /**
   * At JVM start: only what must precede the application's first class is done on the caller's
   * thread (a few ms); the rest is set up on a daemon thread, see {@link DeferredTransformer}.
   */
  public static void premain(String arguments, Instrumentation instrumentation) {
    AgentArguments parsed = AgentArguments.parse(arguments);
    if (parsed.configFile() != null) {
      // So that an application calling the API before the installer thread ran gets the same
      // configuration. A literal, not ConfigKeys.CONFIG_FILE: initialising ConfigKeys here would cost
      // the JVM's first lambda bootstrap on the application's time.
      System.setProperty("prov4ml.config", parsed.configFile().toString());
    }
    DeferredTransformer gate = new DeferredTransformer();
    instrumentation.addTransformer(gate, true);
    Thread installer = new Thread(new Runnable() { // not a lambda, for the same reason
      @Override
      public void run() {
        install(gate, parsed, instrumentation);
      }
    }, "prov4ml-agent-installer");
    installer.setDaemon(true); // a short JVM must not wait for us
    installer.start();
  }

  /** Attached to a running JVM: installed at once, already loaded DJL classes retransformed. */
  public static void agentmain(String arguments, Instrumentation instrumentation) {
    Prov4mlConfig config = configure(AgentArguments.parse(arguments));
    if (config != null) {
      DjlInstrumentation.builder(config).installOn(instrumentation);
      started(config);
    }
  }

  /**
   * On the installer thread: the instrumentation behind the gate (the woven classes shipped in the
   * jar when they match the application's DJL, else Byte Buddy with the classes the application may
   * be waiting for transformed first); everything else (the start line, BaseModel's retransformation,
   * warming up the recording path) comes after the gate opened.
   */
  private static void install(DeferredTransformer gate, AgentArguments arguments, Instrumentation instrumentation) {
    ClassFileTransformer live = null;
    Supplier<ClassFileTransformer> liveFactory = null;
    Prov4mlConfig config = null;
    try {
      config = configure(arguments);
      if (config != null) {
        Prov4mlConfig configured = config;
        // Raw: the gate is the one registered transformer, and nothing it gates is loaded yet.
        liveFactory = () -> DjlInstrumentation.builder(configured).makeRaw();
        ClassLoader appLoader = ClassLoader.getSystemClassLoader();
        gate.addWoven(PrewovenClasses.matching(appLoader, config));
        if (!gate.coversAll()) {
          live = liveFactory.get();
          for (String type : DjlHooks.WAIT_FOR) {
            gate.prepare(live, appLoader, type);
          }
        }
      }
    } catch (Throwable t) {
      AgentFailures.record("installing the instrumentation", t);
      config = null;
      live = null;
      liveFactory = null;
    } finally {
      gate.ready(live, liveFactory);
    }
    if (config == null) {
      return;
    }
    try {
      started(config);
      gate.retransformMissed(instrumentation);
      RecordingWarmUp.run();
    } catch (Throwable t) {
      AgentFailures.record("after installing the instrumentation", t);
    }
  }

  /** The log first (before anything logs), then the configuration; null when it is invalid. */
  private static Prov4mlConfig configure(AgentArguments arguments) {
    AgentLog.configure();
    try {
      Prov4mlConfig config = Prov4mlConfig.load(System.getProperties(), System.getenv(), arguments.configFile());
      Prov4ml.configure(config);
      return config;
    } catch (IllegalArgumentException e) {
      Logger.error("prov4ml agent {}: not started, the application runs without provenance: {}",
          Prov4mlVersion.get(), e.getMessage());
      return null;
    }
  }

  private static void started(Prov4mlConfig config) {
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(AgentInstaller::reportHookFailures, "prov4ml-agent-exit"));
    } catch (IllegalStateException exiting) {
      return; // the application was done before the agent was ready: nothing was recorded
    }
    // Debug only: the run's own start line (version, run directory, MLflow run page) is the one a user sees.
    String uri = config.get(ConfigKeys.MLFLOW_TRACKING_URI);
    Logger.debug("prov4ml agent {}: provenance to {}{}", Prov4mlVersion.get(),
        config.get(ConfigKeys.OUTPUT_DIR).toAbsolutePath().normalize(),
        uri == null ? " (local only)" : " and MLflow at " + uri);
  }

  private static void reportHookFailures() {
    long total = AgentFailures.counts().total();
    if (total > 0) {
      Logger.warn("prov4ml agent: {} hook failures, none reached the application: {}", total,
          AgentFailures.counts().snapshot());
    }
  }
}
