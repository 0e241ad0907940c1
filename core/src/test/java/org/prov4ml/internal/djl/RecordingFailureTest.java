package org.prov4ml.internal.djl;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.prov4ml.djl.Prov4mlTrainingListener;
import org.prov4ml.internal.run.RecordingFailures;

/** Whatever the listener or an agent hook is handed, it returns normally and counts the failure. */
class RecordingFailureTest {

  @Test
  void eventsWithWhatTheyDoNotExpectNeverThrow() {
    Object notATrainer = "not a trainer";
    Prov4mlTrainingListener listener = new Prov4mlTrainingListener();
    assertDoesNotThrow(() -> {
      listener.onTrainingBegin(null);
      listener.onTrainingBatch(null, null);
      listener.onEpoch(null);
      listener.onTrainingEnd(null);
      TrainerEvents.listenersNotified((Consumer<Object>) l -> {
        throw new ClassCastException("an application's consumer that expects its own listener type");
      });
      TrainerEvents.stepped(notATrainer);
      TrainerEvents.fitStarted(notATrainer, 3, null, null);
      TrainerEvents.fitEnded(notATrainer);
      TrainerEvents.evaluated(notATrainer, notATrainer);
      TrainerEvents.modelSaved(notATrainer, notATrainer, null, null);
    });
    Map<String, Long> failures = RecordingFailures.counts().snapshot();
    for (String place : new String[] {"DJL training begin", "DJL training batch", "DJL epoch metrics",
        "DJL training summary", "agent Trainer.notifyListeners", "agent Trainer.step", "agent EasyTrain.fit",
        "agent EasyTrain.evaluateDataset", "agent Model.save"}) {
      assertTrue(failures.containsKey(place), place + " in " + failures);
    }
  }
}
