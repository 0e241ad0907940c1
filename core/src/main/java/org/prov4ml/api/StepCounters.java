package org.prov4ml.api;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.prov4ml.Context;

/**
 * Per (key, context) point counters: a metric logged without a step gets the number of earlier
 * points of its (key, context), as prov4ml does. A known key costs two map reads and an atomic
 * increment, no allocation; the key is validated once, when its counter is created.
 */
final class StepCounters {

  private final ConcurrentHashMap<Context, ConcurrentHashMap<String, AtomicLong>> byContext =
      new ConcurrentHashMap<>();

  /** The counter of (key, context); validates the key the first time it is seen. */
  AtomicLong counter(String key, Context context) {
    ConcurrentHashMap<String, AtomicLong> keys = byContext.get(context);
    if (keys != null) {
      AtomicLong counter = keys.get(key);
      if (counter != null) {
        return counter;
      }
    }
    ArgumentChecks.key(key, "metric key");
    return byContext.computeIfAbsent(context, c -> new ConcurrentHashMap<>())
        .computeIfAbsent(key, k -> new AtomicLong());
  }
}
