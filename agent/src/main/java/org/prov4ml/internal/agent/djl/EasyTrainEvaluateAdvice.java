package org.prov4ml.internal.agent.djl;

import net.bytebuddy.asm.Advice;

/**
 * Exit of {@code EasyTrain.evaluateDataset(Trainer, Dataset)}: it returns nothing, the values are in
 * each evaluator's {@code validate/epoch} accumulator.
 *
 * <p>Inlined into DJL's bytecode: parameters are typed {@code Object} so that neither this class nor
 * Byte Buddy needs DJL loaded to read it, and everything happens in a hook that catches all failures.
 */
public final class EasyTrainEvaluateAdvice {

  private EasyTrainEvaluateAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  static void exit(@Advice.Argument(0) Object trainer, @Advice.Argument(1) Object dataset) {
    EasyTrainHooks.evaluated(trainer, dataset);
  }
}
