package org.prov4ml.internal.agent;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;
import org.prov4ml.internal.agent.DjlHooks.Hook;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.tinylog.Logger;

/**
 * Byte Buddy's agent for the enabled {@link DjlHooks}. Types are matched by name and advice classes
 * are named, not loaded, so installing loads no DJL class; the advice is inlined (no class format
 * change), so classes DJL already loaded can be retransformed when the agent is attached late (or
 * when BaseModel loaded before the instrumentation was ready). Advice needs no new members, so the
 * builder only decorates the class files it reads from the pool, with no type validation: the
 * cheapest way through Byte Buddy, whose own start-up dominates the agent's. The agent jar's build
 * runs this same builder over DJL 0.36.0 ({@link PrewovenClasses}), so most JVMs never load Byte
 * Buddy at all.
 */
final class DjlInstrumentation {

  private DjlInstrumentation() {}

  /**
   * The agent builder of the enabled hooks. The caller installs it ({@code installOn}, which
   * retransforms DJL classes already loaded) or takes it raw for the {@link DeferredTransformer}.
   */
  static AgentBuilder builder(Prov4mlConfig config) {
    Map<String, List<Hook>> byType = new LinkedHashMap<>();
    for (Hook hook : DjlHooks.HOOKS) {
      if (config.instrumentationEnabled(hook.name())) {
        byType.computeIfAbsent(hook.type(), t -> new ArrayList<>()).add(hook);
      } else {
        Logger.info("prov4ml agent: instrumentation '{}' is off (prov4ml.instrument.{}.enabled=false)",
            hook.name(), hook.name());
      }
    }
    AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
        .disableClassFormatChanges()
        .with(AgentBuilder.TypeStrategy.Default.DECORATE)
        .with(AgentBuilder.PoolStrategy.Default.FAST)
        .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(new FailureListener())
        .ignore(not(nameStartsWith("ai.djl.")));
    ClassLoader agentLoader = DjlInstrumentation.class.getClassLoader();
    for (Map.Entry<String, List<Hook>> type : byType.entrySet()) {
      AgentBuilder.Transformer.ForAdvice advice = new AgentBuilder.Transformer.ForAdvice().include(agentLoader);
      for (Hook hook : type.getValue()) {
        advice = advice.advice(methods(hook), hook.advice());
      }
      builder = builder.type(named(type.getKey())).transform(advice);
    }
    return builder;
  }

  private static ElementMatcher<MethodDescription> methods(Hook hook) {
    ElementMatcher.Junction<MethodDescription> methods = hook.method().equals("<init>") ? isConstructor()
        : named(hook.method());
    return hook.arguments() < 0 ? methods : methods.and(takesArguments(hook.arguments()));
  }

  /** A DJL class that cannot be instrumented is logged once and left as it is. */
  private static final class FailureListener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
        Throwable throwable) {
      AgentFailures.record("instrumenting " + typeName, throwable);
    }

    @Override
    public void onTransformation(TypeDescription type, ClassLoader classLoader, JavaModule module,
        boolean loaded, DynamicType dynamicType) {
      Logger.debug("prov4ml agent: instrumented {}", type.getName());
    }
  }
}
