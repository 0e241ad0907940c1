package org.prov4ml.internal.pipeline;

import java.util.Map;

/**
 * What a run's pipeline did, for the run's end line.
 *
 * @param metricPoints metric points handed to the sinks
 * @param droppedMetricPoints metric points discarded by the {@code drop} overflow policy
 * @param lateEvents events published after the run had ended, not recorded
 * @param failures failures by place ({@code sink local}, ...), each a count of events or calls
 * @param sinkSummaries what the sinks said of their delivery at the end, e.g. MLflow's upload
 */
public record PipelineReport(long metricPoints, long droppedMetricPoints, long lateEvents,
    Map<String, Long> failures, java.util.List<String> sinkSummaries) {}
