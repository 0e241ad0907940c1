package org.prov4ml.internal.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.instrument.ClassFileTransformer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeferredTransformerTest {

  private static final String TRAINER = "ai/djl/training/Trainer";
  private static final byte[] ORIGINAL = {1, 2, 3};
  private static final byte[] WOVEN = {4, 5, 6};
  private static final byte[] LIVE = {7, 8, 9};

  private final AtomicInteger builds = new AtomicInteger();
  private final ClassFileTransformer byteBuddy = new ClassFileTransformer() {
    @Override
    public byte[] transform(ClassLoader l, String name, Class<?> c, java.security.ProtectionDomain d, byte[] b) {
      return LIVE;
    }
  };

  private DeferredTransformer gate() {
    DeferredTransformer gate = new DeferredTransformer();
    gate.addWoven(Map.of(TRAINER, new byte[][] {ORIGINAL, WOVEN}));
    gate.ready(null, () -> {
      builds.incrementAndGet();
      return byteBuddy;
    });
    return gate;
  }

  @Test
  void knownBytesGetTheirWovenFormWithoutByteBuddyBeingBuilt() throws Exception {
    DeferredTransformer gate = gate();
    assertArrayEquals(WOVEN, gate.transform(null, TRAINER, null, null, ORIGINAL.clone()));
    assertArrayEquals(WOVEN, gate.transform(null, TRAINER, null, null, ORIGINAL.clone()), "a second class loader");
    assertEquals(0, builds.get());
  }

  @Test
  void otherBytesOfAnInstrumentedClassBuildByteBuddyOnceAndGoThroughIt() throws Exception {
    DeferredTransformer gate = gate();
    assertArrayEquals(LIVE, gate.transform(null, TRAINER, null, null, new byte[] {9}));
    assertArrayEquals(LIVE, gate.transform(null, "ai/djl/BaseModel", null, null, new byte[] {9}));
    assertEquals(1, builds.get());
  }

  @Test
  void everyOtherClassPassesUntouched() throws Exception {
    DeferredTransformer gate = gate();
    assertNull(gate.transform(null, "ai/djl/training/TrainingConfig", null, null, ORIGINAL));
    assertNull(gate.transform(null, "com/example/Trainer", null, null, ORIGINAL));
    assertEquals(0, builds.get());
  }

  @Test
  void withoutAConfigurationEveryClassLoadsUntouched() throws Exception {
    DeferredTransformer gate = new DeferredTransformer();
    gate.ready(null, null);
    assertNull(gate.transform(null, TRAINER, null, null, ORIGINAL));
    assertTrue(builds.get() == 0);
  }
}
