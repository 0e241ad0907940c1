package org.prov4ml.internal.agent;

import org.prov4ml.internal.pipeline.FailureCounts;

/**
 * Failures of the agent's own hooks, which run inside the application's DJL calls. Each hook
 * catches everything and reports it here: the first failure of a place is logged with its stack
 * trace, later ones are only counted, and the application never sees any of them.
 */
public final class AgentFailures {

  private static final FailureCounts COUNTS = new FailureCounts();

  private AgentFailures() {}

  public static void record(String place, Throwable failure) {
    try {
      COUNTS.record("agent " + place, failure);
    } catch (Throwable ignored) {
      // Even the log failed: nothing left to tell, and the application must go on.
    }
  }

  public static FailureCounts counts() {
    return COUNTS;
  }
}
