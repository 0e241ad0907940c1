package org.prov4ml.internal.agent.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;

class LearningRateProbeTest {

  @Test
  void readsTheTrackerAtTheOptimizersOwnUpdateCount() throws Exception {
    Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.factor().setBaseValue(0.1f).setFactor(0.5f).build())
        .build();
    LearningRateProbe probe = LearningRateProbe.of(sgd);
    assertEquals(0.1f, probe.current());
    Field numUpdate = Optimizer.class.getDeclaredField("numUpdate");
    numUpdate.setAccessible(true);
    numUpdate.setInt(sgd, 2); // what two updates leave behind
    assertEquals(0.025f, probe.current());
  }

  @Test
  void anOptimizerWithoutTrackerHasNoProbe() {
    assertNull(LearningRateProbe.of(Optimizer.adadelta().build()));
    assertNull(LearningRateProbe.of(null));
  }
}
