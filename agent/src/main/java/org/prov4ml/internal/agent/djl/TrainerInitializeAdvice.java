package org.prov4ml.internal.agent.djl;

import net.bytebuddy.asm.Advice;

/**
 * Exit of {@code Trainer.initialize(Shape...)}: the block has its parameters now, so the model can
 * be measured.
 *
 * <p>Inlined into DJL's bytecode: parameters are typed {@code Object} so that neither this class nor
 * Byte Buddy needs DJL loaded to read it, and everything happens in a hook that catches all failures.
 */
public final class TrainerInitializeAdvice {

  private TrainerInitializeAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  static void exit(@Advice.This Object trainer) {
    TrainerHooks.initialized(trainer);
  }
}
