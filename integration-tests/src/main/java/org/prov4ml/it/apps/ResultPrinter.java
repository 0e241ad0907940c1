package org.prov4ml.it.apps;

import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints what DJL itself reports after each epoch, {@code EPOCH <n> <key>=<value> ...} from
 * {@code Trainer.getTrainingResult()}, so the tests can compare the agent's record with it.
 */
public final class ResultPrinter extends TrainingListenerAdapter {

  private int epochs;

  @Override
  public void onEpoch(Trainer trainer) {
    print(trainer, ++epochs);
  }

  /** Prints the line of {@code epoch}, counted from 1. */
  static void print(Trainer trainer, int epoch) {
    TrainingResult result = trainer.getTrainingResult();
    StringBuilder line = new StringBuilder("EPOCH ").append(epoch);
    for (Map.Entry<String, Float> e : new TreeMap<>(result.getEvaluations()).entrySet()) {
      line.append(' ').append(e.getKey()).append('=').append(e.getValue());
    }
    System.out.println(line);
  }
}
