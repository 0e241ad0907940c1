package org.prov4ml.it.apps;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.SaveModelTrainingListener;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * Pre-training then fine-tuning in one JVM: one model, two trainers one after the other, the
 * second with SGD (lr 0.05, momentum 0.9). Each phase runs {@code --epochs} epochs. With
 * {@code --models dir}, each phase saves the model after every epoch with DJL's
 * {@code SaveModelTrainingListener}, which numbers files by the trainer's own epoch: the second
 * phase rewrites the first phase's {@code mlp-0001.params} and on, in place.
 */
public final class TwoTrainersApp {

  public static final float FINE_TUNE_LR = 0.05f;
  public static final float FINE_TUNE_MOMENTUM = 0.9f;

  private TwoTrainersApp() {}

  public static void main(String[] args) throws Exception {
    int epochs = Integer.parseInt(DemoApp.option(args, "--epochs", "2"));
    String models = DemoApp.option(args, "--models", null);
    try (NDManager manager = NDManager.newBaseManager(); Model model = DemoTraining.mlp()) {
      ArrayDataset train = DemoTraining.dataset(manager, DemoTraining.TRAIN_SAMPLES, true);
      ArrayDataset validate = DemoTraining.dataset(manager, DemoTraining.VALIDATION_SAMPLES, false);
      DefaultTrainingConfig pretraining = DemoTraining.config()
          .addTrainingListeners(TrainingListener.Defaults.basic()).addTrainingListeners(new ResultPrinter());
      ListenerOption.addIfAsked(pretraining);
      saveEveryEpoch(pretraining, models);
      try (Trainer trainer = model.newTrainer(pretraining)) {
        trainer.initialize(DemoTraining.inputShape());
        EasyTrain.fit(trainer, epochs, train, validate);
      }
      DefaultTrainingConfig fineTuning = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
          .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(FINE_TUNE_LR))
              .optMomentum(FINE_TUNE_MOMENTUM).build())
          .addTrainingListeners(TrainingListener.Defaults.basic()).addTrainingListeners(new ResultPrinter());
      ListenerOption.addIfAsked(fineTuning);
      saveEveryEpoch(fineTuning, models);
      try (Trainer trainer = model.newTrainer(fineTuning)) {
        trainer.initialize(DemoTraining.inputShape());
        EasyTrain.fit(trainer, epochs, train, validate);
      }
    }
    System.out.println("DONE");
  }

  private static void saveEveryEpoch(DefaultTrainingConfig config, String models) {
    if (models != null) {
      config.addTrainingListeners(new SaveModelTrainingListener(models, "mlp", 1));
    }
  }
}
