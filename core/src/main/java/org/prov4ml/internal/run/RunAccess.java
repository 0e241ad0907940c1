package org.prov4ml.internal.run;

import java.util.function.Function;
import org.prov4ml.Run;

/**
 * Internal code's way from the public {@link Run} handle to its {@link RunRecorder}, for what the
 * agent records that the public API must not offer (a model version linked, not copied: see
 * {@link ModelVersionLinks}). The JDK's {@code SharedSecrets} pattern: {@code Run} hands over its
 * accessor when its class initializes, so {@code Run} keeps no public method for internal callers.
 */
public final class RunAccess {

  private static volatile Function<Run, RunRecorder> recorders;

  private RunAccess() {}

  /** Called once, by {@code Run}'s static initializer; later calls are ignored. */
  public static void recorders(Function<Run, RunRecorder> accessor) {
    if (recorders == null) {
      recorders = accessor;
    }
  }

  /** The recorder behind {@code run}; a {@code Run} instance exists, so its class has registered. */
  public static RunRecorder recorder(Run run) {
    return recorders.apply(run);
  }
}
