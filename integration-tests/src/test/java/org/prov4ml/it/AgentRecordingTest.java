package org.prov4ml.it;

/** The shared suite under the agent, on the DJL of the build. */
class AgentRecordingTest extends TrainingRecordingSuite {

  @Override
  RecordingMode mode() {
    return RecordingMode.AGENT;
  }
}
