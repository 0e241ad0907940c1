package org.prov4ml.internal.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.sink.mlflow.MlflowSettings;
import org.prov4ml.internal.sink.mlflow.RunDirectorySync;
import org.prov4ml.internal.sink.mlflow.UploadBacklog;

/**
 * prov4ml's command line, {@code java -jar prov4ml.jar <command>}:
 *
 * <pre>
 * sync &lt;run-dir&gt; [--tracking-uri URI] [--timeout 5m]
 * </pre>
 *
 * Exit codes: 0 when the server has everything, 1 when something is left (the message says what
 * and why), 2 for a usage error.
 */
public final class Prov4mlCli {

  static final int OK = 0;
  static final int INCOMPLETE = 1;
  static final int USAGE = 2;

  private static final String USAGE_TEXT = """
      usage: java -jar prov4ml.jar sync <run-dir> [--tracking-uri URI] [--timeout DURATION]
        sync   uploads a run directory to MLflow, resuming where the server stopped acknowledging;
               running it again uploads nothing twice.
               --tracking-uri  default: prov4ml.mlflow.tracking-uri, else MLFLOW_TRACKING_URI
               --timeout       how long to retry an unavailable server (default 5m)
               credentials: MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD, MLFLOW_TRACKING_TOKEN""";

  private Prov4mlCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs a command; returns the exit code instead of exiting (for embedding and tests). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || !args[0].equals("sync")) {
      err.println(args.length == 0 ? USAGE_TEXT : "unknown command '" + args[0] + "'\n" + USAGE_TEXT);
      return USAGE;
    }
    List<String> positional = new ArrayList<>();
    String trackingUri = null;
    Duration timeout = Duration.ofMinutes(5);
    try {
      for (int i = 1; i < args.length; i++) {
        switch (args[i]) {
          case "--tracking-uri" -> trackingUri = value(args, ++i, "--tracking-uri");
          case "--timeout" -> timeout = parseDuration(value(args, ++i, "--timeout"));
          default -> positional.add(args[i]);
        }
      }
      if (positional.size() != 1) {
        throw new IllegalArgumentException("sync needs exactly one run directory, got " + positional);
      }
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage() + "\n" + USAGE_TEXT);
      return USAGE;
    }
    return sync(Path.of(positional.get(0)), trackingUri, timeout, out, err);
  }

  private static int sync(Path runDir, String trackingUri, Duration timeout, PrintStream out, PrintStream err) {
    if (!Files.isDirectory(runDir)) {
      err.println("sync: " + runDir + " is not a directory");
      return USAGE;
    }
    try {
      Prov4mlConfig config = Prov4mlConfig.load();
      if (trackingUri == null && config.get(ConfigKeys.MLFLOW_TRACKING_URI) == null) {
        trackingUri = RunDirectorySync.recordedTrackingUri(runDir); // resume against the server it started with
        if (trackingUri == null) {
          err.println("sync: " + runDir + " was recorded without MLflow; pass --tracking-uri (or set "
              + "MLFLOW_TRACKING_URI)");
          return USAGE;
        }
      }
      MlflowSettings settings = MlflowSettings.from(config, System.getenv(), trackingUri);
      RunDirectorySync.Result r = RunDirectorySync.sync(runDir, settings, timeout);
      UploadBacklog left = r.left();
      if (r.complete() && left.isEmpty()) {
        out.println("sync: " + runDir + " is complete in MLflow run " + r.runId() + " at " + settings.trackingUri()
            + (left.refused() > 0 ? " (" + left.refused() + " refused by the server, reported above)" : ""));
        return OK;
      }
      err.println("sync: " + left.describe() + " of " + runDir + " not acknowledged by " + settings.trackingUri()
          + (r.lastError() == null ? "" : ": " + r.lastError()) + "; run sync again to resume");
      return INCOMPLETE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("sync: interrupted; run it again to resume");
      return INCOMPLETE;
    } catch (Exception e) {
      err.println("sync: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return INCOMPLETE;
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static Duration parseDuration(String text) {
    try {
      return ConfigKeys.duration(text.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--timeout '" + text + "' is not a duration such as 30s, 5m or 1h");
    }
  }
}
