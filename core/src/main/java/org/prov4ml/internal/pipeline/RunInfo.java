package org.prov4ml.internal.pipeline;

import java.time.ZonedDateTime;
import java.util.Map;
import org.prov4ml.internal.config.Prov4mlVersion;
import org.prov4ml.internal.format.RunLayout;

/**
 * What every sink knows about the run it records.
 *
 * @param experimentName the experiment
 * @param runId the run number within the experiment (yProv4ML's incrementing id), or the job's
 *     run identity, shared by its ranks
 * @param rank the global rank of this process
 * @param worldSize the number of ranks of the job (1 for a run of one process)
 * @param runName a display name
 * @param userNamespace the PROV namespace of the document's identifiers
 * @param startTime when the run started
 * @param tags user tags
 * @param layout where the run directory's files are
 */
public record RunInfo(String experimentName, String runId, int rank, int worldSize, String runName, String userNamespace,
    ZonedDateTime startTime, Map<String, String> tags, RunLayout layout) {

  /** yProv4ML's run activity id, {@code <experiment>_GR<rank>_<runId>}. */
  public String activityId() {
    return layout.activityId();
  }

  /** The run's one start line, before what a sink adds to it (MLflow's run page). */
  public String startLine() {
    // Escaped: a run name holding a newline must not forge a log line.
    return "prov4ml " + Prov4mlVersion.get() + ": run " + org.prov4ml.rundir.PrintableText.of(runName)
        + (worldSize > 1 ? " (rank " + rank + " of " + worldSize + ")" : "") + " started, provenance in "
        + layout.runDir();
  }
}
