package org.prov4ml;

/** How a run ended, as MLflow names run states; {@link Run#end(RunStatus)}. */
public enum RunStatus {
  /** The run ended normally. */
  FINISHED,
  /** The program failed: the JVM exited after the main thread died on an uncaught exception. */
  FAILED,
  /** The process was stopped before it ended the run (set by {@code sync} for an interrupted run). */
  KILLED
}
