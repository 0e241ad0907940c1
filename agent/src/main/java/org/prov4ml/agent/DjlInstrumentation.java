package org.prov4ml.agent;

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
import org.prov4ml.config.Prov4mlConfig;
import org.tinylog.Logger;

/**
 * What the agent instruments in DJL 0.36, one switch ({@code prov4ml.instrument.<name>.enabled}) per
 * method group. Types are matched by name and advice classes are named, not loaded, so installing
 * loads no DJL class; the advice is inlined (no class format change), so classes DJL already loaded
 * can be retransformed when the agent is attached late (or when BaseModel loaded before the
 * instrumentation was ready). Advice needs no new members, so the builder only decorates the class
 * files it reads from the pool, with no type validation: the cheapest way through Byte Buddy, whose
 * own start-up dominates the agent's.
 */
final class DjlInstrumentation {

  private static final String TRAINER = DjlTypes.TRAINER;
  private static final String EASY_TRAIN = DjlTypes.EASY_TRAIN;
  private static final String BASE_MODEL = DjlTypes.BASE_MODEL;
  private static final String ADVICE = "org.prov4ml.agent.djl.";

  /** One instrumented method group. */
  record Hook(String name, String type, ElementMatcher<? super MethodDescription> methods, String advice) {}

  static final List<Hook> HOOKS = List.of(
      new Hook("trainer", TRAINER, isConstructor().and(takesArguments(2)), ADVICE + "TrainerConstructorAdvice"),
      new Hook("initialize", TRAINER, named("initialize"), ADVICE + "TrainerInitializeAdvice"),
      new Hook("step", TRAINER, named("step").and(takesArguments(0)), ADVICE + "TrainerStepAdvice"),
      new Hook("listeners", TRAINER, named("notifyListeners").and(takesArguments(1)),
          ADVICE + "TrainerListenersAdvice"),
      new Hook("fit", EASY_TRAIN, named("fit").and(takesArguments(4)), ADVICE + "EasyTrainFitAdvice"),
      new Hook("evaluate", EASY_TRAIN, named("evaluateDataset").and(takesArguments(2)),
          ADVICE + "EasyTrainEvaluateAdvice"),
      new Hook("model-save", BASE_MODEL, named("save").and(takesArguments(2)), ADVICE + "ModelSaveAdvice"));

  private DjlInstrumentation() {}

  /**
   * The agent builder of the enabled hooks. The caller installs it ({@code installOn}, which
   * retransforms DJL classes already loaded) or takes it raw for the {@link DeferredTransformer}.
   */
  static AgentBuilder builder(Prov4mlConfig config) {
    Map<String, List<Hook>> byType = new LinkedHashMap<>();
    for (Hook hook : HOOKS) {
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
        advice = advice.advice(hook.methods(), hook.advice());
      }
      builder = builder.type(named(type.getKey())).transform(advice);
    }
    return builder;
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
