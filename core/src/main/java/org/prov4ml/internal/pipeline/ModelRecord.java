package org.prov4ml.internal.pipeline;

import java.nio.file.Path;
import java.util.Map;
import org.prov4ml.internal.format.FileDigests.Digest;

/**
 * What {@code logModel} learned about a model on the caller's thread.
 *
 * @param name the model name given by the caller
 * @param totalParams number of scalars over all parameter arrays of the block
 * @param memoryBytes bytes of those arrays
 * @param summary the block summary file under the artifacts, or {@code null}
 * @param savedFiles files written by DJL's {@code Model.save}, empty when not saved
 * @param digests the summary's and the saved files' digests, computed by the run's background thread
 */
public record ModelRecord(String name, long totalParams, long memoryBytes, Path summary, java.util.List<Path> savedFiles,
    Map<Path, Digest> digests) {}
