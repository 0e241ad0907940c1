package org.prov4ml.djl;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.djl.ListenerSettings;
import org.prov4ml.internal.djl.TrainerEvents;

/**
 * Records a DJL training into prov4ml's active run, the DJL way:
 *
 * <pre>{@code
 * DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
 *     .addTrainingListeners(TrainingListener.Defaults.basic())
 *     .addTrainingListeners(new Prov4mlTrainingListener());
 * }</pre>
 *
 * <p>What it records, under the same names, steps and values as the {@code -javaagent}:
 *
 * <ul>
 *   <li>when the trainer is built: a run if none is active (started with {@link #optRunOptions}, else
 *       from the configuration); the optimizer as {@code Prov4ml.logOptimizer} records it; params
 *       {@code loss}, {@code evaluators}, {@code devices}, {@code initializers}, {@code model_name};
 *       {@code random_seed}, the seed the trainer's engine holds ({@code Engine.getSeed()});
 *   <li>once the model's block is initialised: {@code model_total_params}, {@code model_memory_bytes}
 *       and the artifact {@code model_summary.txt};
 *   <li>every training batch: {@code batch_loss} and {@code learning_rate} (the rate that batch's
 *       optimizer step applies), TRAINING, step = the run's batch index from 0;
 *   <li>every epoch: DJL's {@code train_X} as X in TRAINING, {@code validate_X} as X in VALIDATION,
 *       and {@code epoch_time_ms}, step = the epoch from 1;
 *   <li>when the trainer is closed: {@code epochs_done} and {@code final_<evaluation>}; the engine's
 *       seed again if it differs from those recorded ({@code random_seed_2}, ...), {@code not set}
 *       if it never had one.
 * </ul>
 *
 * <p>It reads the values DJL's {@code EvaluatorTrainingListener} computed, so it must come after
 * DJL's listeners ({@code addTrainingListeners} appends). It uses only DJL's API, so it works with
 * any engine. A second trainer in the same run records its params as {@code trainer2.*} and
 * continues the run's batch and epoch numbers. Like the agent it never throws: a failure is logged
 * once, counted and reported at exit. One instance may serve several trainers; under the agent,
 * a trainer that has this listener is not recorded a second time. What only the agent sees:
 * {@code EasyTrain.fit}'s epochs and data sets, test evaluations, model saves, and each
 * {@code Engine.setRandomSeed} while the training runs (a listener sees only the seed the engine
 * holds when the trainer begins and closes, not one set and set back in between, nor its batch).
 */
public final class Prov4mlTrainingListener implements TrainingListener {

  private volatile ListenerSettings settings = ListenerSettings.FROM_CONFIGURATION;

  /** A listener whose every option comes from the configuration ({@code prov4ml.*} keys). */
  public Prov4mlTrainingListener() {}

  /**
   * The run started when a trainer begins with no run active; by default all from the configuration.
   *
   * @param runOptions what that run is started with
   * @return this listener
   */
  public Prov4mlTrainingListener optRunOptions(RunOptions runOptions) {
    ListenerSettings s = settings;
    settings = new ListenerSettings(runOptions, s.batchMetrics(), s.learningRateEvery(), s.runPerTrainer());
    return this;
  }

  /**
   * Whether to record {@code batch_loss} every batch; default {@code prov4ml.metrics.batch.enabled}.
   *
   * @param batchMetrics {@code false} records no per-batch points
   * @return this listener
   */
  public Prov4mlTrainingListener optBatchMetrics(boolean batchMetrics) {
    ListenerSettings s = settings;
    settings = new ListenerSettings(s.runOptions(), batchMetrics, s.learningRateEvery(), s.runPerTrainer());
    return this;
  }

  /**
   * Records {@code learning_rate} every {@code steps} steps; default
   * {@code prov4ml.metrics.lr-every-n-steps}.
   *
   * @param steps 1 or more
   * @return this listener
   * @throws IllegalArgumentException when {@code steps} is less than 1
   */
  public Prov4mlTrainingListener optLearningRateEvery(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("learning rate every " + steps + " steps: steps must be >= 1");
    }
    ListenerSettings s = settings;
    settings = new ListenerSettings(s.runOptions(), s.batchMetrics(), steps, s.runPerTrainer());
    return this;
  }

  /**
   * Whether each trainer that begins with no run active gets a run of its own, ended when the
   * trainer is closed; default {@code prov4ml.run.per-trainer}.
   *
   * @param runPerTrainer {@code true} for one run per trainer
   * @return this listener
   */
  public Prov4mlTrainingListener optRunPerTrainer(boolean runPerTrainer) {
    ListenerSettings s = settings;
    settings = new ListenerSettings(s.runOptions(), s.batchMetrics(), s.learningRateEvery(), runPerTrainer);
    return this;
  }

  @Override
  public void onTrainingBegin(Trainer trainer) {
    TrainerEvents.began(trainer, this, settings); // catches everything: DJL never sees prov4ml fail
  }

  @Override
  public void onTrainingBatch(Trainer trainer, BatchData batchData) {
    TrainerEvents.batchEnded(trainer, this, settings);
  }

  @Override
  public void onValidationBatch(Trainer trainer, BatchData batchData) {
    // DJL's EvaluatorTrainingListener accumulates the validation; its values are read at the epoch's end.
  }

  @Override
  public void onEpoch(Trainer trainer) {
    TrainerEvents.epochEnded(trainer, this, settings);
  }

  @Override
  public void onTrainingEnd(Trainer trainer) {
    TrainerEvents.trainingEnded(trainer, this, settings);
  }
}
