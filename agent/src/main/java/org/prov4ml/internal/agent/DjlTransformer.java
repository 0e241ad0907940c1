package org.prov4ml.internal.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.djl.RecordingFailures;
import org.prov4ml.internal.djl.TrainerEvents;
import org.prov4ml.internal.run.Prov4mlVersion;
import org.tinylog.Logger;

/**
 * The agent's class file transformer, registered by the premain. It passes every class through
 * untouched, without looking further than its name, except DJL's few instrumented classes, which
 * Byte Buddy's agent transforms. That agent is set up (the log, the configuration, the check that
 * this DJL has the expected shape, then Byte Buddy's transformer) when the first DJL class of any
 * kind loads, on a thread of its own: an application loads DJL's engine and its native library
 * before it builds its first model, so the set-up runs beside that instead of adding to it. The
 * first instrumented class (DJL loads {@code BaseModel} with the first model) then finds the agent
 * built, or finishes the set-up itself if the set-up thread is behind, since the two share one
 * lock: the class load waits for nothing it would not otherwise have done. The set-up reads DJL's
 * class files as resources and loads no DJL class, so it never needs a lock a loading thread holds.
 * A JVM that never loads DJL never loads Byte Buddy, and no trainer can be built before the
 * instrumentation exists.
 *
 * <p>A DJL whose classes do not have the shape the advice expects gets one warning naming its
 * version, and none of its classes is changed.
 */
final class DjlTransformer implements ClassFileTransformer {

  private static final String TRAINER = TrainerInstrumentation.TYPE.replace('.', '/');

  /** The instrumented types in the JVM's internal form, from compile-time constants: no Byte Buddy needed to test a name. */
  static final Set<String> INSTRUMENTED = Set.of(TrainerInstrumentation.TYPE.replace('.', '/'),
      EasyTrainInstrumentation.TYPE.replace('.', '/'), BaseModelInstrumentation.TYPE.replace('.', '/'));

  private final AgentArguments arguments;
  private final AtomicBoolean setUpStarted = new AtomicBoolean();
  /** Byte Buddy's transformer, built on first need; null until then, or when the agent cannot run. */
  private ClassFileTransformer byteBuddy;
  private boolean setUp;
  private Prov4mlConfig config;
  /** Per class loader that holds DJL: whether its classes have the expected shape. */
  private final Map<ClassLoader, Boolean> shapeFits = Collections.synchronizedMap(new WeakHashMap<>());
  private final AtomicBoolean shapeWarned = new AtomicBoolean();

  DjlTransformer(AgentArguments arguments) {
    this.arguments = arguments;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classfileBuffer) {
    if (className == null || !className.startsWith("ai/djl/") || loader == null) {
      return null;
    }
    if (!INSTRUMENTED.contains(className)) {
      if (setUpStarted.compareAndSet(false, true)) {
        setUpInBackground(loader);
      }
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

  /** Starts the set-up for the DJL of {@code loader} on a daemon thread; whichever needs it first finishes it. */
  private void setUpInBackground(ClassLoader loader) {
    Thread thread = new Thread(() -> {
      try {
        instrumentation(loader);
      } catch (RuntimeException | LinkageError e) {
        RecordingFailures.record("agent set-up", e);
      }
    }, "prov4ml-agent-setup");
    thread.setDaemon(true);
    thread.start();
  }

  /** Byte Buddy's transformer for the DJL of {@code loader}, set up on first need; null when there is none. */
  private synchronized ClassFileTransformer instrumentation(ClassLoader loader) {
    if (!setUp) {
      setUp = true;
      config = AgentInstaller.configure(arguments);
    }
    if (config == null || !shapeFits(loader)) {
      return null;
    }
    if (byteBuddy == null) {
      byteBuddy = DjlInstrumentation.builder(config).makeRaw();
      Logger.debug("prov4ml agent {}: instrumenting DJL {}", Prov4mlVersion.get(),
          DjlInstrumentation.djlVersion(loader));
    }
    return byteBuddy;
  }

  private boolean shapeFits(ClassLoader loader) {
    Boolean fits = shapeFits.get(loader);
    if (fits == null) {
      String mismatch = DjlInstrumentation.shapeMismatch(loader);
      fits = mismatch == null;
      shapeFits.put(loader, fits);
      if (!fits && shapeWarned.compareAndSet(false, true)) {
        Logger.warn("prov4ml agent: DJL {} is not supported ({}); its classes are left as they are and the "
            + "application runs without the agent's recording (supported: DJL {})",
            DjlInstrumentation.djlVersion(loader), mismatch, AgentInstaller.SUPPORTED_DJL);
      }
    }
    return fits;
  }
}
