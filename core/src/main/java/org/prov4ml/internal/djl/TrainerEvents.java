package org.prov4ml.internal.djl;

import ai.djl.Model;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListener.BatchData;
import ai.djl.util.Utils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.prov4ml.Context;
import org.prov4ml.Run;
import org.prov4ml.internal.format.ArgumentChecks;
import org.prov4ml.internal.run.ModelFiles;
import org.prov4ml.internal.run.ModelVersionLinks;
import org.prov4ml.internal.run.ActiveRun;
import org.prov4ml.internal.run.RecordedRun;
import org.prov4ml.internal.run.TrainingInputs;
import org.prov4ml.internal.run.RecordingFailures;

/**
 * The DJL events prov4ml records, from its two observers: the training listener's events
 * (the application's {@code Prov4mlTrainingListener}, or the agent's {@link AgentListener}) and the agent's advice, which sees
 * the calls a listener cannot and delivers DJL's listener events to the agent's own listener. The
 * advice's arguments are typed {@code Object}, as it hands them over; each of its methods catches
 * everything, counts it in {@link RecordingFailures}, and returns normally.
 */
public final class TrainerEvents {

  /**
   * The listener the agent adds to every trainer, recording with the configuration's settings. In a
   * holder: {@link #observeSteps} runs while DJL's {@code Trainer} is being transformed, when
   * nothing that loads a DJL class (the listener implements DJL's interface) should run.
   */
  private static final class AgentListener implements TrainingListener {
    static final AgentListener INSTANCE = new AgentListener();

    @Override
    public void onTrainingBegin(Trainer trainer) {
      began(trainer, this, ListenerSettings.FROM_CONFIGURATION);
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
      batchEnded(trainer, this, ListenerSettings.FROM_CONFIGURATION);
    }

    @Override
    public void onValidationBatch(Trainer trainer, BatchData batchData) {
      // DJL's EvaluatorTrainingListener accumulates the validation; its values are read at the epoch's end.
    }

    @Override
    public void onEpoch(Trainer trainer) {
      epochEnded(trainer, this, ListenerSettings.FROM_CONFIGURATION);
    }

    @Override
    public void onTrainingEnd(Trainer trainer) {
      trainingEnded(trainer, this, ListenerSettings.FROM_CONFIGURATION);
    }
  }

  /** The model property DJL's {@code BaseModel.save} numbers its file with. */
  private static final String EPOCH_PROPERTY = "Epoch";

  /** Set once the agent has instrumented {@code Trainer.step()}: then it, not the listener, records learning rates. */
  private static volatile boolean stepsObserved;

  private TrainerEvents() {}

  /**
   * {@code onTrainingBegin}: registers the trainer (its run and params) unless another listener has. This and the
   * next three are a listener's events, from the application's {@code Prov4mlTrainingListener} or the agent's
   * {@link AgentListener}: each catches everything, so DJL's training never sees a failure of prov4ml's.
   */
  public static void began(Trainer trainer, Object listener, ListenerSettings settings) {
    try {
      TrainerRegistry.forListener(trainer, listener, settings);
    } catch (Throwable e) {
      RecordingFailures.record("DJL training begin", e);
    }
  }

  public static void batchEnded(Trainer trainer, Object listener, ListenerSettings settings) {
    try {
      TrainerState state = TrainerRegistry.forListener(trainer, listener, settings);
      if (state != null) {
        state.batchEnded(trainer);
      }
    } catch (Throwable e) {
      RecordingFailures.record("DJL training batch", e);
    }
  }

  public static void epochEnded(Trainer trainer, Object listener, ListenerSettings settings) {
    try {
      TrainerState state = TrainerRegistry.forListener(trainer, listener, settings);
      if (state != null) {
        state.epochEnded(trainer);
      }
    } catch (Throwable e) {
      RecordingFailures.record("DJL epoch metrics", e);
    }
  }

  public static void trainingEnded(Trainer trainer, Object listener, ListenerSettings settings) {
    try {
      TrainerState state = TrainerRegistry.forListener(trainer, listener, settings);
      if (state != null) {
        state.trainingEnded(trainer);
      }
    } catch (Throwable e) {
      RecordingFailures.record("DJL training summary", e);
    }
  }

  /** The agent instruments {@code Trainer.step()}: every step's learning rate is recorded there. */
  public static void observeSteps() {
    stepsObserved = true;
  }

  static boolean stepsObserved() {
    return stepsObserved;
  }

  /**
   * {@code Trainer.notifyListeners(event)} returned: the application's listeners have had the event,
   * and now the agent's listener has it too. DJL's consumer is the event (for instance
   * {@code listener -> listener.onEpoch(trainer)}), so applying it to the agent's listener tells it
   * which event it was, after every listener of the application (so that DJL's accumulators are
   * updated and not yet reset). A trainer whose application added a Prov4mlTrainingListener of its
   * own is recorded by that one; the agent's then ignores it.
   */
  @SuppressWarnings("unchecked")
  public static void listenersNotified(Object event) {
    try {
      ((Consumer<TrainingListener>) event).accept(AgentListener.INSTANCE);
    } catch (Throwable e) {
      // e.g. an application's own consumer that casts each listener to its own type
      RecordingFailures.record("agent Trainer.notifyListeners", e);
    }
  }

