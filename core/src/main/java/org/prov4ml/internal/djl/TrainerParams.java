package org.prov4ml.internal.djl;

import ai.djl.Device;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.prov4ml.Run;
import org.prov4ml.internal.run.OptimizerParams;
import org.prov4ml.internal.inputs.PrivateFields;
import org.prov4ml.internal.run.RecordingFailures;

/**
 * The params read from DJL's trainer, its model's block and the data sets given to {@code fit}:
 * only what a {@code TrainingListener} can reach from the trainer, so the listener and the agent
 * record the same.
 */
final class TrainerParams {

  private TrainerParams() {}

  /**
   * Optimizer (as {@code logOptimizer} records it), loss, evaluators, devices, initializers, model
   * name. The trainer keeps no reference to its config: the optimizer is the one its parameter
   * server updates with, and the initializers are those of the block's parameters, which
   * {@code Model.newTrainer} has set from the config's before building the trainer.
   */
  static Map<String, Object> of(Trainer trainer, String prefix) {
    Map<String, Object> params = new LinkedHashMap<>();
    Optimizer optimizer = LearningRateProbe.optimizerOf(trainer);
    if (optimizer != null) {
      params.putAll(OptimizerParams.of(optimizer, prefix));
    }
    params.put(prefix + "loss", trainer.getLoss().getName());
    List<String> evaluators = new ArrayList<>();
    for (Evaluator e : trainer.getEvaluators()) {
      if (e != trainer.getLoss()) { // DJL appends the loss to the evaluators
        evaluators.add(e.getName());
      }
    }
    params.put(prefix + "evaluators", evaluators.isEmpty() ? "none" : String.join(",", evaluators));
    params.put(prefix + "devices", Arrays.stream(trainer.getDevices()).map(Device::toString)
        .collect(Collectors.joining(",")));
    Block block = trainer.getModel().getBlock();
    if (block != null) {
      params.put(prefix + "initializers", initializers(block));
    }
    params.put(prefix + "model_name", trainer.getModel().getName());
    return params;
  }

  /** The distinct initializers of the block's parameters, in parameter order: {@code XavierInitializer,ZEROS}. */
  private static String initializers(Block block) {
    Set<String> names = new LinkedHashSet<>();
    for (Pair<String, Parameter> parameter : block.getParameters()) {
      Initializer initializer = parameter.getValue().getInitializer();
      if (initializer != null) {
        names.add(nameOf(initializer));
      }
    }
    return names.isEmpty() ? "none" : String.join(",", names);
  }

  private static String nameOf(Initializer initializer) {
    if (initializer == Initializer.ZEROS) {
      return "ZEROS";
    }
    if (initializer == Initializer.ONES) {
      return "ONES";
    }
    Class<?> type = initializer.getClass();
    return type.isSynthetic() ? "lambda" : type.getSimpleName();
  }

  /** {@code epochs} and, where DJL knows them, each data set's size and batch size. */
  static Map<String, Object> ofFit(String prefix, int epochs, Object train, Object validate) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put(prefix + "epochs", epochs);
    dataset(params, prefix + "train_", train);
    dataset(params, prefix + "validation_", validate);
    return params;
  }

  private static void dataset(Map<String, Object> params, String prefix, Object dataset) {
    if (dataset instanceof RandomAccessDataset random) {
      params.put(prefix + "size", random.size());
      // RandomAccessDataset keeps its sampler in a protected field with no getter.
      if (PrivateFields.read(random, "sampler") instanceof Sampler sampler) {
        params.put(prefix + "batch_size", sampler.getBatchSize());
      }
    }
  }

  /** At {@code Trainer.close}: epochs done and the last value of each evaluation ({@code final_train_loss}, ...). */
  static Map<String, Object> ofSummary(String prefix, int epochs, TrainingResult result) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put(prefix + "epochs_done", epochs);
    result.getEvaluations().forEach((key, value) -> {
      if (value != null && !value.isNaN()) {
        params.put(prefix + "final_" + key, value);
      }
    });
    return params;
  }

  /** Each param on its own, so that one refused (a key the app already set otherwise) loses no other. */
  static void record(Run run, Map<String, Object> params) {
    for (Map.Entry<String, Object> param : params.entrySet()) {
      try {
        run.logParam(param.getKey(), param.getValue());
      } catch (RuntimeException e) {
        RecordingFailures.record("DJL param " + param.getKey(), e);
      }
    }
  }
}
