package org.prov4ml.internal.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.format.RunLayout;
import org.prov4ml.internal.mlflow.MlflowReplica;
import org.prov4ml.internal.mlflow.MlflowSettings;
import org.prov4ml.internal.mlflow.UploadBacklog;
import org.prov4ml.rundir.RunDirectoryException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code sync <run-dir>}: uploads a run directory to MLflow. Exit codes: 0 when the server has everything, 1
 * when something is left (the message says what and why), 2 for a usage error.
 */
@Command(name = "sync",
    description = {"Uploads a run directory to MLflow, resuming where the server stopped acknowledging; "
        + "running it again uploads nothing twice.",
        "Credentials: MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN.",
        "Exit code 0 when the server has everything, 1 when something is left (run it again), 2 for bad input."})
final class SyncCommand extends CliCommand {

  @Parameters(paramLabel = "<run-dir>", description = "the run directory")
  Path runDir;

  @Option(names = "--tracking-uri", paramLabel = "URI",
      description = "default: prov4ml.mlflow.tracking-uri, else MLFLOW_TRACKING_URI, else the one the run was "
          + "recorded with")
  String trackingUri;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "how long to retry an unavailable server, such as 30s, 5m or 1h (default: ${DEFAULT-VALUE})",
      defaultValue = "5m")
  Duration timeout;

  @Override
  public Integer call() {
    if (!Files.isDirectory(runDir)) {
      throw new BadInputException(runDir + " is not a directory");
    }
    try {
      RunLayout.open(runDir);
    } catch (IOException e) {
      throw new BadInputException(runDir + " is not a run directory (" + e.getMessage() + ")");
    }
    try {
      Prov4mlConfig config = configuration();
      MlflowSettings settings;
      if (trackingUri == null && config.get(ConfigKeys.MLFLOW_TRACKING_URI) == null) {
        settings = recordedServer(config);
      } else {
        try {
          settings = MlflowSettings.from(config, System.getenv(), trackingUri);
        } catch (IllegalArgumentException e) {
          throw new BadInputException(e.getMessage(), e);
        }
      }
      MlflowReplica.Result r = MlflowReplica.sync(runDir, settings, timeout);
      UploadBacklog left = r.left();
      if (r.complete() && left.isEmpty()) {
        // A job's ranks are children of the job's run, which gets the merged document (once merged).
        String parent = MlflowReplica.completeJob(runDir, settings, timeout);
        out().println("sync: " + runDir + " is complete in MLflow run " + r.runId()
            + (parent == null ? "" : ", children of the job's run " + parent) + " at " + settings.trackingUri()
            + (left.refused() > 0 ? " (" + left.refused() + " refused, reported above)" : ""));
        return Prov4mlCli.OK;
      }
      err().println("sync: " + left.describe() + " of " + runDir + " not acknowledged by " + settings.trackingUri()
          + (r.lastError() == null ? "" : ": " + r.lastError()) + "; run sync again to resume");
      return Prov4mlCli.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err().println("sync: interrupted; run it again to resume");
      return Prov4mlCli.FAILED;
    } catch (BadInputException e) {
      throw e;
    } catch (RunDirectoryException damaged) {
      // A damaged document or metric file: running sync again would meet it again, so it is bad input, not a
      // failure to retry.
      throw new BadInputException(damaged.getMessage(), damaged);
    } catch (Exception e) {
      if (e.getCause() instanceof RunDirectoryException damaged) {
        throw new BadInputException(damaged.getMessage(), damaged);
      }
      err().println("sync: " + Prov4mlCli.describe(e));
      return Prov4mlCli.FAILED;
    }
  }

  /**
   * The server an earlier upload recorded in the run directory, which the user did not name. The directory is
   * untrusted input, so that server never gets the user's credentials: with credentials in the environment sync
   * stops and asks for the server to be named; without, it uploads there unauthenticated.
   */
  private MlflowSettings recordedServer(Prov4mlConfig config) throws IOException {
    String recorded = MlflowReplica.recordedTrackingUri(runDir);
    if (recorded == null) {
      throw new BadInputException(runDir + " was recorded without MLflow; pass --tracking-uri (or set "
          + "MLFLOW_TRACKING_URI)");
    }
    MlflowSettings settings;
    try {
      settings = MlflowSettings.withoutCredentials(config, System.getenv(), recorded);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(runDir + " names an MLflow server that cannot be used: " + e.getMessage());
    }
    if (MlflowSettings.credentialsIn(System.getenv())) {
      throw new BadInputException(runDir + " names MLflow at " + settings.trackingUri() + ", a server you did not "
          + "name; your MLflow credentials go only to a server you name: to upload there, pass --tracking-uri "
          + settings.trackingUri());
    }
    err().println("sync: uploading to MLflow at " + settings.trackingUri() + ", as recorded in " + runDir
        + ", without credentials (name a server with --tracking-uri to use yours)");
    return settings;
  }

  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      try {
        return ConfigKeys.duration(text.trim());
      } catch (RuntimeException e) {
        throw new TypeConversionException("'" + text + "' is not a duration such as 30s, 5m or 1h");
      }
    }
  }
}
