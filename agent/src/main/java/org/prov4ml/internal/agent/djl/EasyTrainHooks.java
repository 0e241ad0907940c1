package org.prov4ml.internal.agent.djl;

import ai.djl.training.Trainer;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.EvaluatorTrainingListener;
import org.prov4ml.Context;
import org.prov4ml.internal.agent.AgentFailures;

/** What the advice on {@code ai.djl.training.EasyTrain} calls; every failure stays in the agent. */
public final class EasyTrainHooks {

  private EasyTrainHooks() {}

  /** {@code fit} starts: its epochs and data sets (recorded for the trainer's first fit). */
  public static void fitStarted(Object trainer, int epochs, Object train, Object validate) {
    try {
      TrainerState state = TrainerRegistry.of(trainer);
      if (state == null) {
        return;
      }
      state.fitDepth++;
      // An app that calls fit once per epoch does its own work in between: that is not the epoch's time.
      state.epochStartNanos = System.nanoTime();
      if (!state.fitParamsRecorded) {
        state.fitParamsRecorded = true;
        TrainerParams.record(state.run, TrainerParams.ofFit(state.prefix, epochs, train, validate));
      }
    } catch (Throwable e) {
      AgentFailures.record("EasyTrain.fit", e);
    }
  }

  public static void fitEnded(Object trainer) {
    try {
      TrainerState state = TrainerRegistry.of(trainer);
      if (state != null && state.fitDepth > 0) {
        state.fitDepth--;
      }
    } catch (Throwable e) {
      AgentFailures.record("EasyTrain.fit", e);
    }
  }

  /**
   * {@code evaluateDataset} outside {@code fit} is a test: each evaluator's {@code validate/epoch}
   * accumulator (which DJL resets only at {@code onEpoch}) becomes a TESTING metric, at the run's
   * epoch count as step. Inside {@code fit} it is the validation, recorded by the epoch hook.
   */
  public static void evaluated(Object trainer, Object dataset) {
    try {
      TrainerState state = TrainerRegistry.of(trainer);
      if (state == null || dataset == null || state.fitDepth > 0 || !state.evaluatorListener) {
        return;
      }
      Trainer t = (Trainer) trainer;
      long step = state.progress.epochs();
      long at = System.currentTimeMillis();
      for (Evaluator evaluator : t.getEvaluators()) {
        float value = evaluator.getAccumulator(EvaluatorTrainingListener.VALIDATE_EPOCH);
        state.run.logMetric(evaluator.getName(), value, Context.TESTING, step, false, at);
        if (evaluator == t.getLoss()) {
          state.run.logMetric("loss", value, Context.TESTING, step, false, at);
        }
      }
    } catch (Throwable e) {
      AgentFailures.record("EasyTrain.evaluateDataset", e);
    }
  }
}
