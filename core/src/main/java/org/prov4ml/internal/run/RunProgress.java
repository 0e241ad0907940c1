package org.prov4ml.internal.run;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The training counts of one run, shared by every trainer recorded into it: a second trainer (fine-tuning
 * after pre-training, say) continues the batch, step and epoch numbers of the first, so the run's
 * charts read on instead of starting over at 0. The run owns them ({@link RecordedRun#trainingProgress}).
 */
public final class RunProgress {

  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong steps = new AtomicLong();
  private final AtomicInteger epochs = new AtomicInteger();
  private final AtomicInteger trainers = new AtomicInteger();

  /**
   * Goes on from an earlier attempt of a relaunched run: {@code batches} and {@code steps} are the indices the
   * next batch and step get, {@code epochs} the epochs already recorded. Never moves a count back.
   */
  public void continueFrom(long batches, long steps, int epochs) {
    this.batches.accumulateAndGet(batches, Math::max);
    this.steps.accumulateAndGet(steps, Math::max);
    this.epochs.accumulateAndGet(epochs, Math::max);
  }

  /** The index of the training batch that just ended, from 0 over the whole run. */
  public long nextBatch() {
    return batches.getAndIncrement();
  }

  /** Training batches ended so far: the index the next one gets. */
  public long batches() {
    return batches.get();
  }

  /** The index of the optimizer step that just ended, from 0 over the whole run. */
  public long nextStep() {
    return steps.getAndIncrement();
  }

  /** The run's number of the epoch that just ended, from 1 as DJL counts epochs. */
  public int nextEpoch() {
    return epochs.incrementAndGet();
  }

  /** Epochs completed in this run so far. */
  public int epochs() {
    return epochs.get();
  }

  /** The 1-based number of a trainer that joins this run. */
  public int joinTrainer() {
    return trainers.incrementAndGet();
  }
}
