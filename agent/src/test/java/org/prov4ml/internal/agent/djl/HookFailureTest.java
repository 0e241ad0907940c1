package org.prov4ml.internal.agent.djl;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.prov4ml.internal.agent.AgentFailures;

/** Whatever a hook is handed, it returns normally and counts the failure. */
class HookFailureTest {

  @Test
  void hooksGivenWhatTheyDoNotExpectNeverThrow() {
    Object notATrainer = "not a trainer";
    assertDoesNotThrow(() -> {
      TrainerHooks.created(notATrainer, notATrainer);
      TrainerHooks.initialized(notATrainer);
      TrainerHooks.stepped(notATrainer);
      TrainerHooks.listenersNotified(notATrainer, (Consumer<Object>) listener -> {
        throw new ClassCastException("an application's consumer that expects its own listener type");
      });
      EasyTrainHooks.fitStarted(notATrainer, 3, null, null);
      EasyTrainHooks.evaluated(notATrainer, notATrainer);
      ModelSaveHooks.saved(notATrainer, notATrainer, null);
    });
    Map<String, Long> failures = AgentFailures.counts().snapshot();
    for (String place : new String[] {"Trainer creation", "Trainer.initialize", "Trainer.step",
        "Trainer.notifyListeners", "EasyTrain.fit", "EasyTrain.evaluateDataset", "Model.save"}) {
      assertTrue(failures.containsKey("agent " + place), place + " in " + failures);
    }
  }
}
