package org.prov4ml.internal.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.run.RecordingFailures;
import org.prov4ml.internal.djl.TrainerEvents;
import org.prov4ml.internal.config.Prov4mlVersion;
import org.tinylog.Logger;

/**
 * The agent's class file transformer, registered by the premain. It passes every class through
 * untouched, without looking further than its name, except DJL's few instrumented classes, into
 * which the agent weaves its advice ({@link AdviceWeaver}). The agent is set up (the log, the
 * configuration, the check that this DJL has the expected shape, then the weaver) when the first DJL class of any
 * kind loads, on a thread of its own: an application loads DJL's engine and its native library
 * before it builds its first model, so the set-up runs beside that instead of adding to it. The
 * first instrumented class (DJL loads {@code BaseModel} with the first model) then finds the agent
 * built, or finishes the set-up itself if the set-up thread is behind, since the two share one
 * lock: the class load waits for nothing it would not otherwise have done. DJL's {@code Engine},
 * instrumented for its seed but loaded as DJL starts, is not made to wait: it is woven by
 * retransformation once the set-up is done. The set-up reads DJL's
 * class files as resources and loads no DJL class, so it never needs a lock a loading thread holds.
 * A JVM that never loads DJL never loads Byte Buddy, and no trainer can be built before the
 * instrumentation exists.
 *
 * <p>A DJL whose classes do not have the shape the advice expects gets one warning naming its
 * version, and none of its classes is changed.
 */
final class DjlTransformer implements ClassFileTransformer {

  private static final String TRAINER = TrainerInstrumentation.TYPE.replace('.', '/');

  private static final String ENGINE = EngineInstrumentation.TYPE.replace('.', '/');

  /** The instrumented types in the JVM's internal form, from compile-time constants: no Byte Buddy needed to test a name. */
  static final Set<String> INSTRUMENTED = Set.of(TrainerInstrumentation.TYPE.replace('.', '/'),
      EasyTrainInstrumentation.TYPE.replace('.', '/'), BaseModelInstrumentation.TYPE.replace('.', '/'),
      PtModelInstrumentation.TYPE.replace('.', '/'), ENGINE);

  private final AgentArguments arguments;
  private final Instrumentation jvm;
  private final AtomicBoolean setUpStarted = new AtomicBoolean();
  /**
   * The class loaders whose {@code Engine} loaded before the set-up was done, left unwoven then and
   * retransformed by the set-up thread when it is; the lock also orders that hand-over.
   */
  private final List<ClassLoader> enginesToWeave = new ArrayList<>();
  private boolean setUpDone; // guarded by enginesToWeave
  /** The advice weaver, built on first need; null until then, or when the agent cannot run. */
  private ClassFileTransformer byteBuddy;
  private boolean setUp;
  private Prov4mlConfig config;
  /**
   * Per class loader that holds DJL: whether its classes can be woven (the advice reaches the agent
   * from there, and they have the expected shape).
   */
  private final Map<ClassLoader, Boolean> weavable = Collections.synchronizedMap(new WeakHashMap<>());
  private final AtomicBoolean shapeWarned = new AtomicBoolean();
  private final AtomicBoolean unreachableWarned = new AtomicBoolean();

  DjlTransformer(AgentArguments arguments, Instrumentation jvm) {
    this.arguments = arguments;
    this.jvm = jvm;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classfileBuffer) {
    if (className == null || !className.startsWith("ai/djl/") || loader == null) {
      return null;
    }
    if (!INSTRUMENTED.contains(className)) {
      startSetUp(loader);
      return null;
    }
    if (className.equals(ENGINE) && classBeingRedefined == null && deferred(loader)) {
      return null;
    }
    try {
      ClassFileTransformer transformer = instrumentation(loader);
      if (transformer == null) {
        return null;
      }
      byte[] woven = transformer.transform(module, loader, className, classBeingRedefined, protectionDomain,
          classfileBuffer);
      if (woven != null && className.equals(TRAINER) && config.instrumentationEnabled("step")) {
        TrainerEvents.observeSteps(); // every step's learning rate is recorded there, not by the listener
      }
      return woven;
    } catch (IllegalClassFormatException | RuntimeException | LinkageError e) {
      RecordingFailures.record("agent instrumenting " + className.replace('/', '.'), e);
      return null;
    }
  }

