package org.prov4ml.it.apps;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.EpochTrainingListener;
import ai.djl.training.listener.SaveModelTrainingListener;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.nio.file.Path;

/**
 * The demo: an ordinary DJL training application with no prov4ml in it. It trains a small MLP on a
 * synthetic data set with a validation set, saves the model after every epoch (DJL's
 * {@code SaveModelTrainingListener}) and evaluates a test set at the end.
 *
 * <pre>
 * java -Dai.djl.offline=true [-javaagent:agent/target/prov4ml.jar] -jar integration-tests/target/prov4ml-demo.jar
 *     [--epochs 3] [--train-samples 256] [--models target/prov4ml-demo-models] [--fail-at-epoch N]
 *     [--no-evaluator-listener]
 *     [--batch-size 32] [--hidden 32]
 * </pre>
 *
 * <p>{@code --batch-size} and {@code --hidden} make each batch more work for the benchmarks: with the
 * defaults a batch takes ~0.5 ms, a point rate far above a usual training's.
 */
public final class DemoApp {

  /** Where the models go by default: under {@code target/}, which every clean removes and git ignores. */
  static final String MODELS = "target/prov4ml-demo-models";

  private DemoApp() {}

  public static void main(String[] args) throws Exception {
    int epochs = Integer.parseInt(option(args, "--epochs", "3"));
    Path models = Path.of(option(args, "--models", MODELS));
    int failAt = Integer.parseInt(option(args, "--fail-at-epoch", "0"));
    boolean evaluatorListener = !java.util.Arrays.asList(args).contains("--no-evaluator-listener");
    int samples = Integer.parseInt(option(args, "--train-samples", Integer.toString(DemoTraining.TRAIN_SAMPLES)));
    int batch = Integer.parseInt(option(args, "--batch-size", Integer.toString(DemoTraining.BATCH)));
    int hidden = Integer.parseInt(option(args, "--hidden", Integer.toString(DemoTraining.HIDDEN)));
    train(epochs, samples, batch, hidden, models, failAt, evaluatorListener);
  }

  static void train(int epochs, int samples, int batch, int hidden, Path models, int failAt,
      boolean evaluatorListener) throws Exception {
    try (NDManager manager = NDManager.newBaseManager(); Model model = DemoTraining.mlp(hidden)) {
      ArrayDataset train = DemoTraining.dataset(manager, samples, batch, true);
      ArrayDataset validate = DemoTraining.dataset(manager, DemoTraining.VALIDATION_SAMPLES, false);
      ArrayDataset test = DemoTraining.dataset(manager, DemoTraining.TEST_SAMPLES, false);
      DefaultTrainingConfig config = DemoTraining.config()
          .addTrainingListeners(evaluatorListener ? TrainingListener.Defaults.basic()
              : new TrainingListener[] {new EpochTrainingListener()})
          .addTrainingListeners(new SaveModelTrainingListener(models.toString(), "mlp", 1),
              new ResultPrinter(), new FailAtEpoch(failAt));
      ListenerOption.addIfAsked(config);
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(DemoTraining.inputShape(batch));
        ListenerOption.logDatasetsIfAsked(train, validate, test);
        EasyTrain.fit(trainer, epochs, train, validate);
        EasyTrain.evaluateDataset(trainer, test);
        if (evaluatorListener) { // without it DJL keeps no values to print
          DemoTraining.printTestValues(trainer.getEvaluators());
        }
      }
    }
    System.out.println("DONE");
  }

  static String option(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }

  /** Simulates an application that dies in the middle of training. */
  private static final class FailAtEpoch extends TrainingListenerAdapter {
    private final int failAt;
    private int epoch;

    FailAtEpoch(int failAt) {
      this.failAt = failAt;
    }

    @Override
    public void onEpoch(ai.djl.training.Trainer trainer) {
      if (++epoch == failAt) {
        throw new IllegalStateException("simulated failure at the end of epoch " + epoch);
      }
    }
  }
}
