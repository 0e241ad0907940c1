package org.prov4ml.internal.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * HTTP to the tracking server, with timeouts and a classification of every failure.
 *
 * <p>Not the Java client's HTTP layer: {@code MlflowHttpCaller} has no timeouts (a dead server
 * hangs the caller) and retries every error, 4xx included, three times without waiting. Here one
 * call is one request; the caller decides about retries, knowing from the exception whether the
 * request may have been applied.
 *
 * <p>{@code HttpURLConnection}, not {@code java.net.http.HttpClient}: the uploader sends one request
 * at a time, and the asynchronous client loaded ~880 more classes into the training's JVM (its own,
 * TLS set up even for {@code http://}, ~180 lambdas) plus two threads, all JIT-compiled on the
 * cores the training uses. Bodies are sent in fixed-length streaming mode, in which the JDK never
 * silently resends a POST on a stale keep-alive connection (it would duplicate metric points).
 */
final class MlflowHttp {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Writes a request body. */
  @FunctionalInterface
  private interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  private final URI base;
  private final MlflowCredentials credentials;
  private final Duration timeout;
  private final SSLSocketFactory insecureTls;
  private HttpClient patchClient;

  MlflowHttp(MlflowSettings settings) {
    this.base = settings.trackingUri();
    this.credentials = settings.credentials();
    this.timeout = settings.requestTimeout();
    this.insecureTls = credentials.insecureTls() ? trustingEveryCertificate().getSocketFactory() : null;
  }

  JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
    return json(send("GET", pathAndQuery, null, -1, null));
  }

  JsonNode postJson(String path, byte[] body) throws IOException, InterruptedException {
    return json(send("POST", path, "application/json", body.length, out -> out.write(body)));
  }

  /**
   * A PATCH (MLflow 3's {@code logged-models/{id}}, which has no other method), through
   * {@code java.net.http.HttpClient}: {@code HttpURLConnection} refuses the method. Built on the first
   * PATCH, so a run that never finalizes a LoggedModel (a 2.x server, no checkpoints) never loads it.
   */
  JsonNode patchJson(String path, byte[] body) throws IOException, InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .header("User-Agent", "prov4ml-java");
    String authorization = credentials.authorizationHeader();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<byte[]> response;
    try {
      response = patchClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (java.net.ConnectException e) { // nothing was sent
      throw new MlflowUnavailableException("cannot connect to " + server() + ": " + describe(e), false, null);
    } catch (java.net.http.HttpTimeoutException e) {
      throw new MlflowUnavailableException("no answer from " + server() + " within " + timeout.toMillis()
          + " ms", true, null);
    } catch (IOException e) {
      throw new MlflowUnavailableException("connection to " + server() + " failed: " + describe(e), true, null);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return json(response.body());
    }
    throw failure("PATCH " + URI.create(base + path).getRawPath(), status, response.body(),
        response.headers().firstValue("Retry-After").orElse(null));
  }

  private synchronized HttpClient patchClient() {
    if (patchClient == null) {
      HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout)
          .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
      if (credentials.insecureTls()) {
        builder.sslContext(trustingEveryCertificate());
      }
      patchClient = builder.build();
    }
    return patchClient;
  }

  void putFile(String path, Path file) throws IOException, InterruptedException {
    send("PUT", path, "application/octet-stream", Files.size(file), out -> Files.copy(file, out));
  }

  /** The server, for messages: never with credentials. */
  String server() {
    return base.toString();
  }

  String redact(String text) {
    return credentials.redact(text);
  }

  private byte[] send(String method, String path, String contentType, long length, Body body)
      throws IOException, InterruptedException {
    if (Thread.interrupted()) { // the blocking I/O below does not answer interrupts; the run's end uses them
      throw new InterruptedException();
    }
    HttpURLConnection connection = open(method, path, contentType, length);
    try {
      connection.connect();
    } catch (IOException e) { // nothing was sent
      throw new MlflowUnavailableException("cannot connect to " + server() + ": " + describe(e), false, null);
    }
    int status;
    byte[] answer;
    try {
      if (body != null) {
        try (OutputStream out = connection.getOutputStream()) {
          body.writeTo(out);
        }
      }
      status = connection.getResponseCode();
      answer = readAll(status < 400 ? connection.getInputStream() : connection.getErrorStream());
    } catch (SocketTimeoutException e) {
      throw new MlflowUnavailableException("no answer from " + server() + " within " + timeout.toMillis()
          + " ms", true, null);
    } catch (IOException e) {
      throw new MlflowUnavailableException("connection to " + server() + " failed: " + describe(e), true, null);
    }
    if (status >= 200 && status < 300) {
      return answer;
    }
    throw failure(method + " " + URI.create(base + path).getRawPath(), status, answer,
        connection.getHeaderField("Retry-After"));
  }

  private HttpURLConnection open(String method, String path, String contentType, long length) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
    if (insecureTls != null && connection instanceof HttpsURLConnection https) {
      https.setSSLSocketFactory(insecureTls);
      https.setHostnameVerifier((host, session) -> true);
    }
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    connection.setConnectTimeout(millis);
    connection.setReadTimeout(millis);
    connection.setRequestMethod(method);
    connection.setInstanceFollowRedirects(false);
    connection.setUseCaches(false);
    connection.setRequestProperty("User-Agent", "prov4ml-java");
    connection.setRequestProperty("Accept", "application/json");
    credentials.authorize(connection);
    if (contentType != null) {
      connection.setRequestProperty("Content-Type", contentType);
      connection.setDoOutput(true);
      connection.setFixedLengthStreamingMode(length);
    }
    return connection;
  }

  /** The whole body, so that the connection goes back to the keep-alive pool. */
  private static byte[] readAll(InputStream in) throws IOException {
    if (in == null) {
      return new byte[0];
    }
    try (in) {
      return in.readAllBytes();
    }
  }

  private IOException failure(String where, int status, byte[] answer, String retryAfterHeader) {
    String code = "HTTP_" + status;
    String message = new String(answer, java.nio.charset.StandardCharsets.UTF_8).strip();
    try {
      JsonNode error = answer.length == 0 ? null : JSON.readTree(answer);
      if (error != null && error.has("error_code")) {
        code = error.path("error_code").asText();
        message = error.path("message").asText();
      }
    } catch (IOException notJson) {
      // a proxy's HTML page: keep the text
    }
    message = redact(message.length() > 500 ? message.substring(0, 500) + "..." : message);
    if (status == 429 || status >= 500) {
      Duration retryAfter = retryAfterHeader == null ? null : seconds(retryAfterHeader);
      // 502/504 come from a gateway whose upstream may have applied the request.
      boolean unknown = status == 502 || status == 504;
      return new MlflowUnavailableException(where + " answered " + status + " " + code + ": " + message, unknown,
          retryAfter);
    }
    if (status == 401 || status == 403) {
      // Not an element's fault: nothing can be delivered until the credentials are right. Kept pending.
      return new MlflowUnavailableException(where + " answered " + status + " (check MLFLOW_TRACKING_USERNAME, "
          + "MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN): " + message, false, null);
    }
    return new MlflowRejectedException(status, code, message);
  }

  private static Duration seconds(String value) {
    try {
      return Duration.ofSeconds(Long.parseLong(value.trim()));
    } catch (NumberFormatException httpDate) {
      return null;
    }
  }

  private static JsonNode json(byte[] body) throws IOException {
    return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
  }

  private String describe(IOException e) {
    String m = e.getMessage();
    return redact(m == null || m.isBlank() ? e.getClass().getSimpleName() : m);
  }

  /** MLFLOW_TRACKING_INSECURE_TLS: accept any certificate, and so any host name, as MLflow does. */
  private static SSLContext trustingEveryCertificate() {
    TrustManager trustAll = new javax.net.ssl.X509ExtendedTrustManager() {
      @Override public void checkClientTrusted(X509Certificate[] c, String a) {}
      @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
      @Override public void checkClientTrusted(X509Certificate[] c, String a, java.net.Socket s) {}
      @Override public void checkServerTrusted(X509Certificate[] c, String a, java.net.Socket s) {}
      @Override public void checkClientTrusted(X509Certificate[] c, String a, javax.net.ssl.SSLEngine e) {}
      @Override public void checkServerTrusted(X509Certificate[] c, String a, javax.net.ssl.SSLEngine e) {}
      @Override public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the insecure TLS context", e);
    }
  }
}
