package org.prov4ml.it.apps;

import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.listener.TrainingListener;
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

  /** Loaded only in the listener mode: without prov4ml-core on the class path the class would not link. */
  private static final class Listener {
    static TrainingListener create() {
      return new Prov4mlTrainingListener();
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
