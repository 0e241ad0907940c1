package org.prov4ml.internal.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry point ({@code Premain-Class} and {@code Agent-Class}). It does as little as
 * possible: the rest of the agent (Byte Buddy, the configuration, the log) is loaded reflectively, so
 * that whatever goes wrong there (a bad configuration, a linkage error) is caught here and printed
 * once, and the application starts anyway, without provenance.
 */
public final class Premain {

  private static final String INSTALLER = "org.prov4ml.internal.agent.AgentInstaller";

  private Premain() {}

  /** {@code java -javaagent:prov4ml.jar[=config=/path/prov4ml.properties] ...}. */
  public static void premain(String arguments, Instrumentation instrumentation) {
    start("premain", arguments, instrumentation);
  }

  /** Attached to a running JVM: already loaded DJL classes are retransformed. */
  public static void agentmain(String arguments, Instrumentation instrumentation) {
    start("agentmain", arguments, instrumentation);
  }

  private static void start(String method, String arguments, Instrumentation instrumentation) {
    try {
      Class.forName(INSTALLER, true, Premain.class.getClassLoader())
          .getMethod(method, String.class, Instrumentation.class)
          .invoke(null, arguments, instrumentation);
    } catch (Throwable t) {
      Throwable cause = t instanceof java.lang.reflect.InvocationTargetException ? t.getCause() : t;
      // A bad argument is the user's input: its message says what and why. Anything else is ours,
      // and its class (a LinkageError, say) is part of what went wrong.
      Object what = cause instanceof IllegalArgumentException && cause.getMessage() != null ? cause.getMessage() : cause;
      System.err.println("prov4ml agent: not started, the application runs without provenance: " + what);
    }
  }
}
