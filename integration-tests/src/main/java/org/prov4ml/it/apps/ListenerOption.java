package org.prov4ml.it.apps;

import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.listener.TrainingListener;
import java.nio.file.Path;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.djl.Prov4mlTrainingListener;

/**
 * The listener mode of the integration tests: with {@code -Dit.prov4ml-listener=true} an app adds
 * {@link Prov4mlTrainingListener} to its config itself, last, as a user of the library would (and
 * needs prov4ml-core on its class path); without it, the app has no prov4ml in it at all.
 */
public final class ListenerOption {

  public static final String PROPERTY = "it.prov4ml-listener";

  private ListenerOption() {}

  /** {@code config}, with the listener added when the property asks for it. */
  public static DefaultTrainingConfig addIfAsked(DefaultTrainingConfig config) {
    if (Boolean.getBoolean(PROPERTY)) {
      config.addTrainingListeners(Listener.create());
    }
    return config;
  }

  /**
   * In the listener mode, the data sets the app gives {@code EasyTrain.fit} and {@code evaluateDataset},
   * logged the API's way under the names the agent gives them (a listener cannot see them), once the
   * trainer (and with it the listener's run) exists; {@code test} may be null.
   */
  public static void logDatasetsIfAsked(Dataset train, Dataset validation, Dataset test) {
    if (Boolean.getBoolean(PROPERTY)) {
      Listener.logDatasets(train, validation, test);
    }
  }

  /**
   * In the listener mode, the model file the app started from, logged the API's way (a listener cannot
   * see a load), once the trainer (and with it the listener's run) exists; nothing for a null file.
   */
  public static void logInputModelIfAsked(String modelName, Path file) {
    if (Boolean.getBoolean(PROPERTY) && file != null) {
      Listener.logInputModel(modelName, file);
    }
  }

  /** Loaded only in the listener mode: without prov4ml-core on the class path the class would not link. */
  private static final class Listener {
    static TrainingListener create() {
      return new Prov4mlTrainingListener();
    }

    static void logInputModel(String modelName, Path file) {
      Prov4ml.activeRun().ifPresent(run -> run.logInputModel(modelName, file));
    }

    /** Into the run the listener started with the trainer; none when no run could be started. */
    static void logDatasets(Dataset train, Dataset validation, Dataset test) {
      Prov4ml.activeRun().ifPresent(run -> {
        run.logDataset("train_dataset", train, Context.TRAINING);
        run.logDataset("validation_dataset", validation, Context.VALIDATION);
        if (test != null) {
          run.logDataset("test_dataset", test, Context.TESTING);
        }
      });
    }
  }
}
