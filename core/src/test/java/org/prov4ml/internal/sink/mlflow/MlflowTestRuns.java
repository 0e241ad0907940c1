package org.prov4ml.internal.sink.mlflow;

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

  /** Settings for {@link RunDirectorySync} with an explicit environment (MLFLOW_RUN_ID, ...). */
  static MlflowSettings syncSettings(String trackingUri, Map<String, String> env) {
    return MlflowSettings.from(Prov4mlConfig.load(settings(trackingUri), Map.of(), null), env, trackingUri);
  }

  static RunDirectorySync.Result sync(Path runDir, String trackingUri, Map<String, String> env) throws Exception {
    return RunDirectorySync.sync(runDir, syncSettings(trackingUri, env), Duration.ofSeconds(60));
  }

  static UploadCursor cursor(Run run) throws Exception {
    return UploadCursor.peek(run.runDirectory(), 0);
  }
}
