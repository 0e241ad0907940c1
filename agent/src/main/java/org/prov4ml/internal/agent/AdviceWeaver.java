package org.prov4ml.internal.agent;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeInitializer;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.auxiliary.AuxiliaryType;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.OpenedClassReader;
import org.tinylog.Logger;

/**
 * Byte Buddy's {@link Advice}, woven straight into the class files of DJL's instrumented types: the
 * class file is read with Byte Buddy's ASM, each hooked method passes through its advice's visitor,
 * and the class is written again, keeping its constant pool and frames. Nothing else of the class
 * changes (no new member, no class format change), so a class loaded before a late attach can be
 * retransformed.
 *
 * <p>Why not Byte Buddy's {@code AgentBuilder}: it is made for many types, matchers and strategies
 * (type validation, class injection, lambdas, redefinition batches), of which the agent used none,
 * and it weaves through the same {@code Advice} visitor as here after a detour through Byte Buddy's
 * class-building DSL. Woven directly, the agent needs about a fifth of Byte Buddy's classes, which
 * is what keeps the agent jar small (docs/design.md, "The agent jar"). Types stay described from
 * class files ({@link TypePool}), never by loading a class, as before.
 */
final class AdviceWeaver implements ClassFileTransformer {

  /** Per instrumented type, in the JVM's internal form: its methods' advice, each parsed once. */
  private final Map<String, AsmVisitorWrapper.ForDeclaredMethods> adviceByType;

  /**
   * Parses the advice classes of {@code hooks} (their class files, from the class loader that holds
   * the agent), so that weaving a class later only reads and writes that class.
   */
  AdviceWeaver(List<DjlHook> hooks, ClassLoader agentLoader) {
    ClassFileLocator adviceLocator = ClassFileLocator.ForClassLoader.of(agentLoader);
    TypePool advicePool = TypePool.Default.of(adviceLocator);
    Map<String, AsmVisitorWrapper.ForDeclaredMethods> byType = new LinkedHashMap<>();
    for (DjlHook hook : hooks) {
      Advice advice = Advice.to(advicePool.describe(hook.advice()).resolve(), adviceLocator);
      byType.merge(hook.type().replace('.', '/'), new AsmVisitorWrapper.ForDeclaredMethods().method(hook.method(), advice),
          (weaving, more) -> weaving.method(hook.method(), advice));
    }
    this.adviceByType = byType;
  }

  /**
   * {@code classfileBuffer} with the advice woven in, or null when {@code className} has no hook.
   * The type is described from these bytes and the class files {@code loader} holds (its super
   * types, the types in its methods' signatures); no class is loaded.
   */
  @Override
  public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classfileBuffer) {
    AsmVisitorWrapper.ForDeclaredMethods weaving = className == null ? null : adviceByType.get(className);
    if (weaving == null) {
      return null;
    }
    String typeName = className.replace('/', '.');
    ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(typeName, classfileBuffer),
        ClassFileLocator.ForClassLoader.of(loader));
    TypePool pool = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(), locator,
        TypePool.Default.ReaderMode.FAST);
    TypeDescription type = pool.describe(typeName).resolve();
    ClassFileVersion version = ClassFileVersion.ofClassFile(classfileBuffer);
    int writerFlags = weaving.mergeWriter(AsmVisitorWrapper.NO_FLAGS);
    int readerFlags = weaving.mergeReader(AsmVisitorWrapper.NO_FLAGS);
    ClassReader reader = OpenedClassReader.of(classfileBuffer);
    // Kept from the reader: the constant pool, and every method the advice does not touch, byte for byte.
    ClassWriter writer = new ClassWriter(reader, writerFlags);
    // As Byte Buddy's own decoration: the advice writes its frames itself, expanded when it asked the reader to.
    Implementation.Context.FrameGeneration frames = (writerFlags & ClassWriter.COMPUTE_FRAMES) != 0
        || version.isLessThan(ClassFileVersion.JAVA_V6) ? Implementation.Context.FrameGeneration.DISABLED
        : (readerFlags & ClassReader.EXPAND_FRAMES) != 0 ? Implementation.Context.FrameGeneration.EXPAND
        : Implementation.Context.FrameGeneration.GENERATE;
    // Disabled: inlined advice adds no member, so the class keeps its format (required to retransform).
    Implementation.Context context = Implementation.Context.Disabled.Factory.INSTANCE.make(type,
        new AuxiliaryType.NamingStrategy.Suffixing("prov4ml"), TypeInitializer.None.INSTANCE, version, version, frames);
    reader.accept(weaving.wrap(type, writer, context, pool, type.getDeclaredFields(), type.getDeclaredMethods(),
        writerFlags, readerFlags), readerFlags);
    Logger.debug("prov4ml agent: instrumented {}", typeName);
    return writer.toByteArray();
  }
}
