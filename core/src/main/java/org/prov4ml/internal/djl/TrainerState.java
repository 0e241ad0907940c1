package org.prov4ml.internal.djl;

import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.EvaluatorTrainingListener;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.prov4ml.Context;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.run.RecordedRun;
import org.prov4ml.internal.run.RunProgress;
import org.prov4ml.internal.run.RecordingFailures;
import org.prov4ml.internal.run.TrainingInputs;

/**
 * What is recorded of one DJL {@code Trainer}, and how: each method is one DJL event, recorded
 * into the trainer's run. It holds no reference to the trainer or its model (they are weak keys of
 * {@link TrainerRegistry}). DJL trains on the thread that calls it, so the plain fields are written
 * by one thread. Each metric is recorded on its own, so that one that fails loses no other; the
 * callers catch and count whatever escapes.
 */
final class TrainerState {

  static final String BATCH_LOSS = "batch_loss";
  static final String LEARNING_RATE = "learning_rate";
  static final String EPOCH_TIME = "epoch_time_ms";

  private static final StackWalker STACK = StackWalker.getInstance();

  final RecordedRun run;
  final RunProgress progress;
  /** The listener whose events record this trainer: a second one on the same trainer is ignored. */
  final Object owner;
  /** {@code ""} for the run's first trainer, {@code trainer2.} for the second, ... */
  final String prefix;
  /** A run started for this trainer alone ({@code prov4ml.run.per-trainer}), ended with it. */
  final boolean ownsRun;
  /** The run's epochs before this trainer's first: added to DJL's own epoch numbers. */
  final int epochOffset;
  final boolean batchLoss;
  final int learningRateEvery;
  final LearningRateProbe learningRate;
  /** Without DJL's EvaluatorTrainingListener there are no loss or evaluator values to read. */
  final boolean evaluatorListener;

  private int epochs;
  /** Since the trainer began, as DJL's own EpochTrainingListener counts; the agent restarts it at each {@code fit}. */
  private long epochStartNanos = System.nanoTime();
  private int fitDepth;
  private boolean fitParamsRecorded;
  private boolean modelRecorded;
  private final AtomicBoolean ended = new AtomicBoolean();

  TrainerState(RecordedRun run, RunProgress progress, Object owner, int ordinal, boolean ownsRun, boolean batchLoss,
      int learningRateEvery, LearningRateProbe learningRate, boolean evaluatorListener) {
    this.run = run;
    this.progress = progress;
    this.owner = owner;
    this.prefix = ordinal <= 1 ? "" : "trainer" + ordinal + ".";
    this.ownsRun = ownsRun;
    this.epochOffset = progress.epochs();
    this.batchLoss = batchLoss;
    this.learningRateEvery = learningRateEvery;
    this.learningRate = learningRate;
    this.evaluatorListener = evaluatorListener;
  }

  /** False once the run ended (the app called {@code Prov4ml.endRun()}, or this trainer closed its own run). */
  boolean recording() {
    return !run.isEnded() && !ended.get();
  }

  /** The trainer began: its params, and its model if the block is initialised already (a loaded model). */
  void began(Trainer trainer) {
    TrainerParams.record(run, TrainerParams.of(trainer, prefix));
    recordModelOnce(trainer);
    try {
      TrainingInputs.trainerStarted(run, trainer.getManager().getEngine(), run.config());
    } catch (RuntimeException e) {
      RecordingFailures.record("DJL code and environment", e);
    }
  }

  /**
   * A relaunched run's first trainer: the batch, step and epoch numbers go on from where the earlier attempts'
   * record ends (the last {@code batch_loss} and {@code learning_rate} step, the last epoch), so that no
   * attempt records a batch or an epoch under a number an earlier one used.
   */
  static void continueRecordedProgress(RecordedRun run, RunProgress progress) {
    long lastBatch = Math.max(run.recordedLastStep(BATCH_LOSS, Context.TRAINING),
        run.recordedLastStep(LEARNING_RATE, Context.TRAINING));
    long lastEpoch = run.recordedLastStep(EPOCH_TIME, Context.TRAINING);
    progress.continueFrom(lastBatch + 1, lastBatch + 1, (int) Math.min(Math.max(lastEpoch, 0), Integer.MAX_VALUE));
  }

  /**
   * A training batch ended ({@code onTrainingBatch}, which DJL fires before {@code step()}).
   * {@code train/all} is the loss of this batch only: DJL's EvaluatorTrainingListener resets it at
   * the start of each batch. The learning rate is the one the coming step applies, unless the agent
   * records each step itself.
   */
  void batchEnded(Trainer trainer) {
    long batch = progress.nextBatch();
    long at = System.currentTimeMillis();
    recordModelOnce(trainer);
    if (batchLoss && evaluatorListener) {
      try {
        float loss = trainer.getLoss().getAccumulator(EvaluatorTrainingListener.TRAIN_ALL);
        run.logMetric(BATCH_LOSS, loss, Context.TRAINING, batch, false, at);
      } catch (RuntimeException e) {
        RecordingFailures.record("DJL " + BATCH_LOSS, e);
      }
    }
    if (learningRate != null && !TrainerEvents.stepsObserved() && batch % learningRateEvery == 0) {
      try {
        run.logMetric(LEARNING_RATE, learningRate.coming(), Context.TRAINING, batch, false, at);
      } catch (ReflectiveOperationException | RuntimeException e) {
        RecordingFailures.record("DJL " + LEARNING_RATE, e);
      }
    }
  }

