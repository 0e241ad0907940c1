package org.prov4ml.internal.pipeline;

import java.nio.file.Path;
import org.prov4ml.Context;
import org.prov4ml.internal.format.FileDigests.Digest;
import org.prov4ml.internal.format.RunLayout;

/**
 * One saved version of a model.
 *
 * @param name the model name
 * @param context the phase in which it was saved
 * @param step the step (DJL epoch) it was saved at
 * @param paramsFile the {@code .params} file DJL wrote under the run's artifacts
 * @param totalParams number of scalars over all parameter arrays
 * @param memoryBytes bytes of those arrays
 * @param digest the file's digest, computed by the run's background thread
 */
public record ModelVersionRecord(
    String name, Context context, long step, Path paramsFile, long totalParams, long memoryBytes, Digest digest) {

  /** The version's entity id, {@code <file label>//<context>}; spelled here only, for the writer and the run. */
  public String entityId() {
    return fileLabel() + "//" + context.name();
  }

  /**
   * The file's name, or {@code attempt<N>/<name>} for a version a continued run saved again under a name an
   * earlier attempt's version has: a version, and a file, of its own.
   */
  public String fileLabel() {
    Path folder = paramsFile.getParent();
    String name = paramsFile.getFileName().toString();
    return folder != null && folder.getFileName() != null && RunLayout.isAttemptFolder(folder.getFileName().toString())
        ? folder.getFileName() + "/" + name : name;
  }
}
