package org.prov4ml.internal.agent;

import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.config.Prov4mlVersion;
import org.prov4ml.internal.run.RecordingFailures;
import org.tinylog.Logger;

/**
 * Installs the agent: one class file transformer ({@link DjlTransformer}), which sets the rest up
 * when DJL's first class loads. Nothing here touches a DJL class or Byte Buddy, so the
 * application's class loading is what it would be without the agent until DJL itself is loaded.
 */
public final class AgentInstaller {

  /** The DJL releases the agent is tested with; others of the same shape are instrumented too. */
  static final String SUPPORTED_DJL = "0.33.0 to 0.36.0";

  /**
   * Whether an agent is installed in this JVM. The jar given twice ({@code -javaagent} on the command
   * line and in {@code JAVA_TOOL_OPTIONS}, or attached to a JVM that started with it) loads these
   * classes once, so this sees both: a second transformer would weave DJL twice and record everything
   * twice, and the two set-up threads, each retransforming under its own lock, would deadlock the app.
   */
  private static final AtomicBoolean INSTALLED = new AtomicBoolean();

  private AgentInstaller() {}

  /** At JVM start, before the application's first class. */
  public static void premain(String arguments, Instrumentation instrumentation) {
    AgentArguments parsed = AgentArguments.parse(arguments); // a bad one installs nothing, and says so
    if (alreadyInstalled() || anotherCoreVersion()) {
      return;
    }
    if (parsed.configFile() != null) {
      // So that an application calling the API before DJL loads gets the same configuration.
      System.setProperty("prov4ml.config", parsed.configFile().toString());
    }
    // Retransformable: DJL's Engine loads before the set-up is done and is woven afterwards.
    instrumentation.addTransformer(new DjlTransformer(parsed, instrumentation), true);
  }

  /** Attached to a running JVM: DJL classes loaded already are retransformed. */
  public static void agentmain(String arguments, Instrumentation instrumentation) {
    AgentArguments parsed = AgentArguments.parse(arguments); // a bad one installs nothing, and says so
    if (alreadyInstalled() || anotherCoreVersion()) {
      return;
    }
    instrumentation.addTransformer(new DjlTransformer(parsed, instrumentation), true);
    List<Class<?>> loaded = new ArrayList<>();
    for (Class<?> c : instrumentation.getAllLoadedClasses()) {
      if (DjlTransformer.INSTRUMENTED.contains(c.getName().replace('.', '/'))) {
        loaded.add(c);
      }
    }
    if (!loaded.isEmpty()) {
      try {
        instrumentation.retransformClasses(loaded.toArray(new Class<?>[0]));
      } catch (UnmodifiableClassException | RuntimeException e) {
        RecordingFailures.record("agent retransforming " + loaded, e);
      }
    }
  }

  /**
   * True, said in one line, when the application's class path has a prov4ml-core of another version:
   * the agent jar comes last on the class path, so the agent's classes would link against that core's
   * (the same names), and the two versions would meet inside one run. The application's own prov4ml
   * records as it is configured; this agent does nothing. The same version is one prov4ml, one run.
   */
  private static boolean anotherCoreVersion() {
    String agent = AgentInstaller.class.getPackage().getImplementationVersion(); // the agent jar's manifest
    String core = Prov4mlVersion.get(); // the first org/prov4ml/version.properties on the class path
    if (agent == null || agent.equals(core)) {
      return false;
    }
    System.err.println("prov4ml agent " + agent + ": stands down, the application has prov4ml-core " + core
        + " on its class path, which records as it is configured");
    return true;
  }

  /** True, said in one line, when an agent was installed before: this one does nothing. */
  private static boolean alreadyInstalled() {
    if (INSTALLED.compareAndSet(false, true)) {
      return false;
    }
    System.err.println("prov4ml agent: already installed in this JVM; the second -javaagent (or attach) is ignored");
    return true;
  }

  /**
   * The log first (before anything logs), then the configuration, which the API uses too. A bad
   * value never stops the agent: the configuration's one way for a recording process says each in
   * one line and keeps that key's default, as it does for the API.
   */
  static Prov4mlConfig configure(AgentArguments arguments) {
    AgentLog.configure();
    Path file = arguments.configFile();
    String named = System.getProperty("prov4ml.config");
    if (file == null || (named != null && file.equals(Path.of(named)))) {
      // The JVM's configuration, which the API may have loaded (and reported on) already: read once, said once.
      return Prov4mlConfig.current();
    }
    Prov4mlConfig config = Prov4mlConfig.loadReporting(System.getProperties(), System.getenv(), file);
    Prov4mlConfig.replace(config);
    return config;
  }
}
