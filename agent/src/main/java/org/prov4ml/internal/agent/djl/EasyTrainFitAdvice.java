package org.prov4ml.internal.agent.djl;

import net.bytebuddy.asm.Advice;

/**
 * {@code EasyTrain.fit(Trainer, int, Dataset, Dataset)}: epochs and data set sizes on entry; on
 * exit (also by an exception) the validation inside fit stops being a test evaluation.
 *
 * <p>Inlined into DJL's bytecode: parameters are typed {@code Object} so that neither this class nor
 * Byte Buddy needs DJL loaded to read it, and everything happens in a hook that catches all failures.
 */
public final class EasyTrainFitAdvice {

  private EasyTrainFitAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static void enter(@Advice.Argument(0) Object trainer, @Advice.Argument(1) int epochs,
      @Advice.Argument(2) Object trainDataset, @Advice.Argument(3) Object validateDataset) {
    EasyTrainHooks.fitStarted(trainer, epochs, trainDataset, validateDataset);
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  static void exit(@Advice.Argument(0) Object trainer) {
    EasyTrainHooks.fitEnded(trainer);
  }
}
