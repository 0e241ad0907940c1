package org.prov4ml.internal.pipeline;

import java.nio.file.Path;
import org.prov4ml.Context;

/**
 * An artifact that the caller's thread has already copied into the run directory.
 *
 * @param original where the caller's file was
 * @param copy its copy under the run's artifacts folder
 * @param context the phase it belongs to
 * @param isModel whether it is (part of) a saved model
 */
public record ArtifactRecord(Path original, Path copy, Context context, boolean isModel) {}
