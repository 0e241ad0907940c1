package org.prov4ml.internal.run;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prov4ml.internal.inputs.PrivateFields;

/**
 * An optimizer's hyper-parameters as prov4ml params. DJL's optimizers expose none of them (every
 * setting is a private field set by the builder), so they are read reflectively by field name,
 * walking up the class hierarchy; a field an optimizer does not have is simply absent.
 */
public final class OptimizerParams {

  /** DJL field name to param suffix, in the order they are recorded. */
  private static final Map<String, String> FIELDS = new LinkedHashMap<>();

  static {
    FIELDS.put("beta1", "beta1");
    FIELDS.put("beta2", "beta2");
    FIELDS.put("epsilon", "epsilon");
    FIELDS.put("momentum", "momentum");
    FIELDS.put("rho", "rho");
    FIELDS.put("centered", "centered");
    FIELDS.put("weightDecays", "weight_decay");
    FIELDS.put("clipGrad", "clip_grad");
    FIELDS.put("rescaleGrad", "rescale_grad");
  }

  private OptimizerParams() {}

  /** {@code optimizer_name}, {@code optimizer_lr} and every hyper-parameter the optimizer has. */
  public static Map<String, Object> of(Optimizer optimizer, String prefix) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put(prefix + "optimizer_name", optimizer.getClass().getSimpleName());
    Float lr = currentLearningRate(optimizer);
    if (lr != null) {
      params.put(prefix + "optimizer_lr", lr);
    }
    FIELDS.forEach((field, suffix) -> {
      Object value = PrivateFields.read(optimizer, field);
      if (value != null) {
        params.put(prefix + "optimizer_" + suffix, value);
      }
    });
    return params;
  }

  /**
   * The learning rate the optimizer's tracker gives at its current update count. Never asks for a
   * later step: DJL's {@code MultiFactorTracker} advances its own state when asked.
   */
  public static Float currentLearningRate(Optimizer optimizer) {
    Object tracker = PrivateFields.read(optimizer, "learningRateTracker");
    if (!(tracker instanceof ParameterTracker parameterTracker)) {
      return null; // Adadelta has none
    }
    Object numUpdate = PrivateFields.read(optimizer, "numUpdate");
    int step = numUpdate instanceof Integer n ? n : 0;
    return parameterTracker.getNewValue("", step);
  }
}
