package org.prov4ml.rundir;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.prov4ml.Context;

/**
 * What one rank (one process) recorded of a run: its PROV document
 * {@code prov_<experiment>_GR<rank>_<runId>.json} and the files it names, in
 * {@code metrics_GR<rank>/} and {@code artifacts_GR<rank>/}. Read once, when the run directory is
 * opened; only the metric points are read later, from their files, as they are streamed.
 */
public final class RankRecord {

  private final int rank;
  private final Path document;
  private final Path artifactsDir;
  private final RunActivity run;
  private final Map<String, String> params;
  private final List<MetricSeries> metrics;
  private final List<Artifact> artifacts;
  private final List<Model> models;
  private final List<ModelVersion> modelVersions;
  private final List<DatasetRecord> datasets;
  private final List<SourceCode> sourceCode;
  private final Map<String, Map<String, String>> entities;
  private final Map<String, Map<String, String>> activities;
  private final Map<String, Map<String, String>> agents;
  private final List<ProvRelation> relations;
  private final List<InputModel> inputModels;

  RankRecord(int rank, Path document, Path artifactsDir, RunActivity run, Map<String, String> params,
      List<MetricSeries> metrics, List<Artifact> artifacts, List<Model> models, List<ModelVersion> modelVersions,
      List<DatasetRecord> datasets, List<SourceCode> sourceCode, Map<String, Map<String, String>> entities, Map<String, Map<String, String>> activities,
      Map<String, Map<String, String>> agents, List<ProvRelation> relations, List<InputModel> inputModels) {
    this.rank = rank;
    this.document = document;
    this.artifactsDir = artifactsDir;
    this.run = run;
    this.params = Collections.unmodifiableMap(params);
    this.metrics = List.copyOf(metrics);
    this.artifacts = List.copyOf(artifacts);
    this.models = List.copyOf(models);
    this.modelVersions = List.copyOf(modelVersions);
    this.datasets = List.copyOf(datasets);
    this.sourceCode = List.copyOf(sourceCode);
    this.entities = Collections.unmodifiableMap(entities);
    this.activities = Collections.unmodifiableMap(activities);
    this.agents = Collections.unmodifiableMap(agents);
    this.relations = List.copyOf(relations);
    this.inputModels = List.copyOf(inputModels);
  }

  /** {@return the global rank of the process that wrote this record} */
  public int rank() {
    return rank;
  }

  /** {@return the PROV document, {@code prov_<experiment>_GR<rank>_<runId>.json}} */
  public Path document() {
    return document;
  }

  /** {@return this rank's artifacts folder, {@code artifacts_GR<rank>/}; artifact paths are relative to it} */
  public Path artifactsDir() {
    return artifactsDir;
  }

  /**
   * The run as this rank's document records it.
   *
   * @return the run activity: ids, status, times, attributes
   */
  public RunActivity run() {
    return run;
  }

  /** {@return the params, name to value as recorded (a string), in the order they were logged} */
  public Map<String, String> params() {
    return params;
  }

  /** {@return the metric series, in the order of their first point} */
  public List<MetricSeries> metrics() {
    return metrics;
  }

  /**
   * The series of (key, context), if any point of it was recorded.
   *
   * @param key the metric's key, as logged
   * @param context its context
   * @return the series, or empty
   */
  public Optional<MetricSeries> metric(String key, Context context) {
    return metrics.stream().filter(m -> m.key().equals(key) && m.context().equals(context)).findFirst();
  }

  /** {@return the files of the artifacts folder that the document records, in the order they were recorded} */
  public List<Artifact> artifacts() {
    return artifacts;
  }

  /**
   * The artifact at {@code path}.
   *
   * @param path relative to the artifacts folder, with {@code /} separators
   * @return the artifact, or empty when the document records none there
   */
  public Optional<Artifact> artifact(String path) {
    return artifacts.stream().filter(a -> a.path().equals(path)).findFirst();
  }

  /** {@return the models described by {@code logModel}} */
  public List<Model> models() {
    return models;
  }

  /** {@return the saved model versions, in the order they were saved} */
  public List<ModelVersion> modelVersions() {
    return modelVersions;
  }

  /** {@return the models the run started from (files it loaded and did not make), in the document's order} */
  public List<InputModel> inputModels() {
    return inputModels;
  }

  /** {@return the data sets the run used, in the order they were logged} */
  public List<DatasetRecord> datasets() {
    return datasets;
  }

  /** {@return the application's code (its jar or classes folder), when recorded} */
  /**
   * The application's code, when the run recorded it ({@code logSourceCode}).
   *
   * @return the code's entity, or empty
   */
  public Optional<SourceCode> sourceCode() {
    return sourceCode.stream().findFirst();
  }

  /**
   * The attributes of any entity of the document by its id, as recorded: for what the typed views
   * leave out (yProv4ML's own attributes, a param's generation time).
   *
   * @param id the entity's id in the document
   * @return its attributes by name, or empty when the document has no such entity
   */
  public Optional<Map<String, String>> entity(String id) {
    return Optional.ofNullable(entities.get(id));
  }

  /** {@return the ids of every entity of the document, in the document's order} */
  public List<String> entityIds() {
    return List.copyOf(entities.keySet());
  }

  /**
   * {@return every activity of the document (the run's, one per context, ...) by id, with its attributes as recorded}
   */
  public Map<String, Map<String, String>> activities() {
    return activities;
  }

  /** {@return every agent of the document (the user, ...) by id, with its attributes as recorded} */
  public Map<String, Map<String, String>> agents() {
    return agents;
  }

  /** {@return every relation of the document between two of its records, in the document's order within each kind} */
  public List<ProvRelation> relations() {
    return relations;
  }

  @Override
  public String toString() {
    return document.toString();
  }
}
