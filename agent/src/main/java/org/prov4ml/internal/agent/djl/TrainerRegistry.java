package org.prov4ml.internal.agent.djl;

import ai.djl.Model;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.listener.EvaluatorTrainingListener;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.internal.agent.system.SystemMetricsSampler;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.config.Prov4mlConfig;

/**
 * The trainers the agent records, by identity and weakly (DJL's classes do not override equals),
 * so a closed and dropped trainer or model is collected as it would be without the agent.
 */
final class TrainerRegistry {

  private static final Map<Object, TrainerState> BY_TRAINER = Collections.synchronizedMap(new WeakHashMap<>());
  private static final Map<Object, TrainerState> BY_MODEL = Collections.synchronizedMap(new WeakHashMap<>());
  private static final Map<Run, RunProgress> BY_RUN = Collections.synchronizedMap(new WeakHashMap<>());

  /** The per-batch hooks' fast path: the trainer seen last, with no map lookup or lock. */
  private static volatile Latest latest;

  private record Latest(Object trainer, TrainerState state) {}

  private TrainerRegistry() {}

  /**
   * Registers a new trainer: into the active run, or a run started for it. {@code config} is null
   * for a trainer the constructor hook did not see (an agent attached late, or the hook switched off).
   * Null when no run can be started (an unwritable output directory, said once by core): the
   * trainer is then not recorded, and its hooks do nothing.
   */
  static TrainerState register(Trainer trainer, TrainingConfig config) {
    Prov4mlConfig settings = Prov4ml.config();
    boolean hadRun = Prov4ml.activeRun().isPresent();
    Run run = Prov4ml.activeOrImplicitRun().orElse(null);
    if (run == null) {
      return null;
    }
    RunProgress progress = BY_RUN.computeIfAbsent(run, r -> new RunProgress());
    LearningRateProbe lr = config != null ? LearningRateProbe.of(config.getOptimizer())
        : LearningRateProbe.ofTrainer(trainer);
    boolean evaluatorListener = config == null
        || config.getTrainingListeners().stream().anyMatch(l -> l instanceof EvaluatorTrainingListener);
    TrainerState state = new TrainerState(run, progress, progress.joinTrainer(),
        settings.get(ConfigKeys.RUN_PER_TRAINER) && !hadRun, settings.get(ConfigKeys.BATCH_METRICS),
        settings.get(ConfigKeys.LR_EVERY_N_STEPS), lr, evaluatorListener);
    BY_TRAINER.put(trainer, state);
    BY_MODEL.put(trainer.getModel(), state);
    latest = new Latest(trainer, state);
    SystemMetricsSampler.startOnce(settings.get(ConfigKeys.SYSTEM_METRICS_INTERVAL));
    return state;
  }

  /** The state of a trainer, registering one the constructor hook missed; null when it cannot record. */
  static TrainerState of(Object trainer) {
    Latest last = latest;
    TrainerState state = last != null && last.trainer == trainer ? last.state : lookup(trainer);
    return state != null && state.recording() ? state : null;
  }

  private static TrainerState lookup(Object trainer) {
    TrainerState state = BY_TRAINER.get(trainer);
    if (state == null) {
      state = register((Trainer) trainer, null);
    }
    latest = new Latest(trainer, state);
    return state;
  }

  /** The state of the trainer that trained {@code model} last, or null. */
  static TrainerState ofModel(Model model) {
    return BY_MODEL.get(model);
  }
}
