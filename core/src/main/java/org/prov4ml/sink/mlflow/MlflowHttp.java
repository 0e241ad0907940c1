package org.prov4ml.sink.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * HTTP to the tracking server, with timeouts and a classification of every failure.
 *
 * <p>Not the Java client's HTTP layer: {@code MlflowHttpCaller} has no timeouts (a dead server
 * hangs the caller) and retries every error, 4xx included, three times without waiting. Here one
 * call is one request; the caller decides about retries, knowing from the exception whether the
 * request may have been applied.
 */
final class MlflowHttp {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final MlflowCredentials credentials;
  private final Duration timeout;
  private final HttpClient client;

  MlflowHttp(MlflowSettings settings) {
    this.base = settings.trackingUri();
    this.credentials = settings.credentials();
    this.timeout = settings.requestTimeout();
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout);
    if (credentials.insecureTls()) {
      builder.sslContext(trustingEveryCertificate());
    }
    this.client = builder.build();
  }

  JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
    return json(send(request(pathAndQuery).GET()));
  }

  JsonNode postJson(String path, byte[] body) throws IOException, InterruptedException {
    return json(send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))));
  }

  void putFile(String path, Path file) throws IOException, InterruptedException {
    send(request(path).header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofFile(file)));
  }

  /** The server, for messages: never with credentials. */
  String server() {
    return base.toString();
  }

  String redact(String text) {
    return credentials.redact(text);
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
        .header("User-Agent", "prov4ml-java");
    credentials.authorize(b);
    return b;
  }

  private byte[] send(HttpRequest.Builder builder) throws IOException, InterruptedException {
    HttpRequest request = builder.build();
    HttpResponse<byte[]> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new MlflowUnavailableException("cannot connect to " + server() + ": " + describe(e), false, null);
    } catch (HttpTimeoutException e) {
      throw new MlflowUnavailableException("no answer from " + server() + " within " + timeout.toMillis()
          + " ms", true, null);
    } catch (IOException e) {
      throw new MlflowUnavailableException("connection to " + server() + " failed: " + describe(e), true, null);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return response.body();
    }
    throw failure(request, status, response);
  }

  private IOException failure(HttpRequest request, int status, HttpResponse<byte[]> response) {
    String code = "HTTP_" + status;
    String message = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8).strip();
    try {
      JsonNode error = JSON.readTree(response.body());
      if (error != null && error.has("error_code")) {
        code = error.path("error_code").asText();
        message = error.path("message").asText();
      }
    } catch (IOException notJson) {
      // a proxy's HTML page: keep the text
    }
    message = redact(message.length() > 500 ? message.substring(0, 500) + "..." : message);
    String where = request.method() + " " + request.uri().getRawPath();
    if (status == 429 || status >= 500) {
      Duration retryAfter = response.headers().firstValue("Retry-After").map(MlflowHttp::seconds).orElse(null);
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
