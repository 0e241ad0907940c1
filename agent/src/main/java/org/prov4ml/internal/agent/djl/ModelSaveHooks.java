package org.prov4ml.internal.agent.djl;

import ai.djl.Model;
import ai.djl.util.Utils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.internal.agent.AgentFailures;

/** What the advice on {@code BaseModel.save} calls: each save of the application is a model version. */
public final class ModelSaveHooks {

  /** The model property DJL's {@code BaseModel.save} numbers its file with. */
  private static final String EPOCH_PROPERTY = "Epoch";

  private ModelSaveHooks() {}

  /**
   * The model was saved into {@code directory}: its {@code .params} file is recorded as a version of
   * the model, at the epoch DJL numbered it with (continued past the run's earlier trainers), into
   * the run its trainer records to, or the active run. Saves prov4ml itself makes (into the run
   * directory) are not versions of their own.
   */
  public static void saved(Object model, Object directory, Object name) {
    try {
      Model m = (Model) model;
      TrainerState state = TrainerRegistry.ofModel(m);
      Run run = state != null && state.recording() ? state.run : Prov4ml.activeRun().orElse(null);
      Path dir = ((Path) directory).toAbsolutePath().normalize();
      if (run == null || dir.startsWith(run.runDirectory())) {
        return;
      }
      String modelName = name == null || ((String) name).isEmpty() ? m.getName() : (String) name;
      int epoch = epochOfSave(m, dir, modelName);
      Path file = dir.resolve(String.format(Locale.ROOT, "%s-%04d.params", modelName, epoch));
      if (Files.isRegularFile(file)) {
        long step = epoch + (state != null ? state.epochOffset : 0);
        run.logModelVersion(m, modelName, Context.TRAINING, step, file);
      }
    } catch (Throwable e) {
      AgentFailures.record("Model.save", e);
    }
  }

  /**
   * The epoch in the file name, as {@code BaseModel.save} chose it: the {@code Epoch} property, else
   * one past the highest {@code <name>-NNNN.params} before the save, i.e. the highest one now.
   */
  private static int epochOfSave(Model model, Path dir, String modelName) throws IOException {
    String property = model.getProperty(EPOCH_PROPERTY);
    return property != null ? Integer.parseInt(property) : Utils.getCurrentEpoch(dir, modelName);
  }
}
