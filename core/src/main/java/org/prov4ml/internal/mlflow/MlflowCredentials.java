package org.prov4ml.internal.mlflow;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * How to authenticate to the tracking server, from MLflow's own environment variables:
 * {@code MLFLOW_TRACKING_USERNAME}/{@code MLFLOW_TRACKING_PASSWORD} (basic),
 * {@code MLFLOW_TRACKING_TOKEN} (bearer, wins when both are set, as in MLflow's Python client),
 * {@code MLFLOW_TRACKING_INSECURE_TLS}. A user and password in the tracking URI's user-info are
 * used when the variables are not set.
 *
 * <p>The Java client reads none of these variables itself (it only passes them to the Python CLI
 * it forks), so prov4ml reads them. Every text that may reach a log line goes through
 * {@link #redact}.
 */
final class MlflowCredentials {

  private final String username;
  private final String password;
  private final String token;
  private final boolean insecureTls;

  private MlflowCredentials(String username, String password, String token, boolean insecureTls) {
    this.username = blankToNull(username);
    this.password = blankToNull(password);
    this.token = blankToNull(token);
    this.insecureTls = insecureTls;
  }

  /** The credentials of {@code env}, and of {@code trackingUri}'s user-info unless it is null. */
  static MlflowCredentials fromEnv(Map<String, String> env, URI trackingUri) {
    String user = env.get("MLFLOW_TRACKING_USERNAME");
    String password = env.get("MLFLOW_TRACKING_PASSWORD");
    String info = trackingUri == null ? null : trackingUri.getRawUserInfo();
    if (user == null && info != null) {
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? null : decode(info.substring(colon + 1));
    }
    return new MlflowCredentials(user, password, env.get("MLFLOW_TRACKING_TOKEN"),
        "true".equalsIgnoreCase(env.getOrDefault("MLFLOW_TRACKING_INSECURE_TLS", "false")));
  }

  static MlflowCredentials none() {
    return new MlflowCredentials(null, null, null, false);
  }

  void authorize(URLConnection request) {
    String header = authorizationHeader();
    if (header != null) {
      request.setRequestProperty("Authorization", header);
    }
  }

  boolean insecureTls() {
    return insecureTls;
  }

  /** {@code text} with every credential (and its Base64 form) replaced by {@code ***}. */
  String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String secret : secrets()) {
      out = out.replace(secret, "***");
    }
    return out;
  }

  private List<String> secrets() {
    List<String> secrets = new ArrayList<>();
    String header = authorizationHeader();
    if (header != null) {
      secrets.add(header.substring(header.indexOf(' ') + 1));
    }
    if (token != null) {
      secrets.add(token);
    }
    if (password != null) {
      secrets.add(password);
    }
    return secrets;
  }

  String authorizationHeader() {
    if (token != null) {
      return "Bearer " + token;
    }
    if (username != null) {
      String pair = username + ":" + (password == null ? "" : password);
      return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
    return null;
  }

  /** Whether any credential is configured. */
  boolean present() {
    return token != null || username != null;
  }

  @Override
  public String toString() {
    return token != null ? "bearer token" : username != null ? "basic auth as " + username : "no credentials";
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
