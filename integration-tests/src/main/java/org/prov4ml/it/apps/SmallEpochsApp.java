package org.prov4ml.it.apps;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.SaveModelTrainingListener;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * An ordinary DJL training with many small epochs and no prov4ml in it, the workload where a
 * per-epoch cost shows: a 16-32-3 MLP, 20 batches of 25 samples an epoch, a validation pass of 4
 * batches, and DJL's {@code SaveModelTrainingListener} saving the model after every epoch.
 *
 * <pre>
 * java -Dai.djl.offline=true [-javaagent:agent/target/prov4ml.jar] -cp integration-tests/target/prov4ml-demo.jar \
 *     org.prov4ml.it.apps.SmallEpochsApp [--epochs 600] [--models dir] [--timing on]
 * </pre>
 *
 * <p>It prints one {@code EPOCH} line every {@value #PRINT_EVERY} epochs and at the last, and
 * {@code DONE}.
 */
public final class SmallEpochsApp {

  public static final int FEATURES = 16;
  public static final int HIDDEN = 32;
  public static final int BATCH = 25;
  public static final int TRAIN_BATCHES = 20;
  public static final int VALIDATION_BATCHES = 4;
  static final int PRINT_EVERY = 100;

  private SmallEpochsApp() {}

  public static void main(String[] args) throws Exception {
    int epochs = Integer.parseInt(DemoApp.option(args, "--epochs", "600"));
    Path models = Path.of(DemoApp.option(args, "--models", "models"));
    try (NDManager manager = NDManager.newBaseManager(); Model model = DemoTraining.mlp(HIDDEN)) {
      ArrayDataset train = dataset(manager, TRAIN_BATCHES * BATCH, true);
      ArrayDataset validate = dataset(manager, VALIDATION_BATCHES * BATCH, false);
      DefaultTrainingConfig config = ListenerOption.addIfAsked(DemoTraining.config()
          .addTrainingListeners(TrainingListener.Defaults.basic())
          .addTrainingListeners(new SaveModelTrainingListener(models.toString(), "mlp", 1),
              new SparseResultPrinter(epochs)));
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(BATCH, FEATURES));
        EasyTrain.fit(trainer, epochs, train, validate);
      }
    }
    System.out.println("DONE");
    if (DemoApp.option(args, "--timing", null) != null) {
      // For benchmarks: what the training thread used, and the time from the JVM's start to here
      // (so a process's exit, which the benchmark times from outside, can be told apart).
      System.err.printf("TIMING main-cpu-ms=%d done-ms=%d%n",
          ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000,
          ManagementFactory.getRuntimeMXBean().getUptime());
    }
  }

  /** {@code samples} rows of {@link #FEATURES} features; the class is the largest of the first three. */
  private static ArrayDataset dataset(NDManager manager, int samples, boolean shuffle) {
    NDArray x = manager.randomNormal(new Shape(samples, FEATURES));
    NDArray y = x.get(":, 0:3").argMax(1).toType(DataType.FLOAT32, false);
    return new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(BATCH, shuffle).build();
  }

  /** {@link ResultPrinter}'s lines, for some epochs only: thousands of lines would be noise. */
  private static final class SparseResultPrinter extends TrainingListenerAdapter {
    private final int last;
    private int epoch;

    SparseResultPrinter(int last) {
      this.last = last;
    }

    @Override
    public void onEpoch(Trainer trainer) {
      epoch++;
      if (epoch % PRINT_EVERY == 0 || epoch == last) {
        ResultPrinter.print(trainer, epoch);
      }
    }
  }
}
