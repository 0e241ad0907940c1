package org.prov4ml.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP proxy in front of a tracking server that a test switches between passing
 * requests through and answering 500 or 429 itself; it counts what it saw.
 */
public final class FaultyProxy implements AutoCloseable {

  /** What the proxy does with the next requests. */
  public enum Mode {
    PASS, FAIL_500, FAIL_429,
    /** Passes the request to the server, which applies it, and answers 504: a gateway that lost the answer. */
    APPLIED_THEN_504
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final HttpServer server;
  private final String target;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private volatile Mode mode = Mode.PASS;
  private final java.util.concurrent.atomic.AtomicReference<Mode> nextMetricBatch = new java.util.concurrent.atomic.AtomicReference<>();
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final AtomicLong metricPointsDelivered = new AtomicLong();

  public FaultyProxy(String target) throws IOException {
    this.target = target;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public void mode(Mode mode) {
    this.mode = mode;
  }

  /** The next log-batch request that carries metric points gets {@code mode}; the others keep the proxy's. */
  public void nextMetricBatch(Mode mode) {
    nextMetricBatch.set(mode);
  }

  /** Requests seen, by {@code <mode> <method> <path>}, e.g. {@code PASS POST /api/2.0/mlflow/runs/log-batch}. */
  public long count(Mode mode, String method, String pathSuffix) {
    return counts.entrySet().stream()
        .filter(e -> e.getKey().startsWith(mode + " " + method + " ") && e.getKey().endsWith(pathSuffix))
        .mapToLong(e -> e.getValue().get()).sum();
  }

  /**
   * Metric points in log-batch requests the server accepted: the wire-level check of "nothing
   * twice", which the server itself cannot give (its sqlite store silently drops an identical point).
   */
  public long metricPointsDelivered() {
    return metricPointsDelivered.get();
  }

  /** Every Authorization header received. */
  public List<String> authorizations() {
    return authorizations;
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    byte[] body = exchange.getRequestBody().readAllBytes();
    Mode now = mode;
    if (path.endsWith("/runs/log-batch") && nextMetricBatch.get() != null
        && JSON.readTree(body).path("metrics").size() > 0) {
      Mode once = nextMetricBatch.getAndSet(null);
      now = once != null ? once : now;
    }
    counts.computeIfAbsent(now + " " + exchange.getRequestMethod() + " " + path, k -> new AtomicLong())
        .incrementAndGet();
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    if (auth != null) {
      authorizations.add(auth);
    }
    try {
      switch (now) {
        case FAIL_500 -> reply(exchange, 500, "{\"error_code\": \"INTERNAL_ERROR\", \"message\": \"injected\"}");
        case FAIL_429 -> {
          exchange.getResponseHeaders().add("Retry-After", "0");
          reply(exchange, 429, "{\"error_code\": \"REQUEST_LIMIT_EXCEEDED\", \"message\": \"injected\"}");
        }
        case APPLIED_THEN_504 -> {
          if (forward(exchange, body, false)) {
            reply(exchange, 504, "<html>Gateway Timeout</html>");
          }
        }
        default -> forward(exchange, body, true);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reply(exchange, 502, "interrupted");
    }
  }

  /** @return whether the server answered (else the proxy did, 503) */
  private boolean forward(HttpExchange exchange, byte[] body, boolean answer) throws IOException, InterruptedException {
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException upstreamDown) {
      reply(exchange, 503, "{\"error_code\": \"TEMPORARILY_UNAVAILABLE\", \"message\": \"upstream down\"}");
      return false;
    }
    if (response.statusCode() == 200 && exchange.getRequestURI().getPath().endsWith("/runs/log-batch")) {
      metricPointsDelivered.addAndGet(JSON.readTree(body).path("metrics").size());
    }
    if (answer) {
      response.headers().firstValue("Content-Type").ifPresent(t -> exchange.getResponseHeaders().add("Content-Type", t));
      reply(exchange, response.statusCode(), response.body());
    }
    return true;
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    reply(exchange, status, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
