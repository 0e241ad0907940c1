package org.prov4ml.internal.mlflow;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.config.Prov4mlConfig;

/**
 * Where and how a run reaches MLflow.
 *
 * @param trackingUri the server, {@code http(s)://host:port[/prefix]}, without user-info
 * @param credentials from MLflow's environment variables (never printed)
 * @param experimentName {@code MLFLOW_EXPERIMENT_NAME}, which overrides the run's experiment, or null
 * @param existingRunId {@code MLFLOW_RUN_ID}: log into this run instead of creating one, or null
 * @param requestTimeout connect and response timeout of one HTTP request
 * @param maxRetryBackoff the cap of the exponential backoff between retries
 * @param flushTimeout how long the end of a run waits for the server
 * @param uploadInterval the least time between two upload passes, unless a flush or the end waits
 * @param registerModels whether model versions also become versions in MLflow's Model Registry
 */
public record MlflowSettings(URI trackingUri, MlflowCredentials credentials, String experimentName,
    String existingRunId, Duration requestTimeout, Duration maxRetryBackoff, Duration flushTimeout,
    Duration uploadInterval, boolean registerModels) {

  /**
   * The settings of this configuration and environment.
   *
   * @param trackingUri overrides the configured tracking URI (sync's {@code --tracking-uri}), or null
   * @throws IllegalArgumentException when the URI is not an http(s) URI; the message names it
   */
  public static MlflowSettings from(Prov4mlConfig config, Map<String, String> env, String trackingUri) {
    String raw = trackingUri != null ? trackingUri : config.get(ConfigKeys.MLFLOW_TRACKING_URI);
    if (raw == null || raw.isBlank()) {
      throw new IllegalArgumentException("no MLflow tracking URI: set prov4ml.mlflow.tracking-uri or "
          + "MLFLOW_TRACKING_URI");
    }
    URI uri = parse(raw.trim());
    return new MlflowSettings(withoutUserInfo(uri), MlflowCredentials.fromEnv(env, uri),
        blankToNull(env.get("MLFLOW_EXPERIMENT_NAME")), blankToNull(env.get("MLFLOW_RUN_ID")),
        config.get(ConfigKeys.MLFLOW_REQUEST_TIMEOUT), config.get(ConfigKeys.MLFLOW_MAX_RETRY_BACKOFF),
        config.get(ConfigKeys.MLFLOW_FLUSH_TIMEOUT), config.get(ConfigKeys.MLFLOW_UPLOAD_INTERVAL),
        config.get(ConfigKeys.MLFLOW_REGISTER_MODELS));
  }

  /**
   * The settings for a server that only a run directory names (its upload cursor), which the user did not: a run
   * directory is untrusted input, so such a server never receives the user's credentials. The URI's user-info
   * is dropped too, so nothing the directory wrote is sent as a credential either.
   *
   * @throws IllegalArgumentException when the URI is not an http(s) URI; the message names it
   */
  public static MlflowSettings withoutCredentials(Prov4mlConfig config, Map<String, String> env,
      String trackingUri) {
    MlflowSettings named = from(config, Map.of(), trackingUri);
    return new MlflowSettings(named.trackingUri(), MlflowCredentials.none(),
        blankToNull(env.get("MLFLOW_EXPERIMENT_NAME")), blankToNull(env.get("MLFLOW_RUN_ID")),
        named.requestTimeout(), named.maxRetryBackoff(), named.flushTimeout(), named.uploadInterval(),
        named.registerModels());
  }

  /** Whether the environment holds MLflow credentials ({@code MLFLOW_TRACKING_TOKEN} or a user name). */
  public static boolean credentialsIn(Map<String, String> env) {
    return MlflowCredentials.fromEnv(env, null).present();
  }

  private static URI parse(String raw) {
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("MLflow tracking URI is not a URI: " + redactUserInfo(raw));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      // file: and databricks: stores need MLflow's Python or Databricks' own auth; prov4ml talks REST.
      throw new IllegalArgumentException("MLflow tracking URI " + redactUserInfo(raw)
          + " is not supported: prov4ml needs an http:// or https:// tracking server");
    }
    return uri;
  }

  private static URI withoutUserInfo(URI uri) {
    try {
      String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
      return new URI(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
          + path);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("MLflow tracking URI " + uri.getHost() + " cannot be rebuilt", e);
    }
  }

  private static String redactUserInfo(String raw) {
    return raw.replaceAll("//[^/@]*@", "//***@");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** A run's page in the MLflow UI. */
  public String runUrl(MlflowTracking.RunRef run) {
    return MlflowReplica.runPage(trackingUri.toString(), run.experimentId(), run.runId());
  }
}
