package org.prov4ml.it.apps;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.TrainingListener.BatchData;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A training loop of its own, without {@code EasyTrain}: forward, backward, {@code trainer.step()},
 * firing DJL's batch and epoch events itself. SGD with a learning rate that decays by 0.9 per update,
 * so every step's learning rate differs; it prints {@code LR <step> <rate>} as its tracker gives it.
 *
 * <p>{@code --no-seed} builds the model without setting DJL's random seed; {@code --seed-each-epoch}
 * sets it again at the start of each epoch, to {@code 100 + epoch} (from 0).
 */
public final class CustomLoopApp {

  public static final float BASE_LR = 0.1f;
  public static final float FACTOR = 0.9f;

  private CustomLoopApp() {}

  public static void main(String[] args) throws Exception {
    int epochs = Integer.parseInt(DemoApp.option(args, "--epochs", "2"));
    List<String> flags = Arrays.asList(args);
    boolean seedEachEpoch = flags.contains("--seed-each-epoch");
    Tracker tracker = Tracker.factor().setBaseValue(BASE_LR).setFactor(FACTOR).build();
    DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
        .optOptimizer(Optimizer.sgd().setLearningRateTracker(tracker).optMomentum(0.5f).build())
        .addTrainingListeners(new EvaluatorTrainingListener(), new ResultPrinter());
    ListenerOption.addIfAsked(config);
    try (NDManager manager = NDManager.newBaseManager();
        Model model = flags.contains("--no-seed") ? DemoTraining.unseededMlp(DemoTraining.HIDDEN) : DemoTraining.mlp();
        Trainer trainer = model.newTrainer(config)) {
      ArrayDataset train = DemoTraining.dataset(manager, DemoTraining.TRAIN_SAMPLES, true);
      trainer.initialize(DemoTraining.inputShape());
      int step = 0;
      for (int epoch = 0; epoch < epochs; epoch++) {
        if (seedEachEpoch) {
          Engine.getInstance().setRandomSeed(100 + epoch);
        }
        for (Batch batch : trainer.iterateDataset(train)) {
          trainOn(trainer, batch);
          trainer.step();
          System.out.println("LR " + step + " " + tracker.getNewValue(++step));
          batch.close();
        }
        trainer.notifyListeners(listener -> listener.onEpoch(trainer));
      }
    }
    System.out.println("DONE");
  }

  private static void trainOn(Trainer trainer, Batch batch) {
    Map<ai.djl.Device, NDList> labels = new ConcurrentHashMap<>();
    Map<ai.djl.Device, NDList> predictions = new ConcurrentHashMap<>();
    try (GradientCollector collector = trainer.newGradientCollector()) {
      NDList output = trainer.forward(batch.getData(), batch.getLabels());
      collector.backward(trainer.getLoss().evaluate(batch.getLabels(), output));
      labels.put(batch.getLabels().head().getDevice(), batch.getLabels());
      predictions.put(batch.getLabels().head().getDevice(), output);
    }
    BatchData data = new BatchData(batch, labels, predictions);
    trainer.notifyListeners(listener -> listener.onTrainingBatch(trainer, data));
  }
}
