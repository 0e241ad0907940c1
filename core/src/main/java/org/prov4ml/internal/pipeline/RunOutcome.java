package org.prov4ml.internal.pipeline;

import java.time.Instant;

/**
 * How a run ended, handed to every sink's {@link Sink#close}.
 *
 * @param status FINISHED, FAILED or KILLED, as MLflow names run states
 * @param endTime when the run ended
 * @param droppedMetricPoints metric points the {@code drop} overflow policy discarded
 */
public record RunOutcome(Status status, Instant endTime, long droppedMetricPoints) {

  /** The end states of a run. */
  public enum Status {
    FINISHED,
    FAILED,
    KILLED
  }
}
