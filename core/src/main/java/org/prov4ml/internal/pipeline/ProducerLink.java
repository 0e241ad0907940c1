package org.prov4ml.internal.pipeline;

/**
 * A file this run used that another run made: the other run's model version or artifact, as its run directory
 * confirmed it, to be named in this run's document and linked from the used entity with
 * {@code prov:wasDerivedFrom}.
 *
 * @param usedEntity the id of this run's entity for the file it used (an input model, a data set)
 * @param sha256 the content's SHA-256, which both runs recorded
 * @param otherRunDir the other run directory's name in the same output directory
 * @param otherExperiment the other run's experiment
 * @param otherRunId the other run's id
 * @param otherEntity the id of the entity in the other run's document
 * @param otherKind what it is to the other run: a model version, an artifact
 * @param otherLabel its file's name there
 */
public record ProducerLink(String usedEntity, String sha256, String otherRunDir, String otherExperiment,
    String otherRunId, String otherEntity, String otherKind, String otherLabel) {}
