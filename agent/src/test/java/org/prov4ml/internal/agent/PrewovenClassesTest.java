package org.prov4ml.internal.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.prov4ml.internal.config.Prov4mlConfig;

class PrewovenClassesTest {

  private static final ClassLoader DJL = PrewovenClassesTest.class.getClassLoader();

  @Test
  void theJarHoldsTheDjlClassesOfTheBuildWovenExactlyAsByteBuddyWeavesThemAtRunTime() throws Exception {
    Map<String, byte[][]> woven = PrewovenClasses.matching(DJL, config(new Properties()));
    assertEquals(DjlHooks.INTERNAL_NAMES, woven.keySet(), "the build wove another DJL than the tests use");
    ClassFileTransformer live = DjlInstrumentation.builder(config(new Properties())).makeRaw();
    for (String type : DjlHooks.INTERNAL_NAMES) {
      byte[] original = PrewovenClasses.read(DJL, type + ".class");
      assertArrayEquals(original, woven.get(type)[0], type);
      assertArrayEquals(live.transform(DJL, type, null, null, original), woven.get(type)[1], type);
    }
  }

  @Test
  void aTypeWithAnInstrumentationSwitchedOffIsLeftToByteBuddy() throws Exception {
    Properties stepOff = new Properties();
    stepOff.setProperty("prov4ml.instrument.step.enabled", "false");
    Map<String, byte[][]> woven = PrewovenClasses.matching(DJL, config(stepOff));
    assertEquals(DjlHooks.INTERNAL_NAMES.size() - 1, woven.size());
    assertFalse(woven.containsKey("ai/djl/training/Trainer"));
  }

  @Test
  void aClassFileOtherThanTheOneWovenAtBuildTimeIsLeftToByteBuddy() throws Exception {
    ClassLoader otherDjl = new ClassLoader(null) {
      @Override
      public InputStream getResourceAsStream(String name) {
        return name.equals("ai/djl/training/EasyTrain.class") ? new ByteArrayInputStream(new byte[] {1, 2, 3})
            : DJL.getResourceAsStream(name);
      }
    };
    Map<String, byte[][]> woven = PrewovenClasses.matching(otherDjl, config(new Properties()));
    assertEquals(DjlHooks.INTERNAL_NAMES.size() - 1, woven.size());
    assertFalse(woven.containsKey("ai/djl/training/EasyTrain"));
  }

  static Prov4mlConfig config(Properties properties) {
    return Prov4mlConfig.load(properties, Map.of(), null);
  }
}
