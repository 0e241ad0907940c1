package org.prov4ml.internal.agent;

import java.io.IOException;
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
import java.util.function.Supplier;
import org.tinylog.Logger;

/**
 * The agent's one class file transformer, registered by the premain before any application class
 * exists, so the application starts while the agent is still being set up. It passes every class
 * through untouched except the few DJL classes the agent instruments:
 *
 * <ul>
 *   <li>{@link DjlHooks#WAIT_FOR} (Trainer, EasyTrain) wait until the instrumentation is ready, so
 *       no trainer is built before it exists;
 *   <li>the others (BaseModel) load at once if it is not ready yet, and are retransformed as soon as
 *       it is ({@link #retransformMissed}); DJL loads them with the first model, long before they
 *       matter, and waiting there would stall the application.
 * </ul>
 *
 * <p>A class whose bytes are known ({@link PrewovenClasses}, or woven ahead of its loading by
 * {@link #prepare}) gets its woven bytes at once. Any other goes through Byte Buddy, which is only
 * built when such a class is expected or actually arrives: building it costs about 0.7 s of CPU.
 */
final class DeferredTransformer implements ClassFileTransformer {

  /** How long a DJL class load may wait for the installer; beyond that it loads uninstrumented. */
  private static final long MAX_WAIT_SECONDS = 60;

  private final CountDownLatch ready = new CountDownLatch(1);
  /** Original and woven class file by internal name. */
  private final Map<String, byte[][]> woven = new ConcurrentHashMap<>();
  private final Set<String> missed = ConcurrentHashMap.newKeySet();
  private volatile ClassFileTransformer live;
  private volatile Supplier<ClassFileTransformer> liveFactory;

  /** Classes whose woven form is known in advance. */
  void addWoven(Map<String, byte[][]> classes) {
    woven.putAll(classes);
  }

  /** Whether the woven form of every instrumented class is known. */
  boolean coversAll() {
    return woven.keySet().containsAll(DjlHooks.INTERNAL_NAMES);
  }

  /**
   * Transforms an instrumented class's bytes as {@code loader} would define them, ahead of its
   * loading, unless its woven form is known already.
   */
  void prepare(ClassFileTransformer transformer, ClassLoader loader, String internalName) {
    if (woven.containsKey(internalName)) {
      return;
    }
    try {
      byte[] original = PrewovenClasses.read(loader, internalName + ".class");
      byte[] transformed = original == null ? null : transformer.transform(loader, internalName, null, null, original);
      if (transformed != null) {
        woven.put(internalName, new byte[][] {original, transformed});
      }
    } catch (IOException | IllegalClassFormatException | RuntimeException e) {
      AgentFailures.record("preparing " + internalName, e); // it is transformed when loaded instead
    }
  }

  /**
   * The instrumentation is ready: {@code live} is Byte Buddy's transformer if it was built already,
   * {@code liveFactory} builds it if a class with unknown bytes turns up; both null when the agent
   * could not be configured (classes then load untouched).
   */
  void ready(ClassFileTransformer live, Supplier<ClassFileTransformer> liveFactory) {
    this.live = live;
    this.liveFactory = live == null ? liveFactory : null;
    ready.countDown();
  }

  @Override
  public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classfileBuffer) throws IllegalClassFormatException {
    if (className == null || !className.startsWith("ai/djl/") || !DjlHooks.INTERNAL_NAMES.contains(className)) {
      return null;
    }
    if (classBeingRedefined == null && !awaitOrMiss(className)) {
      return null;
    }
    // A retransformation is handed the class file as it was first loaded (the JVM keeps it for
    // retransformable transformers), so known bytes match there too.
    byte[][] known = woven.get(className);
    if (known != null && Arrays.equals(known[0], classfileBuffer)) {
      return known[1];
    }
    ClassFileTransformer transformer = live(className);
    return transformer == null ? null
        : transformer.transform(loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
  }

  /** Byte Buddy's transformer, built on first need. */
  private ClassFileTransformer live(String className) {
    ClassFileTransformer transformer = live;
    if (transformer != null || liveFactory == null) {
      return transformer;
    }
    synchronized (this) {
      Supplier<ClassFileTransformer> factory = liveFactory;
      if (live == null && factory != null) {
        liveFactory = null;
        Logger.info("prov4ml agent: {} is not the one the agent jar was built with; instrumenting it with Byte "
            + "Buddy at run time", className.replace('/', '.'));
        try {
          live = factory.get();
        } catch (Throwable e) {
          AgentFailures.record("building the instrumentation", e);
        }
      }
      return live;
    }
  }

  /** Whether the instrumentation is ready for this load; if not, the class is noted for later. */
  private boolean awaitOrMiss(String className) {
    if (!DjlHooks.WAIT_FOR.contains(className)) {
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
