package org.prov4ml.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets the application start while Byte Buddy is still being loaded. Loading and configuring Byte
 * Buddy costs about half a second of a cold JVM; done in the premain it would delay every JVM
 * started with the agent, training or not. This transformer, registered by the premain before any
 * application class exists, passes every class through untouched except the few DJL classes the
 * agent instruments:
 *
 * <ul>
 *   <li>{@link DjlTypes#WAIT_FOR} (Trainer, EasyTrain) wait until the Byte Buddy transformer is
 *       ready and go through it, so no trainer is built before the instrumentation exists;
 *   <li>the others (BaseModel) load at once if it is not ready yet, and are retransformed as soon as
 *       it is ({@link #retransformMissed}); DJL loads them with the first model, long before they
 *       matter, and waiting there would stall the application for the whole of Byte Buddy's start.
 * </ul>
 *
 * <p>While it waits, the installer thread also transforms those classes' bytes ahead of time
 * ({@link #prepare}); a load whose bytes are the ones prepared gets the result at once.
 */
final class DeferredTransformer implements ClassFileTransformer {

  /** How long a DJL class load may wait for the installer; beyond that it loads uninstrumented. */
  private static final long MAX_WAIT_SECONDS = 60;

  private final CountDownLatch ready = new CountDownLatch(1);
  private final Map<String, byte[][]> prepared = new ConcurrentHashMap<>();
  private final Set<String> missed = ConcurrentHashMap.newKeySet();
  private volatile ClassFileTransformer delegate;

  /** The instrumentation is ready; {@code null} when it could not be built (classes load untouched). */
  void ready(ClassFileTransformer transformer) {
    delegate = transformer;
    ready.countDown();
  }

  /** Transforms an instrumented class's bytes as {@code loader} would define them, ahead of its loading. */
  void prepare(ClassFileTransformer transformer, ClassLoader loader, String internalName) {
    try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
      if (in != null) {
        byte[] original = in.readAllBytes();
        byte[] transformed = transformer.transform(loader, internalName, null, null, original);
        if (transformed != null) {
          prepared.put(internalName, new byte[][] {original, transformed});
        }
      }
    } catch (IOException | IllegalClassFormatException | RuntimeException e) {
      AgentFailures.record("preparing " + internalName, e); // it is transformed when loaded instead
    }
  }

  @Override
  public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classfileBuffer) throws IllegalClassFormatException {
    if (className == null || !className.startsWith("ai/djl/") || !DjlTypes.INTERNAL_NAMES.contains(className)) {
      return null;
    }
    if (classBeingRedefined == null && !awaitOrMiss(className)) {
      return null;
    }
    byte[][] ahead = classBeingRedefined == null ? prepared.remove(className) : null;
    if (ahead != null && Arrays.equals(ahead[0], classfileBuffer)) {
      return ahead[1];
    }
    ClassFileTransformer transformer = delegate;
    return transformer == null ? null
        : transformer.transform(loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
  }

  /** Whether the instrumentation is ready for this load; if not, the class is noted for later. */
  private boolean awaitOrMiss(String className) {
    if (!DjlTypes.WAIT_FOR.contains(className)) {
      missed.add(className); // before looking at `ready`: the installer looks at `missed` after setting it
      return ready.getCount() == 0;
    }
    try {
      if (ready.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS)) {
        return true;
      }
      AgentFailures.record("waiting for the instrumentation", new IllegalStateException(
          className + " loaded uninstrumented: the agent was not ready after " + MAX_WAIT_SECONDS + " s"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /**
   * Retransforms the classes that loaded before {@link #ready}. A class noted as missed may still be
   * in the middle of being defined, so this looks again a few times. Retransforming starts from the
   * original class file, so a class that was in fact transformed is not transformed twice.
   */
  void retransformMissed(Instrumentation instrumentation) throws InterruptedException {
    for (int attempt = 0; attempt < 20 && !missed.isEmpty(); attempt++) {
      List<Class<?>> loaded = new ArrayList<>();
      for (Class<?> c : instrumentation.getAllLoadedClasses()) {
        if (missed.remove(c.getName().replace('.', '/'))) {
          loaded.add(c);
        }
      }
      if (!loaded.isEmpty()) {
        try {
          instrumentation.retransformClasses(loaded.toArray(new Class<?>[0]));
        } catch (UnmodifiableClassException | RuntimeException e) {
          AgentFailures.record("retransforming " + loaded, e);
        }
      }
      if (!missed.isEmpty()) {
        Thread.sleep(50);
      }
    }
  }
}
