package org.prov4ml.internal.pipeline;

import java.nio.file.Path;
import java.util.Map;
import org.prov4ml.Context;
import org.prov4ml.internal.format.FileDigests.Digest;

/**
 * An artifact that the caller's thread has already copied into the run directory, with the digests the run's
 * background thread computed, so that the drainer only formats them.
 *
 * @param original where the caller's file was
 * @param copy its copy under the run's artifacts folder
 * @param context the phase it belongs to
 * @param isModel whether it is (part of) a saved model
 * @param digests each file of the copy (the copy itself, or a directory's files) and its digest
 */
public record ArtifactRecord(Path original, Path copy, Context context, boolean isModel, Map<Path, Digest> digests) {}
