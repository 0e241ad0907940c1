package org.prov4ml.it.apps;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * The pieces of a small, ordinary DJL training: a synthetic 3-class data set (the class is the
 * largest of the first three features), an MLP built from {@code SequentialBlock} and {@code Linear},
 * and Adam. Nothing here knows prov4ml; the numbers are what the integration tests assert.
 */
public final class DemoTraining {

  public static final int FEATURES = 10;
  public static final int CLASSES = 3;
  public static final int TRAIN_SAMPLES = 256;
  public static final int VALIDATION_SAMPLES = 64;
  public static final int TEST_SAMPLES = 64;
  public static final int BATCH = 32;
  public static final int HIDDEN = 32;
  public static final float LEARNING_RATE = 0.01f;
  public static final float WEIGHT_DECAY = 1e-4f;
  /** DJL's random seed, set before each model is built. */
  public static final int SEED = 42;

  private DemoTraining() {}

  /** A labelled data set of {@code samples} rows, batches of {@link #BATCH}. */
  public static ArrayDataset dataset(NDManager manager, int samples, boolean shuffle) {
    return dataset(manager, samples, BATCH, shuffle);
  }

  /** A labelled data set of {@code samples} rows, batches of {@code batch}. */
  public static ArrayDataset dataset(NDManager manager, int samples, int batch, boolean shuffle) {
    NDArray x = manager.randomNormal(new Shape(samples, FEATURES));
    NDArray y = x.get(":, 0:3").argMax(1).toType(DataType.FLOAT32, false);
    return new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(batch, shuffle).build();
  }

  /** A model named {@code mlp}: 10 → 32 → ReLU → 3. */
  public static Model mlp() {
    return mlp(HIDDEN);
  }

  /** A model named {@code mlp}: 10 → {@code hidden} → ReLU → 3, DJL's random seed set to {@link #SEED} first. */
  public static Model mlp(int hidden) {
    Engine.getInstance().setRandomSeed(SEED);
    return unseededMlp(hidden);
  }

  /** {@link #mlp(int)} without setting a seed: DJL's engine has none, unless the application set one. */
  public static Model unseededMlp(int hidden) {
    Model model = Model.newInstance("mlp");
    model.setBlock(new SequentialBlock()
        .add(Linear.builder().setUnits(hidden).build())
        .add(Activation::relu)
        .add(Linear.builder().setUnits(CLASSES).build()));
    return model;
  }

  /** Softmax cross-entropy, accuracy, Adam(lr 0.01, weight decay 1e-4). */
  public static DefaultTrainingConfig config() {
    return new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
        .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(LEARNING_RATE))
            .optWeightDecays(WEIGHT_DECAY).build())
        .addEvaluator(new Accuracy());
  }

  public static Shape inputShape() {
    return inputShape(BATCH);
  }

  public static Shape inputShape(int batch) {
    return new Shape(batch, FEATURES);
  }

  /** What a test evaluation left in each evaluator, printed as {@code TEST <name>=<value>}. */
  public static void printTestValues(Iterable<Evaluator> evaluators) {
    for (Evaluator e : evaluators) {
      System.out.println("TEST " + e.getName() + "=" + e.getAccumulator(EvaluatorTrainingListener.VALIDATE_EPOCH));
    }
  }
}
