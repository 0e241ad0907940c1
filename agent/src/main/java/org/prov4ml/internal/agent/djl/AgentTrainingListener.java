package org.prov4ml.internal.agent.djl;

import ai.djl.training.Trainer;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.util.Map;
import org.prov4ml.Context;
import org.prov4ml.internal.agent.AgentFailures;

/**
 * The agent's own listener. It is never added to a trainer's listener list (that list is the
 * application's config's); {@link TrainerHooks#listenersNotified} hands it each event after the
 * application's listeners, so it reads what DJL's {@code EvaluatorTrainingListener} just computed:
 * no evaluation of its own, no extra device synchronisation. {@code onTrainingBegin} is ignored: it
 * fires inside the trainer's constructor, before the constructor hook registered the trainer.
 */
final class AgentTrainingListener extends TrainingListenerAdapter {

  static final AgentTrainingListener INSTANCE = new AgentTrainingListener();
  static final String BATCH_LOSS = "batch_loss";
  static final String EPOCH_TIME = "epoch_time_ms";

  private AgentTrainingListener() {}

  /** {@code train/all} is the loss of this batch only: DJL resets it at the start of each batch. */
  @Override
  public void onTrainingBatch(Trainer trainer, BatchData batchData) {
    try {
      TrainerState state = TrainerRegistry.of(trainer);
      if (state == null) {
        return;
      }
      long batch = state.progress.nextBatch();
      if (state.batchLoss && state.evaluatorListener) {
        float loss = trainer.getLoss().getAccumulator(EvaluatorTrainingListener.TRAIN_ALL);
        state.run.logMetric(BATCH_LOSS, loss, Context.TRAINING, batch, false, System.currentTimeMillis());
      }
    } catch (Throwable e) {
      AgentFailures.record("batch_loss", e);
    }
  }

  /**
   * {@code EvaluatorTrainingListener.onEpoch} has copied the epoch's values into its latest
   * evaluations and reset its accumulators; {@code getTrainingResult()} returns that copy.
   */
  @Override
  public void onEpoch(Trainer trainer) {
    try {
      TrainerState state = TrainerRegistry.of(trainer);
      if (state == null) {
        return;
      }
      int epoch = state.progress.nextEpoch();
      state.epochs++;
      long now = System.nanoTime();
      double millis = (now - state.epochStartNanos) / 1e6;
      state.epochStartNanos = now;
      long at = System.currentTimeMillis();
      for (Map.Entry<String, Float> value : trainer.getTrainingResult().getEvaluations().entrySet()) {
        recordEvaluation(state, value.getKey(), value.getValue(), epoch, at);
      }
      state.run.logMetric(EPOCH_TIME, millis, Context.TRAINING, epoch, false, at);
    } catch (Throwable e) {
      AgentFailures.record("epoch metrics", e);
    }
  }

  /** {@code train_X} is X in TRAINING, {@code validate_X} X in VALIDATION; NaN means "not measured". */
  private static void recordEvaluation(TrainerState state, String key, Float value, int epoch, long at) {
    if (value == null || value.isNaN()) {
      return;
    }
    if (key.startsWith("train_")) {
      state.run.logMetric(key.substring(6), value, Context.TRAINING, epoch, false, at);
    } else if (key.startsWith("validate_")) {
      state.run.logMetric(key.substring(9), value, Context.VALIDATION, epoch, false, at);
    }
  }

  /** {@code Trainer.close}: the summary; a run of its own (per-trainer runs) ends here. */
  @Override
  public void onTrainingEnd(Trainer trainer) {
    try {
      TrainerState state = TrainerRegistry.of(trainer);
      if (state == null || !state.ended.compareAndSet(false, true)) {
        return;
      }
      TrainerParams.record(state.run, TrainerParams.ofSummary(state.prefix, state.epochs,
          trainer.getTrainingResult()));
      if (state.ownsRun) {
        state.run.close();
      }
    } catch (Throwable e) {
      AgentFailures.record("training summary", e);
    }
  }
}
