package org.prov4ml.internal.agent.djl;

import net.bytebuddy.asm.Advice;

/**
 * Exit of {@code Trainer(Model, TrainingConfig)}: the config is the only place the optimizer is
 * reachable from (the trainer keeps no reference to it).
 *
 * <p>Inlined into DJL's bytecode: parameters are typed {@code Object} so that neither this class nor
 * Byte Buddy needs DJL loaded to read it, and everything happens in a hook that catches all failures.
 */
public final class TrainerConstructorAdvice {

  private TrainerConstructorAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  static void exit(@Advice.This Object trainer, @Advice.Argument(1) Object config) {
    TrainerHooks.created(trainer, config);
  }
}
