package org.prov4ml.internal.djl;

import ai.djl.Model;
import ai.djl.training.Trainer;
import ai.djl.training.listener.EvaluatorTrainingListener;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.run.ActiveRun;
import org.prov4ml.internal.run.HeldModelLoads;
import org.prov4ml.internal.run.RecordedRun;
import org.prov4ml.internal.run.RunProgress;
import org.prov4ml.internal.system.SystemMetricsSampler;
import org.tinylog.Logger;

/**
 * The trainers being recorded, by identity and weakly (DJL's classes do not override equals), so
 * a closed and dropped trainer or model is collected as it would be without prov4ml.
 */
final class TrainerRegistry {

  private static final Map<Object, TrainerState> BY_TRAINER = Collections.synchronizedMap(new WeakHashMap<>());
  private static final Map<Object, TrainerState> BY_MODEL = Collections.synchronizedMap(new WeakHashMap<>());
  /** Trainers that began when no run could be started (an unwritable output directory): never recorded. */
  private static final Map<Object, Boolean> UNRECORDED = Collections.synchronizedMap(new WeakHashMap<>());

  /** The per-batch events' fast path: the trainer seen last, with no map lookup or lock. */
  private static volatile Latest latest;

  private record Latest(Object trainer, TrainerState state) {}

  private TrainerRegistry() {}

  /**
   * The state an event of {@code listener} records into: the trainer's, registered by this event if
   * it is the trainer's first. Null when another listener records the trainer (the agent's, say,
   * when the application added its own too), when the trainer's run has ended, or when no run could
   * be started for it.
   */
  static TrainerState forListener(Trainer trainer, Object listener, ListenerSettings settings) {
    Latest last = latest;
    TrainerState state = last != null && last.trainer == trainer ? last.state : lookup(trainer, listener, settings);
    return state != null && state.owner == listener && state.recording() ? state : null;
  }

  /**
   * The state of a trainer for the agent's own hooks; a trainer no listener has registered yet (one
   * built before the agent was attached) is registered for the agent's listener. Null when its run
   * has ended, or when no run could be started for it.
   */
  static TrainerState of(Trainer trainer, Object agentListener, ListenerSettings settings) {
    Latest last = latest;
    TrainerState state = last != null && last.trainer == trainer ? last.state
        : lookup(trainer, agentListener, settings);
    return state != null && state.recording() ? state : null;
  }

  /** The state of the trainer that trained {@code model} last, or null. */
  static TrainerState ofModel(Model model) {
    return BY_MODEL.get(model);
  }

  private static TrainerState lookup(Trainer trainer, Object listener, ListenerSettings settings) {
    TrainerState state = BY_TRAINER.get(trainer);
    if (state == null) {
      state = register(trainer, listener, settings);
    }
    if (state != null) {
      latest = new Latest(trainer, state);
    }
    return state;
  }

  /**
   * A new trainer: into the active run, or a run started for it; its params recorded. Null when no
   * run can be started (an unwritable output directory, said once by core): the trainer is then
   * never recorded, and its events cost a map lookup.
   */
  private static synchronized TrainerState register(Trainer trainer, Object listener, ListenerSettings settings) {
    TrainerState known = BY_TRAINER.get(trainer);
    if (known != null || UNRECORDED.containsKey(trainer)) {
      return known;
    }
    // What is read of the trainer first: a trainer that cannot be read starts no run.
    Listeners listeners = Listeners.of(trainer, listener);
    LearningRateProbe learningRate = LearningRateProbe.ofTrainer(trainer);
    boolean hadRun = ActiveRun.current() != null;
    RecordedRun run = ActiveRun.implicit(settings.runOptions());
    if (run == null) {
      UNRECORDED.put(trainer, Boolean.TRUE);
      return null;
    }
    Prov4mlConfig config = run.config();
    RunProgress progress = run.trainingProgress();
    int ordinal = progress.joinTrainer();
    if (ordinal == 1 && run.attempt() > 1) {
      TrainerState.continueRecordedProgress(run, progress);
    }
    TrainerState state = new TrainerState(run, progress, listener, ordinal,
        settings.runPerTrainer(config) && !hadRun, settings.batchMetrics(config), settings.learningRateEvery(config),
        learningRate, listeners.evaluator);
    BY_TRAINER.put(trainer, state);
    BY_MODEL.put(trainer.getModel(), state);
    SystemMetricsSampler.startOnce(config.get(ConfigKeys.SYSTEM_METRICS_INTERVAL));
    if (!listeners.evaluator && state.batchLoss) {
      Logger.warn("prov4ml: the trainer of model '{}' has no EvaluatorTrainingListener, so DJL keeps no loss or "
          + "evaluator values: batch_loss and epoch values are not recorded (learning rates, params and models are)",
          trainer.getModel().getName());
    } else if (listeners.evaluatorAfterListener) {
      Logger.warn("prov4ml: the trainer of model '{}' has Prov4mlTrainingListener before DJL's "
          + "EvaluatorTrainingListener, so it reads each batch's and epoch's values before DJL computes them; add it "
          + "after DJL's listeners (TrainingListener.Defaults)", trainer.getModel().getName());
    }
    state.began(trainer);
    // The model's loads before its run (the checkpoint it fine-tunes): this trainer's run records them.
    HeldModelLoads.trainerBegan(run, trainer.getModel(), settings.runPerTrainer(config));
    return state;
  }

  /** What the trainer's listeners are, seen through DJL's own {@code notifyListeners}. */
  private static final class Listeners {
    boolean evaluator;
    boolean evaluatorAfterListener;
    private boolean listenerSeen;

    static Listeners of(Trainer trainer, Object listener) {
      Listeners found = new Listeners();
      trainer.notifyListeners(l -> {
        if (l == listener) {
          found.listenerSeen = true;
        } else if (l instanceof EvaluatorTrainingListener) {
          found.evaluator = true;
          found.evaluatorAfterListener |= found.listenerSeen;
        }
      });
      return found;
    }
  }
}