  /** {@code Trainer.step()} returned (the agent only): the learning rate that step applied. */
  void stepped() throws IllegalAccessException {
    long step = progress.nextStep();
    if (learningRate != null && step % learningRateEvery == 0) {
      run.logMetric(LEARNING_RATE, learningRate.applied(), Context.TRAINING, step, false, System.currentTimeMillis());
    }
  }

  /**
   * An epoch ended. DJL's {@code EvaluatorTrainingListener.onEpoch} has copied the epoch's values
   * into its latest evaluations and reset its accumulators; {@code getTrainingResult()} returns that
   * copy: {@code train_X} is X in TRAINING, {@code validate_X} X in VALIDATION, NaN "not measured".
   */
  void epochEnded(Trainer trainer) {
    int epoch = progress.nextEpoch();
    epochs++;
    long now = System.nanoTime();
    double millis = (now - epochStartNanos) / 1e6;
    epochStartNanos = now;
    long at = System.currentTimeMillis();
    recordModelOnce(trainer);
    for (Map.Entry<String, Float> value : trainer.getTrainingResult().getEvaluations().entrySet()) {
      Float v = value.getValue();
      String key = value.getKey();
      if (v == null || v.isNaN()) {
        continue;
      }
      if (key.startsWith("train_")) {
        run.logMetric(key.substring(6), v, Context.TRAINING, epoch, false, at);
      } else if (key.startsWith("validate_")) {
        run.logMetric(key.substring(9), v, Context.VALIDATION, epoch, false, at);
      }
    }
    run.logMetric(EPOCH_TIME, millis, Context.TRAINING, epoch, false, at);
  }

  /** {@code Trainer.close}: the summary; a run of its own ends here. */
  void trainingEnded(Trainer trainer) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    try {
      recordModelOnce(trainer);
      TrainerParams.record(run, TrainerParams.ofSummary(prefix, epochs, trainer.getTrainingResult()));
      try {
        TrainingInputs.trainingEnded(run, trainer.getManager().getEngine());
      } catch (RuntimeException e) {
        RecordingFailures.record("DJL random seed", e);
      }
    } finally {
      if (ownsRun) {
        run.close();
      }
    }
  }

  /** The model's size and block summary, once, as soon as its block is initialised. */
  private void recordModelOnce(Trainer trainer) {
    if (modelRecorded) {
      return;
    }
    Block block = trainer.getModel().getBlock();
    if (block != null && block.isInitialized()) {
      modelRecorded = true;
      try {
        run.logModel(trainer.getModel(), prefix + "model", true, false);
      } catch (RuntimeException e) {
        RecordingFailures.record("DJL model info", e);
      }
    }
  }

  /**
   * {@code EasyTrain.fit} starts (the agent only): its epochs and data sets' sizes from the trainer's
   * first fit, and the data sets as {@code train_dataset} and {@code validation_dataset}.
   */
  void fitStarted(int epochCount, Object train, Object validate) {
    fitDepth++;
    // An app that calls fit once per epoch does its own work in between: that is not the epoch's time.
    epochStartNanos = System.nanoTime();
    if (!fitParamsRecorded) {
      fitParamsRecorded = true;
      TrainerParams.record(run, TrainerParams.ofFit(prefix, epochCount, train, validate));
    }
    try {
      TrainingInputs.fitStarted(run, prefix, train instanceof Dataset t ? t : null,
          validate instanceof Dataset v ? v : null);
    } catch (RuntimeException e) {
      RecordingFailures.record("agent EasyTrain.fit data sets", e);
    }
  }

  void fitEnded() {
    if (fitDepth > 0) {
      fitDepth--;
    }
  }

  /**
   * {@code EasyTrain.evaluateDataset} returned (the agent only). Outside {@code fit} it is a test:
   * each evaluator's {@code validate/epoch} accumulator (which DJL resets only at {@code onEpoch})
   * becomes a TESTING metric, at the run's epoch count as step, and its data set is
   * {@code test_dataset}. Inside {@code fit} it is the validation, recorded at the epoch's end.
   */
  void evaluated(Trainer trainer, Object dataset) {
    if (fitDepth > 0 || insideUnseenFit()) {
      return;
    }
    try {
      TrainingInputs.evaluated(run, prefix, dataset instanceof Dataset d ? d : null);
    } catch (RuntimeException e) {
      RecordingFailures.record("agent EasyTrain.evaluateDataset data set", e);
    }
    if (!evaluatorListener) {
      return;
    }
    long step = progress.epochs();
    long at = System.currentTimeMillis();
    for (Evaluator evaluator : trainer.getEvaluators()) {
      float value = evaluator.getAccumulator(EvaluatorTrainingListener.VALIDATE_EPOCH);
      run.logMetric(evaluator.getName(), value, Context.TESTING, step, false, at);
      if (evaluator == trainer.getLoss()) {
        run.logMetric("loss", value, Context.TESTING, step, false, at);
      }
    }
  }

  /**
   * Whether {@code EasyTrain.fit} is on this thread's stack though its start was not seen: an agent
   * attached while it ran weaves only its later calls, and its validation passes must not pass for
   * tests. Asked only outside a seen {@code fit}, once an evaluation.
   */
  private static boolean insideUnseenFit() {
    return STACK.walk(frames -> frames.anyMatch(
        f -> f.getMethodName().equals("fit") && f.getClassName().equals("ai.djl.training.EasyTrain")));
  }
}
