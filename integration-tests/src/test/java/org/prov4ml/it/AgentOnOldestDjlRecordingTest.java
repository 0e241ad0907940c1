package org.prov4ml.it;

/** The shared suite under the agent, on the oldest DJL it supports (0.33.0). */
class AgentOnOldestDjlRecordingTest extends TrainingRecordingSuite {

  @Override
  RecordingMode mode() {
    return RecordingMode.AGENT_ON_OLDEST_DJL;
  }
}
