package org.prov4ml.internal.pipeline;

/**
 * A destination of a run's events: the run directory's writer (benchmarks and tests put others in its
 * place). Every method is called on the one drainer thread, in the order the events were published, so
 * a sink needs no locking of its own. What follows the directory without its events is a
 * {@link Replica}.
 *
 * <p>A sink may throw: the {@link SinkDispatcher} logs the failure, counts it against the sink's
 * name and goes on with the other sinks and the next event.
 */
public interface Sink {

  /** A short name for reports, e.g. {@code local}. */
  String name();

  /** One event; the slot is reused afterwards, so copy what must outlive the call. */
  void accept(Event event) throws Exception;

  /**
   * The drainer has no more events for now: push buffered output out (no fsync needed). Once it
   * returns, replicas are told the directory is durable through this batch and read it; a sink that
   * defers part of its writing (say, coalesced document rewrites) only delays what they see, as long as
   * {@link #awaitBarrier} writes everything, since barriers are what callers wait on.
   */
  default void endOfBatch() throws Exception {}

  /**
   * Nothing new was published since the drainer last looked, i.e. up to one drainer sleep ago: a
   * sink that put work off to a deadline does it here once the deadline has passed, so that it is
   * not late when the run goes quiet. Called often while the run is idle; must be cheap when there
   * is nothing to do.
   */
  default void idle() throws Exception {}

  /**
   * Everything accepted so far must be durable in this sink before {@code barrier} is released
   * for it. The default flushes and arrives at once; an asynchronous sink arrives later, from its
   * own thread, when its destination has acknowledged.
   */
  default void awaitBarrier(Barrier barrier) throws Exception {
    endOfBatch();
    barrier.arrive(this);
  }

  /** The run ended: write the last of it and release every resource. */
  void close(RunOutcome outcome) throws Exception;

  /** After {@link #close}: what this sink delivered, for the run's end line, or null. */
  default String endSummary() {
    return null;
  }
}
