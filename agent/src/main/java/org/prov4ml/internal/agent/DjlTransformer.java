package org.prov4ml.internal.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.djl.RecordingFailures;
import org.prov4ml.internal.djl.TrainerEvents;
import org.prov4ml.internal.run.Prov4mlVersion;
import org.tinylog.Logger;

/**
 * The agent's class file transformer, registered by the premain. It passes every class through
 * untouched, without looking further than its name, except DJL's few instrumented classes: the
 * first of those to load ({@code Engine}, as DJL starts) has the agent set up on
 * its own thread, inside its own load: the log, the configuration, the check that this DJL has the
 * expected shape, then Byte Buddy's agent, whose transformer does the rest. So a JVM that never
 * trains never loads Byte Buddy, no class load ever waits for another thread, and no trainer can
 * be built before the instrumentation exists.
 *
 * <p>A DJL whose classes do not have the shape the advice expects gets one warning naming its
 * version, and none of its classes is changed.
 */
final class DjlTransformer implements ClassFileTransformer {

  private static final String TRAINER = TrainerInstrumentation.TYPE.replace('.', '/');

  private final AgentArguments arguments;
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
    if (className == null || !className.startsWith("ai/djl/") || !DjlInstrumentation.INTERNAL_NAMES.contains(className)
        || loader == null) {
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
