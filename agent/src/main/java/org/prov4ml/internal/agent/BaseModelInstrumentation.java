package org.prov4ml.internal.agent;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.List;
import net.bytebuddy.asm.Advice;
import org.prov4ml.internal.djl.ModelLoadEvents;
import org.prov4ml.internal.djl.TrainerEvents;

/**
 * {@code ai.djl.BaseModel}: each save of the application is a model version, and each {@code .params}
 * file it reads is a model the run starts from ({@code Model.load} with a block, {@code Criteria.loadModel}
 * and {@code ZooModel} end there). Only the real model's
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
          SaveAdvice.class.getName()),
      new DjlHook("model-load", TYPE, "readParameters(Path, Map)", named("readParameters").and(takesArguments(2))
          .and(takesArgument(0, named("java.nio.file.Path"))).and(takesArgument(1, named("java.util.Map"))),
          ReadParametersAdvice.class.getName()),
      new DjlHook("model-load", TYPE, "readParameters(InputStream, Map)", named("readParameters")
          .and(takesArguments(2)).and(takesArgument(0, named("java.io.InputStream")))
          .and(takesArgument(1, named("java.util.Map"))), ReadParameterStreamAdvice.class.getName()));

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

  /**
   * {@code readParameters(Path, Map)}: entry marks the thread as reading a file (the stream read inside
   * it is that file's); exit records the file when DJL read it (it returns false for a file not in its
   * format) and nothing threw.
   */
  public static final class ReadParametersAdvice {
    private ReadParametersAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter() {
      ModelLoadEvents.parametersReading();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object model, @Advice.Argument(0) Object file, @Advice.Return boolean loaded,
        @Advice.Thrown Throwable thrown) {
      ModelLoadEvents.parametersRead(model, file, loaded, thrown);
    }
  }

  /** {@code readParameters(InputStream, Map)}: a model loaded from a stream, when no file read holds it. */
  public static final class ReadParameterStreamAdvice {
    private ReadParameterStreamAdvice() {}

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object model, @Advice.Return boolean loaded, @Advice.Thrown Throwable thrown) {
      ModelLoadEvents.parameterStreamRead(model, loaded, thrown);
    }
  }
}
