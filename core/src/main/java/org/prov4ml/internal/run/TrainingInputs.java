package org.prov4ml.internal.run;

import ai.djl.engine.Engine;
import ai.djl.training.dataset.Dataset;
import org.prov4ml.Context;
import org.prov4ml.Run;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.config.Prov4mlConfig;

/**
 * What the agent and the training listener record with no code change besides the training's own
 * numbers: the code and the environment when a run's first trainer starts, the data sets of
 * {@code EasyTrain.fit} and {@code evaluateDataset}, and the random seed. One place, so that both
 * record the same names; each call records what it can and leaves failures to its caller, which
 * counts them.
 *
 * <p>The seed: the listener reads what the trainer's engine holds ({@code Engine.getSeed()}, which
 * keeps what {@code setRandomSeed} set) when each trainer begins and ends; the agent also sees each
 * {@code setRandomSeed} made while a run is active, with the run's batch index. A seed set before
 * the run, the usual case, is in the engine when the run's first trainer begins, in both modes.
 */
public final class TrainingInputs {

  public static final String TRAIN_DATASET = "train_dataset";
  public static final String VALIDATION_DATASET = "validation_dataset";
  public static final String TEST_DATASET = "test_dataset";
  public static final String RANDOM_SEED = "random_seed";
  /** {@code random_seed} of a run whose trainers saw no seed set. */
  public static final String NOT_SET = "not set";

  private TrainingInputs() {}

  /**
   * A trainer starts in {@code run}: with {@code prov4ml.code.enabled}, {@code execution_command},
   * the application's code and git's {@code source_code}; with {@code prov4ml.environment.enabled}, the
   * environment of {@code engine} (none without one) and the bill of materials. Each is recorded once
   * per run.
   */
  public static void trainerStarted(Run run, Engine engine, Prov4mlConfig config) {
    if (config.get(ConfigKeys.CODE_ENABLED)) {
      run.logExecutionCommand();
      run.logSourceCode(true);
    }
    if (config.get(ConfigKeys.ENVIRONMENT_ENABLED)) {
      if (engine != null) { // never Engine.getInstance() here: it would load DJL's default engine
        run.logEnvironment(engine);
      }
      run.logBillOfMaterials();
    }
    if (engine != null && engine.getSeed() != null) {
      seedSet(run, engine.getSeed());
    }
  }

  /** {@code EasyTrain.fit}: its training set (TRAINING) and validation set (VALIDATION, when given). */
  public static void fitStarted(Run run, String prefix, Dataset train, Dataset validation) {
    if (train != null) {
      run.logDataset(prefix + TRAIN_DATASET, train, Context.TRAINING);
    }
    if (validation != null) {
      run.logDataset(prefix + VALIDATION_DATASET, validation, Context.VALIDATION);
    }
  }

  /** {@code EasyTrain.evaluateDataset} outside {@code fit}: its data set, TESTING. */
  public static void evaluated(Run run, String prefix, Dataset test) {
    if (test != null) {
      run.logDataset(prefix + TEST_DATASET, test, Context.TESTING);
    }
  }

  /**
   * A seed: param {@code random_seed}; a different seed later in the same run becomes
   * {@code random_seed_2}, {@code random_seed_3}, ... (params are immutable), the same one again
   * records nothing.
   */
  public static void seedSet(Run run, long seed) {
    String value = Long.toString(seed);
    for (int n = 1; n <= 100; n++) {
      try {
        run.logParam(n == 1 ? RANDOM_SEED : RANDOM_SEED + "_" + n, value);
        return;
      } catch (IllegalArgumentException taken) {
        // that name holds another seed (or "not set"): try the next
      }
    }
  }

  /**
   * {@code Engine.setRandomSeed(seed)} while {@code run} is active (the agent only): the seed as
   * {@link #seedSet} names it, and a point of metric {@code random_seed} (TRAINING) at
   * {@code batchIndex}, the index of the run's next training batch, so that a seed set again, or set
   * back, mid-run says from which batch on it held.
   */
  public static void seedSetInRun(Run run, int seed, long batchIndex) {
    seedSet(run, seed);
    run.logMetric(RANDOM_SEED, seed, Context.TRAINING, batchIndex, false, System.currentTimeMillis());
  }

  /** The training ended: {@code random_seed} is {@code not set} unless a seed was recorded. */
  public static void trainingEnded(Run run, Engine engine) {
    Integer seed = engine == null ? null : engine.getSeed();
    if (seed != null) {
      seedSet(run, seed);
      return;
    }
    try {
      run.logParam(RANDOM_SEED, NOT_SET);
    } catch (IllegalArgumentException seeded) {
      // a seed was recorded: nothing to add
    }
  }
}
