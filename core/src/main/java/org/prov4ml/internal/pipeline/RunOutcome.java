package org.prov4ml.internal.pipeline;

import java.time.Instant;
import org.prov4ml.RunStatus;

/**
 * How a run ended, handed to every sink's {@link Sink#close}.
 *
 * @param status FINISHED, FAILED or KILLED, as MLflow names run states
 * @param endTime when the run ended
 * @param droppedMetricPoints metric points the {@code drop} overflow policy discarded
 */
public record RunOutcome(RunStatus status, Instant endTime, long droppedMetricPoints) {}
