package org.prov4ml.internal.agent.djl;

import net.bytebuddy.asm.Advice;

/**
 * Exit of {@code Trainer.step()}: the optimizer has just counted this update, so its tracker gives
 * the learning rate the step used.
 *
 * <p>Inlined into DJL's bytecode: parameters are typed {@code Object} so that neither this class nor
 * Byte Buddy needs DJL loaded to read it, and everything happens in a hook that catches all failures.
 */
public final class TrainerStepAdvice {

  private TrainerStepAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  static void exit(@Advice.This Object trainer) {
    TrainerHooks.stepped(trainer);
  }
}
