package org.prov4ml.it.apps;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.EpochTrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Two things an observer of the training cannot record, in an otherwise ordinary app. First, a
 * run directory that refuses one file: a directory stands where the accuracy's TRAINING metric file
 * would go (the app puts it there once the run directory exists), so writing it fails. Second, a loss
 * whose per-batch accumulator cannot be read: DJL itself reads {@code train/all} only in
 * {@code DivergenceCheckTrainingListener} (left out here) and when the trainer has {@code Metrics}
 * (not set), so only an observer of every batch fails on it. The training must not notice.
 */
public final class BrokenLossApp {

  private BrokenLossApp() {}

  public static void main(String[] args) throws Exception {
    DefaultTrainingConfig config = new DefaultTrainingConfig(new UnreadableBatchLoss())
        .addEvaluator(new Accuracy())
        .addTrainingListeners(new EpochTrainingListener(), new EvaluatorTrainingListener(), new ResultPrinter());
    ListenerOption.addIfAsked(config);
    try (NDManager manager = NDManager.newBaseManager(); Model model = DemoTraining.mlp();
        Trainer trainer = model.newTrainer(config)) {
      blockAccuracyMetricFile(Path.of(System.getProperty("prov4ml.output-dir", "prov4ml-runs")));
      ArrayDataset train = DemoTraining.dataset(manager, DemoTraining.TRAIN_SAMPLES, true);
      trainer.initialize(DemoTraining.inputShape());
      EasyTrain.fit(trainer, 2, train, null);
    }
    System.out.println("DONE");
  }

  /** Puts a directory where each run's TRAINING accuracy file would be created. */
  private static void blockAccuracyMetricFile(Path outputDir) throws IOException {
    try (Stream<Path> runs = Files.list(outputDir)) {
      for (Path run : runs.filter(r -> !r.getFileName().toString().startsWith(".")).toList()) { // not the run index
        Files.createDirectories(run.resolve("metrics_GR0").resolve("Accuracy_TRAINING_None_GR0.csv"));
      }
    }
  }

  /** Softmax cross-entropy whose {@code train/all} accumulator throws when read. */
  static final class UnreadableBatchLoss extends Loss {
    private final Loss delegate = new SoftmaxCrossEntropyLoss();

    UnreadableBatchLoss() {
      super("SoftmaxCrossEntropyLoss");
    }

    @Override
    public ai.djl.ndarray.NDArray evaluate(NDList labels, NDList predictions) {
      return delegate.evaluate(labels, predictions);
    }

    @Override
    public float getAccumulator(String key) {
      if (EvaluatorTrainingListener.TRAIN_ALL.equals(key)) {
        throw new IllegalStateException("this loss does not tell its per-batch value");
      }
      return super.getAccumulator(key);
    }
  }
}
