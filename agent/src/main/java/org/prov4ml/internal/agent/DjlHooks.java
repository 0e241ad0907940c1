package org.prov4ml.internal.agent;

import java.util.List;
import java.util.Set;
import org.prov4ml.internal.config.Prov4mlConfig;

/**
 * What the agent instruments in DJL 0.36, as plain data: one switch
 * ({@code prov4ml.instrument.<name>.enabled}) per method group. Nothing here refers to Byte Buddy or
 * to a DJL class, so the premain and the class-load gate can use it before either is loaded (and, with
 * the {@link PrewovenClasses}, without Byte Buddy ever being loaded).
 */
final class DjlHooks {

  static final String TRAINER = "ai.djl.training.Trainer";
  static final String EASY_TRAIN = "ai.djl.training.EasyTrain";
  /** Only the real model: {@code ZooModel.save} delegates to it, so a save is seen once. */
  static final String BASE_MODEL = "ai.djl.BaseModel";

  private static final String ADVICE = "org.prov4ml.internal.agent.djl.";

  /**
   * One instrumented method group: methods of {@code type} named {@code method} ({@code <init>} for
   * constructors) with {@code arguments} parameters, given the exit advice {@code advice}.
   */
  record Hook(String name, String type, String method, int arguments, String advice) {}

  static final List<Hook> HOOKS = List.of(
      new Hook("trainer", TRAINER, "<init>", 2, ADVICE + "TrainerConstructorAdvice"),
      new Hook("initialize", TRAINER, "initialize", -1, ADVICE + "TrainerInitializeAdvice"),
      new Hook("step", TRAINER, "step", 0, ADVICE + "TrainerStepAdvice"),
      new Hook("listeners", TRAINER, "notifyListeners", 1, ADVICE + "TrainerListenersAdvice"),
      new Hook("fit", EASY_TRAIN, "fit", 4, ADVICE + "EasyTrainFitAdvice"),
      new Hook("evaluate", EASY_TRAIN, "evaluateDataset", 2, ADVICE + "EasyTrainEvaluateAdvice"),
      new Hook("model-save", BASE_MODEL, "save", 2, ADVICE + "ModelSaveAdvice"));

  /** In the JVM's internal form ({@code ai/djl/training/Trainer}), as class file transformers see them. */
  static final Set<String> INTERNAL_NAMES = Set.of(internal(TRAINER), internal(EASY_TRAIN), internal(BASE_MODEL));

  /**
   * The classes whose loading waits for the instrumentation: a trainer built or a {@code fit} begun
   * before it is ready would be missed. {@code BaseModel} is loaded with the first model, long before
   * any save, so it loads at once and is retransformed when the instrumentation is ready.
   */
  static final Set<String> WAIT_FOR = Set.of(internal(TRAINER), internal(EASY_TRAIN));

  private DjlHooks() {}

  /** Whether every hook of {@code type} (internal name) is switched on, as it is by default. */
  static boolean allEnabled(String internalType, Prov4mlConfig config) {
    for (Hook hook : HOOKS) {
      if (internal(hook.type()).equals(internalType) && !config.instrumentationEnabled(hook.name())) {
        return false;
      }
    }
    return true;
  }

  static String internal(String name) {
    return name.replace('.', '/');
  }
}
