package org.prov4ml.internal.run;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.prov4ml.internal.config.ConfigKeys;
import org.tinylog.Logger;

/**
 * Model loads seen when no run was there to record them. An application loads its checkpoint before it
 * builds its trainer, so before any run: the load is held here, JVM-wide, and recorded by the next run
 * that starts ({@link #runStarted}). With {@code prov4ml.run.per-trainer} each trainer has a run of its
 * own, so a load goes instead to each run whose trainer trains the model that loaded it
 * ({@link #trainerBegan}), and stays held for the next one.
 *
 * <p>Bounded ({@value #CAPACITY} loads): a JVM that loads models in a loop and never trains keeps no more;
 * the oldest give way, said once. The model is held weakly, so a held load keeps no model alive.
 */
public final class HeldModelLoads {

  static final int CAPACITY = 64;

  /** One load: the model that loaded (weakly; null for none), its name, the file (null for a stream). */
  private record Load(WeakReference<Object> model, String modelName, Path file) {

    void recordInto(RecordedRun run) {
      if (file != null) {
        run.recordInputModel(modelName, file);
      } else {
        run.recordInputModelWithoutFile(modelName);
      }
    }
  }

  private static final Deque<Load> HELD = new ArrayDeque<>();
  private static final AtomicBoolean DROP_REPORTED = new AtomicBoolean();

  private HeldModelLoads() {}

  /** Holds a load of {@code file} (null: from a stream) by {@code model} until a run can record it. */
  public static void hold(Object model, String modelName, Path file) {
    synchronized (HELD) {
      if (HELD.size() >= CAPACITY) {
        HELD.removeFirst();
        if (DROP_REPORTED.compareAndSet(false, true)) {
          Logger.warn("prov4ml: more than {} model loads before any run; the oldest are not recorded", CAPACITY);
        }
      }
      HELD.addLast(new Load(new WeakReference<>(model), modelName, file));
    }
  }

  /**
   * A run started: unless each trainer gets its own run, it records every held load, and they are
   * held no more.
   */
  static void runStarted(RecordedRun run) {
    if (run.config().get(ConfigKeys.RUN_PER_TRAINER)) {
      return; // each trainer's run takes the loads of its own model, when the trainer begins
    }
    List<Load> loads;
    synchronized (HELD) {
      loads = new ArrayList<>(HELD);
      HELD.clear();
    }
    loads.forEach(load -> load.recordInto(run));
  }

  /**
   * A trainer of {@code model} began in {@code run}. With a run per trainer, the run records the held
   * loads of that model, which stay held for the next trainer of it; otherwise it records every held load.
   */
  public static void trainerBegan(RecordedRun run, Object model, boolean runPerTrainer) {
    List<Load> loads = new ArrayList<>();
    synchronized (HELD) {
      if (runPerTrainer) {
        HELD.removeIf(load -> load.model().refersTo(null)); // their models are gone: never trained again
        for (Load load : HELD) {
          if (load.model().refersTo(model)) {
            loads.add(load);
          }
        }
      } else {
        loads.addAll(HELD);
        HELD.clear();
      }
    }
    loads.forEach(load -> load.recordInto(run));
  }

  /** Held loads, for tests. */
  static int size() {
    synchronized (HELD) {
      return HELD.size();
    }
  }

  /** Forgets every held load, for tests. */
  static void clear() {
    synchronized (HELD) {
      HELD.clear();
    }
  }
}
