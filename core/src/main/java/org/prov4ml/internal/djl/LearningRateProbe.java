package org.prov4ml.internal.djl;

import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import org.prov4ml.internal.inputs.PrivateFields;
import java.lang.reflect.Field;

/**
 * Reads the learning rate an optimizer applies, once per step. DJL's optimizers keep the tracker
 * and the update counts private; the fields are looked up once here, so a read is two field reads
 * and a call to the tracker, with no allocation.
 *
 * <p>An optimizer's update {@code t} (1 for the first) uses {@code tracker.getNewValue(id, t)}; its
 * {@code numUpdate} is the last {@code t} it used, 0 before any, and the first is
 * {@code beginNumUpdate + 1}. The tracker is asked only for the {@code t} the optimizer itself
 * uses: DJL's {@code MultiFactorTracker} advances its state when asked, monotonically, so asking
 * for the coming update ahead of the optimizer gives it the same value.
 */
final class LearningRateProbe {

  private final Optimizer optimizer;
  private final ParameterTracker tracker;
  private final Field numUpdate;
  private final Field beginNumUpdate;

  private LearningRateProbe(Optimizer optimizer, ParameterTracker tracker, Field numUpdate, Field beginNumUpdate) {
    this.optimizer = optimizer;
    this.tracker = tracker;
    this.numUpdate = numUpdate;
    this.beginNumUpdate = beginNumUpdate;
  }

  /** The probe of an optimizer, or null when it has no learning-rate tracker (Adadelta). */
  static LearningRateProbe of(Optimizer optimizer) {
    if (optimizer == null) {
      return null;
    }
    Object tracker = PrivateFields.read(optimizer, "learningRateTracker");
    Field numUpdate = PrivateFields.find(optimizer.getClass(), "numUpdate");
    Field begin = PrivateFields.find(optimizer.getClass(), "beginNumUpdate");
    return tracker instanceof ParameterTracker t && numUpdate != null && begin != null
        ? new LearningRateProbe(optimizer, t, numUpdate, begin) : null;
  }

  /** The probe of the optimizer a trainer was built with, or null. */
  static LearningRateProbe ofTrainer(Trainer trainer) {
    return of(optimizerOf(trainer));
  }

  /**
   * The optimizer a trainer was built with, or null. The trainer keeps it only at
   * {@code Trainer.parameterStore.parameterServer.optimizer} ({@code LocalParameterServer}, the
   * parameter server of every engine that does not bring its own).
   */
  static Optimizer optimizerOf(Trainer trainer) {
    Object store = PrivateFields.read(trainer, "parameterStore");
    Object server = PrivateFields.read(store, "parameterServer");
    return PrivateFields.read(server, "optimizer") instanceof Optimizer o ? o : null;
  }

  /** Right after {@code Trainer.step()}: the rate of the update the optimizer just made. */
  float applied() throws IllegalAccessException {
    return tracker.getNewValue("", numUpdate.getInt(optimizer));
  }

  /** Before {@code Trainer.step()} (at the batch's end, which DJL signals first): the rate that step applies. */
  float coming() throws IllegalAccessException {
    return tracker.getNewValue("", Math.max(numUpdate.getInt(optimizer), beginNumUpdate.getInt(optimizer)) + 1);
  }
}
