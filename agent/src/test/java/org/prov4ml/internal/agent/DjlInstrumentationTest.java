package org.prov4ml.internal.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.implementation.StubMethod;
import org.junit.jupiter.api.Test;

class DjlInstrumentationTest {

  /** The configuration reports a switch of another name, so the names it knows must be the hooks'. */
  @Test
  void theConfigurationKnowsExactlyTheHooksSwitches() {
    assertEquals(org.prov4ml.internal.config.ConfigKeys.INSTRUMENTATIONS.stream().sorted().toList(),
        DjlInstrumentation.HOOKS.stream().map(DjlHook::name).distinct().sorted().toList());
  }

  @Test
  void everyHookHasASwitchNameAndAnAdviceThatNeedsNoDjlType() throws Exception {
    Set<String> names = new HashSet<>();
    for (DjlHook hook : DjlInstrumentation.HOOKS) {
      assertTrue(hook.name().matches("[a-z0-9-]+"), hook.name());
      names.add(hook.name()); // one switch may cover the hooks of one concern (model-load: four methods)
      assertTrue(hook.type().startsWith("ai.djl."), hook.type());
      int adviceMethods = 0;
      for (Method m : Class.forName(hook.advice()).getDeclaredMethods()) {
        Advice.OnMethodEnter enter = m.getAnnotation(Advice.OnMethodEnter.class);
        Advice.OnMethodExit exit = m.getAnnotation(Advice.OnMethodExit.class);
        if (enter != null || exit != null) {
          adviceMethods++;
          assertEquals(Throwable.class, enter != null ? enter.suppress() : exit.suppress(), m.toString());
          for (Class<?> parameter : m.getParameterTypes()) {
            // Object for DJL's types, and the JDK's own (a primitive, the Throwable of @Advice.Thrown)
            assertTrue(parameter == Object.class || parameter == Throwable.class || parameter.isPrimitive(),
                m + " takes " + parameter);
          }
        }
      }
      assertTrue(adviceMethods > 0, hook.advice());
    }
    assertEquals(Set.of("listeners", "step", "fit", "evaluate", "model-save", "model-load", "seed"), names);
  }

  @Test
  void theTransformerKnowsEveryInstrumentedTypeByName() {
    Set<String> types = new HashSet<>();
    for (DjlHook hook : DjlInstrumentation.HOOKS) {
      types.add(hook.type().replace('.', '/'));
    }
    assertEquals(types, DjlTransformer.INSTRUMENTED);
  }

  @Test
  void theDjlOnTheClassPathHasTheExpectedShape() {
    ClassLoader loader = getClass().getClassLoader();
    assertNull(DjlInstrumentation.shapeMismatch(loader));
    assertEquals("0.36.0", DjlInstrumentation.djlVersion(loader));
  }

  @Test
  void aDjlWithADifferentTrainerIsNamedWithWhatDiffers() {
    byte[] trainer = new ByteBuddy().subclass(Object.class).name("ai.djl.training.Trainer")
        .defineMethod("step", void.class, Visibility.PUBLIC).withParameters(int.class).intercept(StubMethod.INSTANCE)
        .defineMethod("notifyListeners", void.class, Visibility.PUBLIC).withParameters(Consumer.class)
        .intercept(StubMethod.INSTANCE)
        .make().getBytes();
    ClassLoader odd = new Resources(getClass().getClassLoader(), Map.of("ai/djl/training/Trainer.class", trainer,
        "ai/djl/engine/api.properties", "djl_version=0.1.0-odd\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals("ai.djl.training.Trainer has no public step()", DjlInstrumentation.shapeMismatch(odd));
    assertEquals("0.1.0-odd", DjlInstrumentation.djlVersion(odd));
  }

  @Test
  void aDjlWhoseEngineTakesNoIntSeedIsNamedWithWhatDiffers() {
    // An Engine whose setRandomSeed takes a long: the advice's int argument would not fit.
    byte[] engine = new ByteBuddy().subclass(Object.class).name("ai.djl.engine.Engine")
        .defineMethod("setRandomSeed", void.class, Visibility.PUBLIC).withParameters(long.class)
        .intercept(StubMethod.INSTANCE)
        .make().getBytes();
    ClassLoader odd = new Resources(getClass().getClassLoader(), Map.of("ai/djl/engine/Engine.class", engine));
    assertEquals("ai.djl.engine.Engine has no public setRandomSeed(int)", DjlInstrumentation.shapeMismatch(odd));
  }

  /** A class loader whose resources are these bytes, else its parent's. */
  private static final class Resources extends ClassLoader {
    private final Map<String, byte[]> resources;

    Resources(ClassLoader parent, Map<String, byte[]> resources) {
      super(parent);
      this.resources = resources;
    }

    @Override
    public InputStream getResourceAsStream(String name) {
      byte[] bytes = resources.get(name);
      return bytes != null ? new ByteArrayInputStream(bytes) : super.getResourceAsStream(name);
    }
  }
}
