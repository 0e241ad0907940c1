package org.prov4ml.internal.agent;

import static net.bytebuddy.matcher.ElementMatchers.isPrivate;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.List;
import net.bytebuddy.asm.Advice;
import org.prov4ml.internal.djl.ModelLoadEvents;

/**
 * {@code ai.djl.pytorch.engine.PtModel}: a model loaded without a block is a TorchScript file, which
 * {@code load(Path, String, Map)} finds itself ({@code findModelFile}: the path given, or a file named
 * after the prefix or the folder, with or without {@code .pt}) and hands to the native library, so the
 * file is known only inside it; or a TorchScript stream ({@code load(InputStream, boolean)}). With a
 * block, the load reads a {@code .params} file through {@code BaseModel.readParameters}
 * ({@link BaseModelInstrumentation}). The PyTorch engine's class: optional, as an application of another
 * engine does not have it.
 *
 * <p>The advice is inlined into DJL's bytecode: its parameters are typed {@code Object}, and everything it
 * calls catches all failures.
 */
final class PtModelInstrumentation {

  static final String TYPE = "ai.djl.pytorch.engine.PtModel";

  static final List<DjlHook> HOOKS = List.of(
      new DjlHook("model-load", TYPE, "findModelFile(String...)", named("findModelFile").and(isPrivate())
          .and(takesArguments(1)).and(takesArgument(0, String[].class)), FindModelFileAdvice.class.getName(), true),
      new DjlHook("model-load", TYPE, "load(Path, String, Map)", named("load").and(isPublic()).and(takesArguments(3))
          .and(takesArgument(0, named("java.nio.file.Path"))).and(takesArgument(1, String.class))
          .and(takesArgument(2, named("java.util.Map"))), LoadFileAdvice.class.getName(), true),
      new DjlHook("model-load", TYPE, "load(InputStream, boolean)", named("load").and(isPublic())
          .and(takesArguments(2)).and(takesArgument(0, named("java.io.InputStream")))
          .and(takesArgument(1, boolean.class)), LoadStreamAdvice.class.getName(), true));

  private PtModelInstrumentation() {}

  /** Exit of {@code findModelFile}: the TorchScript file the load under way will read, when it found one. */
  public static final class FindModelFileAdvice {
    private FindModelFileAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Return Object file) {
      ModelLoadEvents.torchScriptFound(file);
    }
  }

  /** Exit of {@code load(Path, String, Map)}: the TorchScript file found was loaded, unless the load threw. */
  public static final class LoadFileAdvice {
    private LoadFileAdvice() {}

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object model, @Advice.Thrown Throwable thrown) {
      ModelLoadEvents.torchScriptLoadEnded(model, thrown);
    }
  }

  /**
   * {@code load(InputStream, boolean)}: entry notes whether the model had a block (then the stream holds
   * parameters, seen by {@code readParameters}); exit records a TorchScript stream otherwise.
   */
  public static final class LoadStreamAdvice {
    private LoadStreamAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static boolean enter(@Advice.FieldValue("block") Object block) {
      return block != null;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object model, @Advice.Enter boolean hadBlock, @Advice.Thrown Throwable thrown) {
      ModelLoadEvents.torchScriptStreamLoaded(model, hadBlock, thrown);
    }
  }
}
