package org.prov4ml.internal.run;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/**
 * The size of a DJL model: scalars and bytes over all parameter arrays of its block.
 *
 * @param totalParams number of scalars
 * @param memoryBytes bytes those scalars occupy in their data types
 */
public record ModelSize(long totalParams, long memoryBytes) {

  /**
   * Measures an initialised model.
   *
   * @throws IllegalArgumentException when the model has no block or its block is not initialised
   */
  public static ModelSize of(Model model, String argument) {
    Block block = model.getBlock();
    if (block == null || !block.isInitialized()) {
      throw new IllegalArgumentException(argument + " '" + model.getName() + "' has "
          + (block == null ? "no block" : "a block that is not initialised")
          + "; call Trainer.initialize(...) or load the model first");
    }
    long scalars = 0;
    long bytes = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter parameter = p.getValue();
      if (parameter.isInitialized()) {
        NDArray array = parameter.getArray();
        long size = array.size();
        scalars += size;
        bytes += size * array.getDataType().getNumOfBytes();
      }
    }
    return new ModelSize(scalars, bytes);
  }
}
