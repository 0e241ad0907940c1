package org.prov4ml;

import java.util.List;
import java.util.Map;

/**
 * What prov4ml did with a run's records so far ({@link Run#report()}); exact once the run ended.
 *
 * @param metricPoints metric points handed to the sinks
 * @param droppedMetricPoints metric points discarded by the {@code drop} overflow policy
 * @param lateEvents events published after the run had ended, not recorded
 * @param failures failures inside prov4ml by place ({@code sink local}, ...), each a count of events or calls
 * @param sinkSummaries what the sinks said of their delivery at the end, e.g. MLflow's upload
 */
public record RunReport(long metricPoints, long droppedMetricPoints, long lateEvents, Map<String, Long> failures,
    List<String> sinkSummaries) {

  /**
   * A report; the failures and summaries are copied.
   *
   * @param metricPoints metric points handed to the sinks
   * @param droppedMetricPoints metric points discarded by the {@code drop} overflow policy
   * @param lateEvents events published after the run had ended, not recorded
   * @param failures failures inside prov4ml by place
   * @param sinkSummaries what the sinks said of their delivery at the end
   */
  public RunReport {
    failures = Map.copyOf(failures);
    sinkSummaries = List.copyOf(sinkSummaries);
  }
}
