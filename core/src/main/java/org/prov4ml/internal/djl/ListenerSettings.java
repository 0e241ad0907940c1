package org.prov4ml.internal.djl;

import org.prov4ml.RunOptions;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.config.Prov4mlConfig;

/**
 * A training listener's options; a null one takes its configuration key's value when a trainer
 * is registered, so that one listener follows the configuration the JVM has then.
 *
 * @param runOptions the run started when a trainer begins with none active; null: all from the configuration
 * @param batchMetrics {@code batch_loss} every batch ({@code prov4ml.metrics.batch.enabled})
 * @param learningRateEvery {@code learning_rate} every N steps ({@code prov4ml.metrics.lr-every-n-steps})
 * @param runPerTrainer a run of its own per trainer, ended with it ({@code prov4ml.run.per-trainer})
 */
public record ListenerSettings(RunOptions runOptions, Boolean batchMetrics, Integer learningRateEvery,
    Boolean runPerTrainer) {

  public static final ListenerSettings FROM_CONFIGURATION = new ListenerSettings(null, null, null, null);

  boolean batchMetrics(Prov4mlConfig config) {
    return batchMetrics != null ? batchMetrics : config.get(ConfigKeys.BATCH_METRICS);
  }

  int learningRateEvery(Prov4mlConfig config) {
    return learningRateEvery != null ? learningRateEvery : config.get(ConfigKeys.LR_EVERY_N_STEPS);
  }

  boolean runPerTrainer(Prov4mlConfig config) {
    return runPerTrainer != null ? runPerTrainer : config.get(ConfigKeys.RUN_PER_TRAINER);
  }
}
