package org.prov4ml.internal.agent;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.List;
import net.bytebuddy.asm.Advice;
import org.prov4ml.internal.djl.TrainerEvents;

/**
 * {@code ai.djl.BaseModel}: each save of the application is a model version. Only the real model's
 * save, not every {@code Model.save}: a {@code ZooModel} delegates to its {@code BaseModel}, and a
 * save must be seen once.
 *
 * <p>The advice is inlined into DJL's bytecode: its parameters are typed {@code Object} so that
 * neither it nor Byte Buddy needs DJL loaded to read it, and everything it calls catches all failures.
 */
final class BaseModelInstrumentation {

  static final String TYPE = "ai.djl.BaseModel";

  static final List<DjlHook> HOOKS = List.of(
      new DjlHook("model-save", TYPE, "save(Path, String)", named("save").and(isPublic()).and(takesArguments(2))
          .and(takesArgument(0, named("java.nio.file.Path"))).and(takesArgument(1, String.class)),
          SaveAdvice.class.getName()));

  private BaseModelInstrumentation() {}

  /**
   * Entry of {@code save(Path, String)}: a recorded version linked to the file about to be rewritten
   * is un-shared first. Exit: only a save that returned normally wrote its {@code .params} file; one
   * that threw gets back the file its entry un-shared.
   */
  public static final class SaveAdvice {
    private SaveAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object model, @Advice.Argument(0) Object directory,
        @Advice.Argument(1) Object name) {
      TrainerEvents.modelSaving(model, directory, name);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object model, @Advice.Argument(0) Object directory,
        @Advice.Argument(1) Object name, @Advice.Thrown Throwable thrown) {
      TrainerEvents.modelSaved(model, directory, name, thrown);
    }
  }
}
