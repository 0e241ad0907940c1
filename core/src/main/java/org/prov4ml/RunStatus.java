package org.prov4ml;

/**
 * How a run ended, as MLflow names run states, plus {@link #INCOMPLETE}. One type serves both
 * ends of a run's life: the application ends a run with {@link Run#end(RunStatus)}, and the
 * run-directory reader ({@link org.prov4ml.rundir.RunActivity#status()}) reports what the PROV
 * document recorded ({@code yprov:status}). A run with no status recorded has not ended: it is
 * still running, or its process died before it could end it.
 */
public enum RunStatus {
  /** The run ended normally, and everything logged was written. */
  FINISHED,
  /** The program failed: the JVM exited after the main thread died on an uncaught exception. */
  FAILED,
  /** The process was stopped before it ended the run (set by {@code sync} for an interrupted run). */
  KILLED,
  /**
   * Recorded by prov4ml, never passed to {@link Run#end}: the run ended, but its run directory lacks
   * part of what was logged (disk full, I/O error); the run activity's {@code yprov:incomplete} says
   * what and where.
   */
  INCOMPLETE
}
