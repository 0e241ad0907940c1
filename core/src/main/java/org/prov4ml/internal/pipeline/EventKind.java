package org.prov4ml.internal.pipeline;

/** What an {@link Event} slot currently carries. */
public enum EventKind {
  /** A metric point: key, context, step, value, timestamp; no payload, so logging it allocates nothing. */
  METRIC,
  /** A parameter: key, payload = its value as text. */
  PARAM,
  /** A parameter the run used rather than chose (yProv4ML's {@code source_code}): key, payload = its value as text. */
  INPUT_PARAM,
  /** Something the run used (a data set, the application's code): payload = {@link InputRecord}. */
  INPUT,
  /** An artifact already copied into the run directory: payload = {@link ArtifactRecord}. */
  ARTIFACT,
  /** A model's description: payload = {@link ModelRecord}. */
  MODEL,
  /** A saved model version: payload = {@link ModelVersionRecord}. */
  MODEL_VERSION,
  /** A used file another run made: payload = {@link ProducerLink}. */
  PRODUCER_LINK,
  /**
   * The run loaded a file that is one of its own model versions: payload = {@link ModelVersionUse}; the
   * run used that version, and the model's next version derives from it.
   */
  MODEL_VERSION_USED,
  /**
   * Attributes of the run activity that a replica learned (MLflow's run and experiment ids, its page):
   * payload = {@code Map<String, String>}. Not the application's: one published after the run's end is
   * not counted as late.
   */
  RUN_ATTRIBUTES,
  /** A flush request: payload = {@link Barrier}, released once every sink has everything before it. */
  BARRIER,
  /** The last event of a run: payload = {@link RunOutcome}; sinks finish and close. */
  RUN_END
}
