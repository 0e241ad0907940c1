package org.prov4ml.internal.agent.djl;

import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.listener.TrainingListener;
import java.util.function.Consumer;
import org.prov4ml.Context;
import org.prov4ml.internal.agent.AgentFailures;
import org.tinylog.Logger;

/**
 * What the advice on {@code ai.djl.training.Trainer} calls. Every method catches everything: a
 * failure is logged once (then counted) by {@link AgentFailures} and never reaches the application.
 */
public final class TrainerHooks {

  static final String LEARNING_RATE = "learning_rate";

  private TrainerHooks() {}

  /** The trainer is built: join or start the run, record its params. */
  public static void created(Object trainer, Object config) {
    try {
      Trainer t = (Trainer) trainer;
      TrainingConfig c = (TrainingConfig) config;
      TrainerState state = TrainerRegistry.register(t, c);
      if (state == null) {
        return; // no provenance in this JVM
      }
      TrainerParams.record(state.run, TrainerParams.of(t, c, state.prefix));
      if (!state.evaluatorListener && state.batchLoss) {
        Logger.warn("prov4ml agent: the trainer of model '{}' has no EvaluatorTrainingListener, so DJL keeps no "
            + "loss or evaluator values: batch_loss and epoch values are not recorded (learning rates, "
            + "params and models are)", t.getModel().getName());
      }
    } catch (Throwable e) {
      AgentFailures.record("Trainer creation", e);
    }
  }

  /** {@code Trainer.initialize} returned: the model's size and block summary, once per trainer. */
  public static void initialized(Object trainer) {
    try {
      TrainerState state = TrainerRegistry.of(trainer);
      if (state != null && !state.modelRecorded) {
        state.modelRecorded = true;
        state.run.logModel(((Trainer) trainer).getModel(), state.prefix + "model", true, false);
      }
    } catch (Throwable e) {
      AgentFailures.record("Trainer.initialize", e);
    }
  }

  /** One optimizer step: the global step index, and every N steps the learning rate it used. */
  public static void stepped(Object trainer) {
    try {
      TrainerState state = TrainerRegistry.of(trainer);
      if (state == null) {
        return;
      }
      long step = state.progress.nextStep();
      if (state.learningRate != null && step % state.learningRateEvery == 0) {
        state.run.logMetric(LEARNING_RATE, state.learningRate.current(), Context.TRAINING, step, false,
            System.currentTimeMillis());
      }
    } catch (Throwable e) {
      AgentFailures.record("Trainer.step", e);
    }
  }

  /**
   * The application's listeners have had an event: hand it to ours too. DJL's consumer is the
   * event (for instance {@code listener -> listener.onEpoch(trainer)}), so applying it to our
   * listener tells us which event it was without DJL saying so anywhere else.
   */
  @SuppressWarnings("unchecked")
  public static void listenersNotified(Object trainer, Object event) {
    try {
      ((Consumer<TrainingListener>) event).accept(AgentTrainingListener.INSTANCE);
    } catch (Throwable e) {
      // e.g. an application's own consumer that casts each listener to its own type
      AgentFailures.record("Trainer.notifyListeners", e);
    }
  }
}
