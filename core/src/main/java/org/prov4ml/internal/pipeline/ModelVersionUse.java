package org.prov4ml.internal.pipeline;

/**
 * A run loaded one of its own model versions (a resumed job reloading its checkpoint, a run that
 * reloads its best epoch): not an input from elsewhere, but a step back in its own chain.
 *
 * @param versionEntityId the version's entity id in this run's document
 * @param modelName the name of the model that loaded it, for a version the document does not describe
 *     (one recorded by an earlier attempt of the run)
 */
public record ModelVersionUse(String versionEntityId, String modelName) {}