  /** {@code Trainer.step()} returned: the learning rate that step applied, every N steps. */
  public static void stepped(Object trainer) {
    try {
      TrainerState state = stateOf(trainer);
      if (state != null) {
        state.stepped();
      }
    } catch (Throwable e) {
      RecordingFailures.record("agent Trainer.step", e);
    }
  }

  /** {@code EasyTrain.fit} starts: its epochs and data sets. */
  public static void fitStarted(Object trainer, int epochs, Object train, Object validate) {
    try {
      TrainerState state = stateOf(trainer);
      if (state != null) {
        state.fitStarted(epochs, train, validate);
      }
    } catch (Throwable e) {
      RecordingFailures.record("agent EasyTrain.fit", e);
    }
  }

  /** {@code EasyTrain.fit} returned or threw. */
  public static void fitEnded(Object trainer) {
    try {
      TrainerState state = stateOf(trainer);
      if (state != null) {
        state.fitEnded();
      }
    } catch (Throwable e) {
      RecordingFailures.record("agent EasyTrain.fit", e);
    }
  }

  /** {@code EasyTrain.evaluateDataset} returned: outside {@code fit}, a test. */
  public static void evaluated(Object trainer, Object dataset) {
    try {
      TrainerState state = dataset == null ? null : stateOf(trainer);
      if (state != null) {
        state.evaluated((Trainer) trainer, dataset);
      }
    } catch (Throwable e) {
      RecordingFailures.record("agent EasyTrain.evaluateDataset", e);
    }
  }

  /**
   * {@code BaseModel.save(directory, name)} starts: if the file it will write in place is a recorded
   * version's link, the save is made to write a new file instead (see {@link ModelVersionLinks}).
   */
  public static void modelSaving(Object model, Object directory, Object name) {
    try {
      Model m = (Model) model;
      String epoch = m.getProperty(EPOCH_PROPERTY);
      if (epoch != null) { // else DJL numbers the file one past the highest: a new file
        String modelName = modelName(m, (String) name);
        ModelVersionLinks.beforeOverwrite(ModelFiles.versionFile((Path) directory, modelName, Integer.parseInt(epoch)));
      }
    } catch (Throwable e) {
      RecordingFailures.record("agent Model.save", e);
    }
  }

  /**
   * {@code BaseModel.save(directory, name)} returned: its {@code .params} file is a version of the
   * model, at the epoch DJL numbered it with (continued past the run's earlier trainers), in the run
   * its trainer records to, or the active run. Saves prov4ml itself makes (into the run directory)
   * are not versions of their own. The training thread links the file. A save that threw wrote no
   * version; {@link ModelVersionLinks#saveEnded} gives the application back a file its entry un-shared.
   */
  public static void modelSaved(Object model, Object directory, Object name, Throwable thrown) {
    try {
      ModelVersionLinks.saveEnded(thrown != null);
      if (thrown != null) {
        return;
      }
      Model m = (Model) model;
      TrainerState state = TrainerRegistry.ofModel(m);
      RecordedRun run = state != null && state.recording() ? state.run : ActiveRun.current();
      Path dir = ((Path) directory).toAbsolutePath().normalize();
      if (run == null || dir.startsWith(run.runDirectory())) {
        return;
      }
      String modelName = modelName(m, (String) name);
      ArgumentChecks.fileName(modelName, "modelName");
      // The epoch in the file name, as BaseModel.save chose it: the Epoch property, else one past the
      // highest <name>-NNNN.params before the save, i.e. the highest one now.
      String property = m.getProperty(EPOCH_PROPERTY);
      int epoch = property != null ? Integer.parseInt(property) : Utils.getCurrentEpoch(dir, modelName);
      Path file = ModelFiles.versionFile(dir, modelName, epoch);
      if (Files.isRegularFile(file)) {
        long step = epoch + (state != null ? state.epochOffset : 0);
        run.logSavedModelVersion(m, modelName, Context.TRAINING, step, file);
      }
    } catch (Throwable e) {
      RecordingFailures.record("agent Model.save", e);
    }
  }

  /**
   * {@code Engine.setRandomSeed(seed)} returned: in the active run, the seed at the run's batch
   * index ({@link TrainingInputs#seedSetInRun}). With no active run nothing, and no run is started
   * for it (a JVM that seeds and only infers has none): the engine keeps the seed, and the run's
   * first trainer records it when it begins, as the listener does.
   */
  public static void seedSet(int seed) {
    try {
      RecordedRun run = ActiveRun.current();
      if (run != null) {
        TrainingInputs.seedSetInRun(run, seed, run.trainingProgress().batches());
      }
    } catch (Throwable e) {
      RecordingFailures.record("agent Engine.setRandomSeed", e);
    }
  }

  private static String modelName(Model model, String name) {
    return name == null || name.isEmpty() ? model.getName() : name;
  }

  private static TrainerState stateOf(Object trainer) {
    return TrainerRegistry.of((Trainer) trainer, AgentListener.INSTANCE, ListenerSettings.FROM_CONFIGURATION);
  }
}
