package org.prov4ml.rundir;

/**
 * How a run ended, as its PROV document records it ({@code yprov:status}). A run with no status
 * recorded has not ended: it is still running, or its process died before it could end it
 * ({@link RunActivity#status()} is then empty).
 */
public enum RunStatus {
  /** Ended normally, and everything logged was written. */
  FINISHED,
  /** Ended by a failure of the application (e.g. an uncaught exception on the main thread). */
  FAILED,
  /** Ended by a signal or by the JVM shutting down before the application ended the run. */
  KILLED,
  /**
   * Ended, but the run directory lacks part of what was logged (disk full, I/O error); the run
   * activity's {@code yprov:incomplete} says what and where.
   */
  INCOMPLETE
}
