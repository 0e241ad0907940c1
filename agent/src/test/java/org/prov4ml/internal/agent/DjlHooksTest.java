package org.prov4ml.internal.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Set;
import net.bytebuddy.asm.Advice;
import org.junit.jupiter.api.Test;

class DjlHooksTest {

  @Test
  void everyHookHasASwitchNameAndAnAdviceThatNeedsNoDjlType() throws Exception {
    Set<String> names = new HashSet<>();
    for (DjlHooks.Hook hook : DjlHooks.HOOKS) {
      assertTrue(hook.name().matches("[a-z0-9-]+"), hook.name());
      assertTrue(names.add(hook.name()), "duplicate switch " + hook.name());
      assertTrue(hook.type().startsWith("ai.djl."), hook.type());
      int adviceMethods = 0;
      for (Method m : Class.forName(hook.advice()).getDeclaredMethods()) {
        Advice.OnMethodEnter enter = m.getAnnotation(Advice.OnMethodEnter.class);
        Advice.OnMethodExit exit = m.getAnnotation(Advice.OnMethodExit.class);
        if (enter != null || exit != null) {
          adviceMethods++;
          assertEquals(Throwable.class, enter != null ? enter.suppress() : exit.suppress(), m.toString());
          for (Class<?> parameter : m.getParameterTypes()) {
            assertTrue(parameter == Object.class || parameter.isPrimitive(), m + " takes " + parameter);
          }
        }
      }
      assertTrue(adviceMethods > 0, hook.advice());
    }
    assertEquals(Set.of("trainer", "initialize", "step", "listeners", "fit", "evaluate", "model-save"), names);
  }
}
