package org.prov4ml.internal.pipeline;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.tinylog.Logger;

/**
 * Failures inside prov4ml, counted by where they happened. The first failure of each place is
 * logged with its stack trace; the rest are only counted, so a sink that fails on every event does
 * not flood the host application's log, and the totals are reported at the end of the run.
 */
public final class FailureCounts {

  private final ConcurrentHashMap<String, AtomicLong> counts = new ConcurrentHashMap<>();

  /** Records a failure at {@code place}; logs it when it is the first there. */
  public void record(String place, Throwable failure) {
    long n = counts.computeIfAbsent(place, k -> new AtomicLong()).incrementAndGet();
    if (n == 1) {
      Logger.warn(failure, "prov4ml: {} failed; further failures there are counted and reported at run end",
          place);
    }
  }

  /** Failures so far, by place, sorted by name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((place, n) -> copy.put(place, n.get()));
    return copy;
  }

  public long total() {
    return counts.values().stream().mapToLong(AtomicLong::get).sum();
  }
}
