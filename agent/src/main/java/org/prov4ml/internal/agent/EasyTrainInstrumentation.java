package org.prov4ml.internal.agent;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.List;
import net.bytebuddy.asm.Advice;
import org.prov4ml.internal.djl.TrainerEvents;

/**
 * {@code ai.djl.training.EasyTrain}: the epochs and data sets of {@code fit}, and test evaluations,
 * which no training listener sees.
 *
 * <p>The advice is inlined into DJL's bytecode: its parameters are typed {@code Object} so that
 * neither it nor Byte Buddy needs DJL loaded to read it, and everything it calls catches all failures.
 */
final class EasyTrainInstrumentation {

  static final String TYPE = "ai.djl.training.EasyTrain";
  private static final String TRAINER = "ai.djl.training.Trainer";
  private static final String DATASET = "ai.djl.training.dataset.Dataset";

  static final List<DjlHook> HOOKS = List.of(
      new DjlHook("fit", TYPE, "static fit(Trainer, int, Dataset, Dataset)",
          named("fit").and(isPublic()).and(isStatic()).and(takesArguments(4))
          .and(takesArgument(0, named(TRAINER))).and(takesArgument(1, int.class))
          .and(takesArgument(2, named(DATASET))).and(takesArgument(3, named(DATASET))), FitAdvice.class.getName()),
      new DjlHook("evaluate", TYPE, "static evaluateDataset(Trainer, Dataset)",
          named("evaluateDataset").and(isPublic()).and(isStatic()).and(takesArguments(2))
          .and(takesArgument(0, named(TRAINER))).and(takesArgument(1, named(DATASET))),
          EvaluateDatasetAdvice.class.getName()));

  private EasyTrainInstrumentation() {}

  /**
   * {@code fit(Trainer, int, Dataset, Dataset)}: epochs and data set sizes on entry; on exit (also
   * by an exception) the validation inside fit stops being a test evaluation.
   */
  public static final class FitAdvice {
    private FitAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) Object trainer, @Advice.Argument(1) int epochs,
        @Advice.Argument(2) Object trainDataset, @Advice.Argument(3) Object validateDataset) {
      TrainerEvents.fitStarted(trainer, epochs, trainDataset, validateDataset);
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    static void exit(@Advice.Argument(0) Object trainer) {
      TrainerEvents.fitEnded(trainer);
    }
  }

  /**
   * Exit of {@code evaluateDataset(Trainer, Dataset)}: the values are in each evaluator's
   * {@code validate/epoch} accumulator.
   */
  public static final class EvaluateDatasetAdvice {
    private EvaluateDatasetAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Argument(0) Object trainer, @Advice.Argument(1) Object dataset) {
      TrainerEvents.evaluated(trainer, dataset);
    }
  }
}
