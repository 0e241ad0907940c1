package org.prov4ml.it.bench;

import java.lang.instrument.Instrumentation;

/**
 * A Java agent that does nothing: what {@code -javaagent} itself costs a JVM (the instrument module,
 * the agent jar, and the start-up work the JVM can no longer take from its class-data archive),
 * the floor under any agent's overhead. {@link AgentOverhead} measures it beside prov4ml.
 */
public final class NoOpAgent {

  private NoOpAgent() {}

  public static void premain(String arguments, Instrumentation instrumentation) {
    // nothing
  }
}
