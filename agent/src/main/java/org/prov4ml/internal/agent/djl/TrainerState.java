package org.prov4ml.internal.agent.djl;

import java.util.concurrent.atomic.AtomicBoolean;
import org.prov4ml.Run;

/**
 * What the agent keeps about one DJL {@code Trainer}. It holds no reference to the trainer or its
 * model (they are weak keys of {@link TrainerRegistry}). DJL trains on the thread that calls it, so
 * the plain fields are written by one thread; the hooks only read and bump them.
 */
final class TrainerState {

  final Run run;
  final RunProgress progress;
  /** {@code ""} for the run's first trainer, {@code trainer2.} for the second, ... */
  final String prefix;
  /** With {@code prov4ml.run.per-trainer}: the run was started for this trainer and ends with it. */
  final boolean ownsRun;
  /** The run's epochs before this trainer's first: added to DJL's own epoch numbers. */
  final int epochOffset;
  final boolean batchLoss;
  final int learningRateEvery;
  final LearningRateProbe learningRate;
  /** Without DJL's EvaluatorTrainingListener there are no accumulators to read. */
  final boolean evaluatorListener;

  int epochs;
  long epochStartNanos = System.nanoTime();
  int fitDepth;
  boolean fitParamsRecorded;
  boolean modelRecorded;
  final AtomicBoolean ended = new AtomicBoolean();

  TrainerState(Run run, RunProgress progress, int ordinal, boolean ownsRun, boolean batchLoss,
      int learningRateEvery, LearningRateProbe learningRate, boolean evaluatorListener) {
    this.run = run;
    this.progress = progress;
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
}
