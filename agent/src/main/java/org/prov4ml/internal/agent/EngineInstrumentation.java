package org.prov4ml.internal.agent;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.List;
import net.bytebuddy.asm.Advice;
import org.prov4ml.internal.djl.TrainerEvents;

/**
 * {@code ai.djl.engine.Engine}: every {@code setRandomSeed}, also one made mid-run, which the
 * listener cannot see. Only the abstract {@code Engine}'s own method, not its overrides: DJL's
 * engines ({@code PtEngine} among them) override it and call {@code super}, so one call is seen once.
 *
 * <p>The advice is inlined into DJL's bytecode: it takes no DJL type, so that neither it nor Byte
 * Buddy needs DJL loaded to read it, and everything it calls catches all failures.
 */
final class EngineInstrumentation {

  static final String TYPE = "ai.djl.engine.Engine";

  static final List<DjlHook> HOOKS = List.of(
      new DjlHook("seed", TYPE, "setRandomSeed(int)", named("setRandomSeed").and(isPublic()).and(not(isStatic()))
          .and(not(isAbstract())).and(takesArguments(1)).and(takesArgument(0, int.class)),
          SetRandomSeedAdvice.class.getName()));

  private EngineInstrumentation() {}

  /** Exit of {@code setRandomSeed(int)}: the engine holds the seed now. Not on an exception: then it may not. */
  public static final class SetRandomSeedAdvice {
    private SetRandomSeedAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Argument(0) int seed) {
      TrainerEvents.seedSet(seed);
    }
  }
}
