package org.prov4ml.internal.agent.djl;

import net.bytebuddy.asm.Advice;

/**
 * Exit of {@code BaseModel.save(Path, String)}, not of every {@code Model.save}: a {@code ZooModel}
 * delegates to its {@code BaseModel}, and the save must be seen once. Only a save that returned
 * normally wrote its {@code .params} file.
 *
 * <p>Inlined into DJL's bytecode: parameters are typed {@code Object} so that neither this class nor
 * Byte Buddy needs DJL loaded to read it, and everything happens in a hook that catches all failures.
 */
public final class ModelSaveAdvice {

  private ModelSaveAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  static void exit(@Advice.This Object model, @Advice.Argument(0) Object directory,
      @Advice.Argument(1) Object name) {
    ModelSaveHooks.saved(model, directory, name);
  }
}
