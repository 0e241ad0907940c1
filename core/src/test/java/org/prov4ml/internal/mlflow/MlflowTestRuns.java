package org.prov4ml.internal.mlflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.config.Prov4mlConfig;

/** Starting runs against a test server, with short retry waits so fault tests stay quick. */
final class MlflowTestRuns {

  private MlflowTestRuns() {}

  static Properties settings(String trackingUri) {
    Properties p = new Properties();
    if (trackingUri != null) {
      p.setProperty("prov4ml.mlflow.tracking-uri", trackingUri);
    }
    p.setProperty("prov4ml.mlflow.flush-timeout", "60s");
    p.setProperty("prov4ml.mlflow.max-retry-backoff", "1s");
    p.setProperty("prov4ml.mlflow.request-timeout", "10s");
    p.setProperty("prov4ml.synchronous.timeout", "30s");
    return p;
  }

  static Run start(Properties settings, Path outputDir, String experiment, String runName) {
    Prov4mlConfig.replace(Prov4mlConfig.load(settings, Map.of(), null));
    return Prov4ml.startRun(RunOptions.builder().experimentName(experiment).outputDir(outputDir).runName(runName)
        .tag("team", "prov4ml").build());
  }

  /** Settings for {@link MlflowReplica} with an explicit environment (MLFLOW_RUN_ID, ...). */
  static MlflowSettings syncSettings(String trackingUri, Map<String, String> env) {
    return MlflowSettings.from(Prov4mlConfig.load(settings(trackingUri), Map.of(), null), env, trackingUri);
  }

  static MlflowReplica.Result sync(Path runDir, String trackingUri, Map<String, String> env) throws Exception {
    return MlflowReplica.sync(runDir, syncSettings(trackingUri, env), Duration.ofSeconds(60));
  }

  static UploadCursor cursor(Run run) throws Exception {
    return UploadCursor.peek(run.runDirectory(), 0);
  }

  /** The offset just past the first {@code rows} rows of a metric file (and its header line). */
  static long offsetAfterRows(Path csv, int rows) throws IOException {
    byte[] bytes = Files.readAllBytes(csv);
    int lines = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n' && ++lines == rows + 1) {
        return i + 1;
      }
    }
    throw new AssertionError("fewer rows than " + rows);
  }

  /**
   * Writes rank 0's cursor as an uploader leaves it when it dies with a batch of training/loss in
   * flight: the rows of {@code csv} acknowledged up to {@code from}, the server's latest value
   * {@code latestBefore}, and the batch of the rows up to {@code to}, whose last point is {@code last}
   * and which has that point as its witness when it moves the latest value forward.
   */
  static void putBatchInFlight(Path runDir, String trackingUri, String csv, long from, long to,
      UploadCursor.Point latestBefore, UploadCursor.Point last) throws IOException {
    String key = "training/loss";
    UploadCursor cursor = UploadCursor.load(runDir, 0, trackingUri);
    cursor.trackingUri = trackingUri;
    cursor.metricOffsets.put(csv, from);
    cursor.latestMetrics.put(key, latestBefore);
    UploadCursor.InFlight f = new UploadCursor.InFlight();
    f.key = key;
    f.step = last.step;
    f.timestamp = last.timestamp;
    f.value = last.value;
    f.offsets = Map.of(csv, to);
    if (MetricUpload.newer(last.step, last.timestamp, last.value, latestBefore)) {
      f.witnessKey = key;
      f.witness = last;
      f.latest = Map.of(key, last);
    }
    cursor.inFlight = f;
    cursor.save();
  }
}
