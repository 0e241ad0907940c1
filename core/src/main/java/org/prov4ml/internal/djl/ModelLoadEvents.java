package org.prov4ml.internal.djl;

import ai.djl.Model;
import java.nio.file.Path;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.run.ActiveRun;
import org.prov4ml.internal.run.HeldModelLoads;
import org.prov4ml.internal.run.RecordedRun;
import org.prov4ml.internal.run.RecordingFailures;

/**
 * The agent's events of DJL loading a model, each file loaded recorded once per load. DJL's loads end
 * in few places: {@code BaseModel.readParameters(Path, Map)} reads a {@code .params} file (what
 * {@code Model.load} with a block, {@code Criteria.loadModel} and {@code ZooModel} come to), and reads it
 * through {@code readParameters(InputStream, Map)}, which is therefore a stream load only when no file
 * read is under way on the thread; the PyTorch engine's {@code PtModel.load} loads a TorchScript file it
 * finds itself ({@code findModelFile}), or a TorchScript stream. The advice's arguments are typed
 * {@code Object}; every method catches everything, counts it in {@link RecordingFailures}, and returns.
 *
 * <p>A load goes to the run of the trainer that trains the model, else the active run; with none
 * (loads come before the trainer) it is held until a run starts ({@link HeldModelLoads}). With
 * {@code prov4ml.run.per-trainer} a model not yet trained is always held, for its own trainer's run.
 */
public final class ModelLoadEvents {

  /** How deep the thread is in {@code readParameters(Path, Map)}: the stream read inside it is that file's. */
  private static final ThreadLocal<int[]> FILE_READS = ThreadLocal.withInitial(() -> new int[1]);
  /** The TorchScript file {@code PtModel.findModelFile} found for the load under way on this thread. */
  private static final ThreadLocal<Path> TORCH_SCRIPT_FILE = new ThreadLocal<>();

  private ModelLoadEvents() {}

  /** Entry of {@code BaseModel.readParameters(Path, Map)}. */
  public static void parametersReading() {
    FILE_READS.get()[0]++;
  }

  /**
   * Exit of {@code BaseModel.readParameters(Path, Map)}: DJL returns false for a file that is not in
   * its format (nothing was loaded), and a read that threw loaded nothing either.
   */
  public static void parametersRead(Object model, Object file, boolean loaded, Throwable thrown) {
    try {
      FILE_READS.get()[0]--;
      if (loaded && thrown == null) {
        loaded((Model) model, (Path) file);
      }
    } catch (Throwable e) {
      RecordingFailures.record("agent Model.load", e);
    }
  }

  /** Exit of {@code BaseModel.readParameters(InputStream, Map)}: a stream load unless a file read holds it. */
  public static void parameterStreamRead(Object model, boolean loaded, Throwable thrown) {
    try {
      if (loaded && thrown == null && FILE_READS.get()[0] == 0) {
        loaded((Model) model, null);
      }
    } catch (Throwable e) {
      RecordingFailures.record("agent Model.load", e);
    }
  }

  /** Exit of {@code PtModel.findModelFile}: the TorchScript file the load will read, if it found one. */
  public static void torchScriptFound(Object file) {
    if (file != null) {
      TORCH_SCRIPT_FILE.set((Path) file);
    }
  }

  /** Exit of {@code PtModel.load(Path, String, Map)}: a TorchScript file was loaded if one was found and nothing threw. */
  public static void torchScriptLoadEnded(Object model, Throwable thrown) {
    try {
      Path file = TORCH_SCRIPT_FILE.get();
      TORCH_SCRIPT_FILE.remove();
      if (file != null && thrown == null) {
        loaded((Model) model, file);
      }
    } catch (Throwable e) {
      RecordingFailures.record("agent Model.load", e);
    }
  }

  /**
   * Exit of {@code PtModel.load(InputStream, boolean)}: with no block before it, a TorchScript stream
   * was loaded; with one, the parameters were read from the stream, and {@link #parameterStreamRead} saw it.
   */
  public static void torchScriptStreamLoaded(Object model, boolean hadBlock, Throwable thrown) {
    try {
      if (!hadBlock && thrown == null) {
        loaded((Model) model, null);
      }
    } catch (Throwable e) {
      RecordingFailures.record("agent Model.load", e);
    }
  }

  /** {@code model} loaded {@code file} (null: a stream): into its run, or held until there is one. */
  static void loaded(Model model, Path file) {
    String name = model.getName() != null ? model.getName() : "model";
    TrainerState state = TrainerRegistry.ofModel(model);
    RecordedRun run = state != null && state.recording() ? state.run : null;
    if (run == null && !Prov4mlConfig.current().get(ConfigKeys.RUN_PER_TRAINER)) {
      run = ActiveRun.current();
    }
    if (run == null) {
      HeldModelLoads.hold(model, name, file);
    } else if (file != null) {
      run.recordInputModel(name, file);
    } else {
      run.recordInputModelWithoutFile(name);
    }
  }
}
