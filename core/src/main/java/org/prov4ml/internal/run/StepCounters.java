package org.prov4ml.internal.run;

import java.util.concurrent.ConcurrentHashMap;
import com.lmax.disruptor.Sequence;
import org.prov4ml.Context;
import org.prov4ml.internal.format.ArgumentChecks;

/**
 * Per (key, context) point counters: a metric logged without a step gets the number of earlier
 * points of its (key, context), as prov4ml does. A known key costs two map reads and an atomic
 * increment, no allocation; the key is validated once, when its counter is created.
 *
 * <p>The counters are the Disruptor's cache-line padded {@link Sequence}s (starting at -1, so
 * {@code incrementAndGet} gives 0 first): two threads logging their own metrics would otherwise
 * bounce one cache line between cores with every point, as neighbouring Sequences share lines.
 */
final class StepCounters {

  private final ConcurrentHashMap<Context, ConcurrentHashMap<String, Sequence>> byContext =
      new ConcurrentHashMap<>();

  /** The counter of (key, context); validates the key the first time it is seen. */
  Sequence counter(String key, Context context) {
    ConcurrentHashMap<String, Sequence> keys = byContext.get(context);
    if (keys != null) {
      Sequence counter = keys.get(key);
      if (counter != null) {
        return counter;
      }
    }
    ArgumentChecks.key(key, "metric key");
    return byContext.computeIfAbsent(context, c -> new ConcurrentHashMap<>())
        .computeIfAbsent(key, k -> new Sequence(-1));
  }

  /** (key, context) had {@code points} points in an earlier attempt of the run: the next implicit step is that. */
  void continueFrom(String key, Context context, long points) {
    counter(key, context).set(points - 1);
  }
}
