package org.prov4ml.it.apps.explicit;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListener;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.it.apps.DemoTraining;
import org.prov4ml.it.apps.ListenerOption;
import org.prov4ml.it.apps.ResultPrinter;

/**
 * An application that also uses the prov4ml API (compiled against prov4ml-core, which the agent
 * jar provides at run time): its own param and metric and the agent's records go into one run,
 * which the application ends itself.
 */
public final class ExplicitApiApp {

  private ExplicitApiApp() {}

  public static void main(String[] args) throws Exception {
    Prov4ml.startRun("explicit");
    Prov4ml.logParam("dataset_seed", 42);
    try (NDManager manager = NDManager.newBaseManager(); Model model = DemoTraining.mlp()) {
      ArrayDataset train = DemoTraining.dataset(manager, DemoTraining.TRAIN_SAMPLES, true);
      try (Trainer trainer = model.newTrainer(ListenerOption.addIfAsked(DemoTraining.config()
          .addTrainingListeners(TrainingListener.Defaults.basic()).addTrainingListeners(new ResultPrinter())))) {
        trainer.initialize(DemoTraining.inputShape());
        EasyTrain.fit(trainer, 1, train, null);
      }
    }
    Prov4ml.logMetric("custom_score", 0.5, Context.TESTING, 0);
    Prov4ml.endRun();
    System.out.println("DONE");
  }
}
