package org.prov4ml.internal.agent;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.List;
import net.bytebuddy.asm.Advice;
import org.prov4ml.internal.djl.TrainerEvents;

/**
 * {@code ai.djl.training.Trainer}: how the agent adds its training listener to every trainer, and
 * the learning rate of every step, for custom loops too.
 *
 * <p>The advice is inlined into DJL's bytecode: its parameters are typed {@code Object} so that
 * neither it nor Byte Buddy needs DJL loaded to read it, and everything it calls catches all failures.
 */
final class TrainerInstrumentation {

  static final String TYPE = "ai.djl.training.Trainer";

  static final List<DjlHook> HOOKS = List.of(
      new DjlHook("listeners", TYPE, "notifyListeners(Consumer)", named("notifyListeners").and(isPublic())
          .and(takesArguments(1)).and(takesArgument(0, named("java.util.function.Consumer"))),
          NotifyListenersAdvice.class.getName()),
      new DjlHook("step", TYPE, "step()", named("step").and(isPublic()).and(takesArguments(0)),
          StepAdvice.class.getName()));

  private TrainerInstrumentation() {}

  /**
   * Exit of {@code notifyListeners(Consumer)}: the application's listeners have had the event, now
   * the agent's does ({@link TrainerEvents#listenersNotified}). It is the only way to add a listener
   * to every trainer without touching the application's config (whose listener list may be
   * immutable or shared), and it runs after every listener of the application, onTrainingBegin in
   * the constructor included. Not on an exception: DJL's own listeners stopped there too.
   */
  public static final class NotifyListenersAdvice {
    private NotifyListenersAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Argument(0) Object event) {
      TrainerEvents.listenersNotified(event);
    }
  }

  /** Exit of {@code step()}: the optimizer has just counted this update, so its tracker gives the rate it used. */
  public static final class StepAdvice {
    private StepAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object trainer) {
      TrainerEvents.stepped(trainer);
    }
  }
}
