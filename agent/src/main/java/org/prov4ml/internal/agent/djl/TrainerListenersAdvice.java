package org.prov4ml.internal.agent.djl;

import net.bytebuddy.asm.Advice;

/**
 * Exit of {@code Trainer.notifyListeners(Consumer)}: the event is a lambda, so which one fired
 * cannot be told from outside; handing the same consumer our own listener lets DJL say it, after
 * every listener of the application (so DJL's accumulators are updated and not yet reset where it
 * matters).
 *
 * <p>Inlined into DJL's bytecode: parameters are typed {@code Object} so that neither this class nor
 * Byte Buddy needs DJL loaded to read it, and everything happens in a hook that catches all failures.
 */
public final class TrainerListenersAdvice {

  private TrainerListenersAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  static void exit(@Advice.This Object trainer, @Advice.Argument(0) Object event) {
    TrainerHooks.listenersNotified(trainer, event);
  }
}
