package org.prov4ml.internal.pipeline;

import java.nio.file.Path;
import org.prov4ml.Context;
import org.prov4ml.internal.format.FileDigests.Digest;

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

  /** The version's entity id, {@code <file name>//<context>}; spelled here only, for the writer and the run. */
  public String entityId() {
    return paramsFile.getFileName() + "//" + context.name();
  }
}
