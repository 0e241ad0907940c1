package org.prov4ml.it.apps;

import ai.djl.Model;
import ai.djl.basicdataset.tabular.CsvDataset;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.nio.file.Path;
import org.apache.commons.csv.CSVFormat;

/**
 * An ordinary DJL application that learns {@code y} from {@code x1, x2} in a CSV file, read with DJL's
 * {@code CsvDataset} and split 80/20 into training and validation sets; it evaluates the validation
 * set once more at the end, as a test. It knows nothing of prov4ml (but for {@link ListenerOption}).
 *
 * <pre>
 * java [-javaagent:prov4ml.jar] -cp ... org.prov4ml.it.apps.CsvDatasetApp --csv data.csv [--epochs 2]
 * </pre>
 */
public final class CsvDatasetApp {

  public static final int BATCH = 8;

  private CsvDatasetApp() {}

  public static void main(String[] args) throws Exception {
    Path csv = Path.of(DemoApp.option(args, "--csv", "data.csv"));
    int epochs = Integer.parseInt(DemoApp.option(args, "--epochs", "2"));
    Engine.getInstance().setRandomSeed(7);
    CsvDataset dataset = CsvDataset.builder().optCsvFile(csv)
        .setCsvFormat(CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build())
        .addNumericFeature("x1").addNumericFeature("x2").addNumericLabel("y")
        .setSampling(BATCH, true).build();
    dataset.prepare();
    RandomAccessDataset[] split = dataset.randomSplit(8, 2);
    try (Model model = Model.newInstance("linear")) {
      model.setBlock(Linear.builder().setUnits(1).build());
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
          .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).build())
          .addTrainingListeners(TrainingListener.Defaults.basic());
      ListenerOption.addIfAsked(config);
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(BATCH, 2));
        ListenerOption.logDatasetsIfAsked(split[0], split[1], split[1]);
        EasyTrain.fit(trainer, epochs, split[0], split[1]);
        EasyTrain.evaluateDataset(trainer, split[1]);
      }
    }
    System.out.println("DONE");
  }
}
