package org.prov4ml.internal.mlflow;

import java.io.IOException;
import java.time.Duration;

/**
 * The server could not take a request now: connection refused, timeout, 429 or 5xx. Retried with
 * backoff; nothing is given up.
 */
final class MlflowUnavailableException extends IOException {

  private final boolean outcomeUnknown;
  private final Duration retryAfter;

  /**
   * @param outcomeUnknown the request may have been applied (a timeout or a broken connection after
   *     it was sent, a gateway's 502/504): a metric batch must be checked before it is sent again,
   *     because MLflow appends metric points without deduplicating them on every store
   * @param retryAfter the server's Retry-After, or null
   */
  MlflowUnavailableException(String message, boolean outcomeUnknown, Duration retryAfter) {
    super(message);
    this.outcomeUnknown = outcomeUnknown;
    this.retryAfter = retryAfter;
  }

  boolean outcomeUnknown() {
    return outcomeUnknown;
  }

  Duration retryAfter() {
    return retryAfter;
  }
}
