package org.prov4ml.internal.run;

import java.nio.file.Path;
import org.prov4ml.internal.lineage.RunIndex;
import org.prov4ml.internal.pipeline.Event;
import org.prov4ml.internal.pipeline.RunOutcome;
import org.prov4ml.internal.pipeline.Sink;
import org.prov4ml.internal.pipeline.RunInfo;
import org.tinylog.Logger;

/**
 * Writes the run's shard of its output directory's run index ({@link RunIndex}) once the run's document is
 * final: a sink after the run directory's writer, so it runs on the drainer thread, after the last rewrite,
 * never on the application's. Written at the end rather than at each model version: the shard is keyed by the
 * document's size and time, which every rewrite changes, so a shard written mid-run would be out of date at the
 * next rewrite and read again from the document by the next reader anyway.
 */
final class RunIndexShardWriter implements Sink {

  private final RunInfo info;

  RunIndexShardWriter(RunInfo info) {
    this.info = info;
  }

  @Override
  public String name() {
    return "index";
  }

  @Override
  public void accept(Event event) {
    // the shard is made from the final document, not from the events
  }

  @Override
  public void close(RunOutcome outcome) {
    Path runDir = info.layout().runDir();
    try {
      RunIndex.writeShard(runDir.getParent(), runDir, info.rank());
    } catch (Exception | LinkageError e) {
      // A cache: the next reader builds this shard from the document. Not a loss of the run's data.
      Logger.debug("prov4ml: the run index of {} was not updated for run {}: {}", runDir.getParent(),
          info.runName(), e.getMessage());
    }
  }
}
