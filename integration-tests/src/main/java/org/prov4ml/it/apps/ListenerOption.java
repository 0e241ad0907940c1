package org.prov4ml.it.apps;

import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.listener.TrainingListener;
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

  /** Loaded only in the listener mode: without prov4ml-core on the class path the class would not link. */
  private static final class Listener {
    static TrainingListener create() {
      return new Prov4mlTrainingListener();
    }
  }
}
