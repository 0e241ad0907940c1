package org.prov4ml.it.apps;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.SaveModelTrainingListener;
import ai.djl.training.listener.TrainingListener;
import ai.djl.translate.NoopTranslator;
import ai.djl.util.Utils;
import java.nio.file.Path;

/**
 * An ordinary DJL fine-tuning in two JVMs, with no prov4ml in it: {@code pretrain} trains the demo's MLP
 * and saves a checkpoint every epoch ({@code mlp-NNNN.params}); {@code finetune}, in another JVM, loads
 * the newest checkpoint ({@code Model.load} with the block; with {@code --criteria} also through
 * {@code Criteria.loadModel} from the local folder, as a user checking the checkpoint would) and trains
 * further.
 *
 * <pre>
 * java -Dai.djl.offline=true [-javaagent:prov4ml.jar] -cp prov4ml-demo.jar org.prov4ml.it.apps.FineTuneApp \
 *     pretrain|finetune [--models dir] [--epochs 2] [--criteria on]
 * </pre>
 *
 * <p>{@code finetune} prints {@code LOADED <file>}, the checkpoint it started from.
 */
public final class FineTuneApp {

  private FineTuneApp() {}

  public static void main(String[] args) throws Exception {
    boolean finetune = args.length > 0 && args[0].equals("finetune");
    Path models = Path.of(DemoApp.option(args, "--models", "models")).toAbsolutePath();
    int epochs = Integer.parseInt(DemoApp.option(args, "--epochs", "2"));
    try (NDManager manager = NDManager.newBaseManager(); Model model = DemoTraining.mlp()) {
      Path loaded = null;
      if (finetune) {
        int newest = Utils.getCurrentEpoch(models, "mlp");
        loaded = models.resolve(String.format("mlp-%04d.params", newest));
        model.load(models, "mlp"); // the newest mlp-NNNN.params, read into the block
        System.out.println("LOADED " + loaded);
        if (DemoApp.option(args, "--criteria", null) != null) {
          checkWithCriteria(manager, models);
        }
      }
      ArrayDataset train = DemoTraining.dataset(manager, DemoTraining.TRAIN_SAMPLES, true);
      ArrayDataset validate = DemoTraining.dataset(manager, DemoTraining.VALIDATION_SAMPLES, false);
      var config = ListenerOption.addIfAsked(DemoTraining.config()
          .addTrainingListeners(TrainingListener.Defaults.basic())
          .addTrainingListeners(new SaveModelTrainingListener(
              finetune ? models.resolveSibling("finetuned").toString() : models.toString(), "mlp", 1)));
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(DemoTraining.inputShape());
        ListenerOption.logInputModelIfAsked("mlp", loaded);
        EasyTrain.fit(trainer, epochs, train, validate);
      }
    }
    System.out.println("DONE");
  }

  /** The checkpoint loaded as a zoo model from its folder, and one prediction made with it. */
  private static void checkWithCriteria(NDManager manager, Path models) throws Exception {
    try (Model shape = DemoTraining.unseededMlp(DemoTraining.HIDDEN)) { // only its block is used
      Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
          .optModelPath(models).optModelName("mlp").optEngine("PyTorch").optBlock(shape.getBlock())
          .optTranslator(new NoopTranslator()).build();
      try (ZooModel<NDList, NDList> zoo = criteria.loadModel();
          Predictor<NDList, NDList> predictor = zoo.newPredictor()) {
        NDList out = predictor.predict(new NDList(manager.ones(DemoTraining.inputShape(1))));
        System.out.println("CRITERIA " + out.singletonOrThrow().getShape());
      }
    }
  }
}
