package org.prov4ml.internal.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;

class LearningRateProbeTest {

  private static final Tracker HALVING = Tracker.factor().setBaseValue(0.1f).setFactor(0.5f).build();

  @Test
  void afterAStepReadsTheTrackerAtTheOptimizersOwnUpdateCount() throws Exception {
    Optimizer sgd = Optimizer.sgd().setLearningRateTracker(HALVING).build();
    LearningRateProbe probe = LearningRateProbe.of(sgd);
    set(sgd, "numUpdate", 2); // what two updates leave behind
    assertEquals(HALVING.getNewValue(2), probe.applied());
  }

  @Test
  void beforeAStepReadsTheRateThatStepApplies() throws Exception {
    Optimizer sgd = Optimizer.sgd().setLearningRateTracker(HALVING).build();
    LearningRateProbe probe = LearningRateProbe.of(sgd);
    assertEquals(HALVING.getNewValue(1), probe.coming(), "the first update is t = 1");
    set(sgd, "numUpdate", 2);
    assertEquals(HALVING.getNewValue(3), probe.coming());
    Optimizer resumed = Optimizer.sgd().setLearningRateTracker(HALVING).optBeginNumUpdate(10).build();
    assertEquals(HALVING.getNewValue(11), LearningRateProbe.of(resumed).coming(), "a resumed optimizer's first");
  }

  @Test
  void anOptimizerWithoutTrackerHasNoProbe() {
    assertNull(LearningRateProbe.of(Optimizer.adadelta().build()));
    assertNull(LearningRateProbe.of(null));
  }

  private static void set(Optimizer optimizer, String field, int value) throws Exception {
    Field f = Optimizer.class.getDeclaredField(field);
    f.setAccessible(true);
    f.setInt(optimizer, value);
  }
}