  /**
   * {@code Engine} is the one instrumented class DJL loads as it starts, long before any model: it is
   * left as it is until the set-up is done, and then retransformed, rather than have its load wait.
   * Nothing is missed: a run starts at a trainer, whose class load does wait for the set-up, and the
   * trainer reads the engine's seed when it begins.
   *
   * @return true when this load of {@code Engine} is deferred
   */
  private boolean deferred(ClassLoader loader) {
    synchronized (enginesToWeave) {
      if (setUpDone) {
        return false;
      }
      enginesToWeave.add(loader);
    }
    startSetUp(loader);
    return true;
  }

  /** Starts the set-up for the DJL of {@code loader} on a daemon thread, once; whichever needs it first finishes it. */
  private void startSetUp(ClassLoader loader) {
    if (!setUpStarted.compareAndSet(false, true)) {
      return;
    }
    Thread thread = new Thread(() -> {
      // Under the set-up's lock throughout, so an instrumented class that waits for the set-up also
      // waits for the engine to be woven: a trainer built after it sees every later seed.
      synchronized (this) {
        try {
          instrumentation(loader);
        } catch (RuntimeException | LinkageError e) {
          RecordingFailures.record("agent set-up", e);
        }
        weaveDeferredEngines();
      }
    }, "prov4ml-agent-setup");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * After the set-up: the engines that loaded during it are retransformed, now through Byte Buddy's
   * transformer. On the set-up thread only: a retransformation started inside another class's load
   * would not reach this transformer (the JVM does not call a transformer from within itself).
   */
  private void weaveDeferredEngines() {
    List<ClassLoader> loaders;
    synchronized (enginesToWeave) {
      setUpDone = true;
      loaders = List.copyOf(enginesToWeave);
      enginesToWeave.clear();
    }
    for (ClassLoader loader : loaders) {
      try {
        if (instrumentation(loader) != null) {
          // Waits, if need be, until the application's thread has finished defining the class.
          jvm.retransformClasses(Class.forName(EngineInstrumentation.TYPE, false, loader));
        }
      } catch (ClassNotFoundException | UnmodifiableClassException | RuntimeException | LinkageError e) {
        RecordingFailures.record("agent instrumenting " + EngineInstrumentation.TYPE, e);
      }
    }
  }

  /** The advice weaver for the DJL of {@code loader}, set up on first need; null when there is none. */
  private synchronized ClassFileTransformer instrumentation(ClassLoader loader) {
    if (!setUp) {
      setUp = true;
      config = AgentInstaller.configure(arguments);
    }
    if (config == null || !weavable(loader)) {
      return null;
    }
    if (byteBuddy == null) {
      byteBuddy = DjlInstrumentation.weaver(config);
      Logger.debug("prov4ml agent {}: instrumenting DJL {}", Prov4mlVersion.get(),
          DjlInstrumentation.djlVersion(loader));
    }
    return byteBuddy;
  }

  private boolean weavable(ClassLoader loader) {
    Boolean fits = weavable.get(loader);
    if (fits == null) {
      String unreachable = DjlInstrumentation.agentUnreachable(loader);
      String mismatch = unreachable == null ? DjlInstrumentation.shapeMismatch(loader) : null;
      fits = unreachable == null && mismatch == null;
      weavable.put(loader, fits);
      if (unreachable != null && unreachableWarned.compareAndSet(false, true)) {
        Logger.warn("prov4ml agent: DJL {} cannot be recorded by the agent: {}; its classes are left as they are. "
            + "To record this application, add Prov4mlTrainingListener to it (prov4ml-core, in the same class "
            + "loader as DJL)", DjlInstrumentation.djlVersion(loader), unreachable);
      } else if (mismatch != null && shapeWarned.compareAndSet(false, true)) {
        Logger.warn("prov4ml agent: DJL {} is not supported ({}); its classes are left as they are and the "
            + "application runs without the agent's recording (supported: DJL {})",
            DjlInstrumentation.djlVersion(loader), mismatch, AgentInstaller.SUPPORTED_DJL);
      }
    }
    return fits;
  }
}
