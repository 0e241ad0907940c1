package org.prov4ml.internal.agent.djl;

import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.lang.reflect.Field;

/**
 * Reads the learning rate an optimizer used for its latest update, once per {@code Trainer.step()}.
 * DJL's optimizers keep the tracker and the update count private; both fields are looked up once
 * here, so a read is a field read and a call to the tracker, with no allocation.
 *
 * <p>The tracker is asked only for the optimizer's own current count, never a later one: DJL's
 * {@code MultiFactorTracker} advances its state when asked.
 */
final class LearningRateProbe {

  private final Optimizer optimizer;
  private final ParameterTracker tracker;
  private final Field numUpdate;

  private LearningRateProbe(Optimizer optimizer, ParameterTracker tracker, Field numUpdate) {
    this.optimizer = optimizer;
    this.tracker = tracker;
    this.numUpdate = numUpdate;
  }

  /** The probe of an optimizer, or null when it has no learning-rate tracker (Adadelta). */
  static LearningRateProbe of(Optimizer optimizer) {
    if (optimizer == null) {
      return null;
    }
    Object tracker = PrivateFields.read(optimizer, "learningRateTracker");
    Field numUpdate = PrivateFields.find(optimizer.getClass(), "numUpdate");
    return tracker instanceof ParameterTracker t && numUpdate != null
        ? new LearningRateProbe(optimizer, t, numUpdate) : null;
  }

  /**
   * For a trainer whose config the agent never saw: DJL keeps the optimizer at
   * {@code Trainer.parameterStore.parameterServer.optimizer} (a {@code LocalParameterServer}).
   */
  static LearningRateProbe ofTrainer(Trainer trainer) {
    Object store = PrivateFields.read(trainer, "parameterStore");
    Object server = PrivateFields.read(store, "parameterServer");
    return PrivateFields.read(server, "optimizer") instanceof Optimizer o ? of(o) : null;
  }

  /** The learning rate of the optimizer's latest update (its first before any update). */
  float current() throws IllegalAccessException {
    return tracker.getNewValue("", numUpdate.getInt(optimizer));
  }
}
