package org.prov4ml.internal.mlflow;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * Capped exponential backoff with jitter: 200 ms, 400 ms, ... up to the cap, each wait drawn
 * from the upper half of its step, so several ranks that lost the server together do not come
 * back in lockstep. A server's Retry-After (429) is honoured up to the cap.
 */
final class Backoff {

  private static final long FIRST_NANOS = Duration.ofMillis(200).toNanos();

  private final long capNanos;
  private int failures;

  Backoff(Duration cap) {
    this.capNanos = Math.max(FIRST_NANOS, cap.toNanos());
  }

  /** The wait before the next attempt; each call doubles the step until the cap. */
  long nextNanos(Duration serverHint) {
    long step = Math.min(capNanos, FIRST_NANOS << Math.min(failures, 30)); // 2^30 steps: past any cap, no overflow
    failures++;
    long half = step / 2;
    long wait = half + ThreadLocalRandom.current().nextLong(half + 1);
    if (serverHint != null) {
      wait = Math.max(wait, Math.min(capNanos, serverHint.toNanos()));
    }
    return wait;
  }

  void reset() {
    failures = 0;
  }

  /** One attempt at something the server may be unable to take now. */
  @FunctionalInterface
  interface Attempt<T> {
    T run() throws IOException, InterruptedException;
  }

  /**
   * Runs {@code attempt} until it succeeds, waiting this backoff (or the server's hint) after each
   * {@link MlflowUnavailableException}; when the next wait would pass {@code deadlineNanos}, that failure is thrown.
   * {@code waiting} hears of each wait, in milliseconds, with the failure's message.
   */
  <T> T retryUntil(long deadlineNanos, Attempt<T> attempt, BiConsumer<String, Long> waiting)
      throws IOException, InterruptedException {
    while (true) {
      try {
        return attempt.run();
      } catch (MlflowUnavailableException e) {
        long wait = nextNanos(e.retryAfter());
        if (System.nanoTime() + wait > deadlineNanos) {
          throw e;
        }
        waiting.accept(e.getMessage(), wait / 1_000_000);
        Thread.sleep(wait / 1_000_000);
      }
    }
  }
}
