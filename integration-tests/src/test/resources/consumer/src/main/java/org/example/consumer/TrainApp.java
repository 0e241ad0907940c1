package org.example.consumer;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.prov4ml.djl.Prov4mlTrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Someone's DJL training: its own Jackson and logback; prov4ml's listener only with --listener. */
public final class TrainApp {

  private static final Logger LOG = LoggerFactory.getLogger(TrainApp.class);

  public static void main(String[] args) throws Exception {
    boolean listener = args.length > 0 && args[0].equals("--listener");
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray features = manager.randomUniform(0f, 1f, new Shape(64, 4));
      NDArray labels = features.sum(new int[] {1}, true);
      ArrayDataset data = new ArrayDataset.Builder().setData(features).optLabels(labels)
          .setSampling(16, true).build();
      SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(8).build())
          .add(Activation.reluBlock()).add(Linear.builder().setUnits(1).build());
      try (Model model = Model.newInstance("consumer")) {
        model.setBlock(block);
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
            .addTrainingListeners(TrainingListener.Defaults.basic());
        if (listener) {
          config.addTrainingListeners(new Prov4mlTrainingListener());
        }
        try (Trainer trainer = model.newTrainer(config)) {
          trainer.initialize(new Shape(16, 4));
          EasyTrain.fit(trainer, 2, data, null);
          // The application's own Jackson, the version its build chose.
          String result = new ObjectMapper().writeValueAsString(Map.of("epochs", 2,
              "jackson", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString()));
          LOG.info("trained {}", result);
          System.out.println("RESULT " + result);
        }
      }
    }
  }
}
