package org.prov4ml.it;

/** The shared suite with the training listener the apps add themselves, no agent. */
class ListenerRecordingTest extends TrainingRecordingSuite {

  @Override
  RecordingMode mode() {
    return RecordingMode.LISTENER;
  }
}
