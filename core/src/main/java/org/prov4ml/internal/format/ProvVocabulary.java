package org.prov4ml.internal.format;

/**
 * The PROV vocabulary of a run directory's documents, spelled once: every {@code prov:}, {@code provml:} and
 * {@code yprov:} name the writer, the job merge, the reader, the uploader and the report use is a constant here,
 * so renaming an attribute is one edit that the compiler carries everywhere. yProv4ML 3.x chose these names;
 * its readers must keep working, so a change here is a change of the format. Tests spell the names themselves,
 * so that a renamed attribute fails them.
 */
public final class ProvVocabulary {

  private ProvVocabulary() {}

  // W3C PROV attributes and relation roles (prov:)
  public static final String ACTIVITY = "prov:activity";
  public static final String AGENT = "prov:agent";
  public static final String ALTERNATE1 = "prov:alternate1";
  public static final String ALTERNATE2 = "prov:alternate2";
  public static final String COLLECTION = "prov:collection";
  public static final String DELEGATE = "prov:delegate";
  public static final String ENDED_AT_TIME = "prov:endedAtTime";
  public static final String ENTITY = "prov:entity";
  public static final String GENERAL_ENTITY = "prov:generalEntity";
  public static final String GENERATED_AT_TIME = "prov:generatedAtTime";
  public static final String GENERATED_ENTITY = "prov:generatedEntity";
  public static final String INFLUENCEE = "prov:influencee";
  public static final String INFLUENCER = "prov:influencer";
  public static final String INFORMANT = "prov:informant";
  public static final String INFORMED = "prov:informed";
  public static final String LABEL = "prov:label";
  public static final String RESPONSIBLE = "prov:responsible";
  public static final String ROLE = "prov:role";
  public static final String SPECIFIC_ENTITY = "prov:specificEntity";
  public static final String STARTED_AT_TIME = "prov:startedAtTime";
  public static final String TRIGGER = "prov:trigger";
  public static final String TYPE = "prov:type";
  public static final String USED_ENTITY = "prov:usedEntity";
  public static final String VALUE = "prov:value";

  // W3C PROV types
  public static final String TYPE_BUNDLE = "prov:Bundle";
  public static final String TYPE_PERSON = "prov:Person";

  // Dublin Core's identifier, which yProv4ML gives every file
  public static final String IDENTIFIER = "dcterms:identifier";

  // prov4ml's and yProv4ML's types (provml:, yprov:)
  public static final String TYPE_ATTEMPT = "provml:RunAttempt";
  public static final String TYPE_DATASET = "provml:Dataset";
  public static final String TYPE_HYPER_PARAMETER = "provml:HyperParameter";
  /** A model file a run started from (loaded, not made by it): prov4ml's, yProv4ML has none. */
  public static final String TYPE_INPUT_MODEL = "provml:InputModel";
  public static final String TYPE_JOB = "yprov:Job";
  public static final String TYPE_METRIC = "provml:Metric";
  public static final String TYPE_MODEL = "provml:Model";
  public static final String TYPE_SOURCE_CODE = "provml:SourceCode";
  /**
   * What another run recorded (its model version or artifact), named in this run's document because a file this
   * run used has its digest: the used entity {@code prov:wasDerivedFrom} it.
   */
  public static final String TYPE_OTHER_RUN_ENTITY = "yprov:OtherRunEntity";

  // yProv4ML's attributes (yprov:)
  public static final String ARTIFACT_URI = "yprov:artifact_uri";
  public static final String ATTEMPT = "yprov:attempt";
  public static final String ATTEMPTS = "yprov:attempts";
  public static final String COMMAND_LINE = "yprov:command_line";
  public static final String CONTEXT = "yprov:context";
  public static final String EXPERIMENT_DIR = "yprov:experiment_dir";
  public static final String EXPERIMENT_NAME = "yprov:experiment_name";
  public static final String FILES = "yprov:files";
  public static final String FILE_SIZE = "yprov:file_size";
  public static final String FULL_LABEL = "yprov:fullLabel";
  public static final String GLOBAL_RANK = "yprov:global_rank";
  public static final String HOST = "yprov:host";
  public static final String INCOMPLETE = "yprov:incomplete";
  public static final String JAVA_VERSION = "yprov:java_version";
  public static final String LOCAL_RANK = "yprov:local_rank";
  public static final String MAIN_CLASS = "yprov:main_class";
  public static final String MEMORY_BYTES = "yprov:memory_bytes";
  public static final String MISSING_RANKS = "yprov:missing_ranks";
  public static final String MLFLOW_EXPERIMENT_ID = "yprov:mlflow_experiment_id";
  public static final String MLFLOW_RUN_ID = "yprov:mlflow_run_id";
  public static final String MLFLOW_RUN_URL = "yprov:mlflow_run_url";
  public static final String MLFLOW_TRACKING_URI = "yprov:mlflow_tracking_uri";
  public static final String MODEL_NAME = "yprov:model_name";
  public static final String NODE = "yprov:node";
  public static final String NODE_RANK = "yprov:node_rank";
  /** {@code true} on an input model loaded from a stream: there was no file to name or hash. */
  public static final String NO_FILE = "yprov:no_file";
  public static final String NOTE = "yprov:note";
  // Another run's entity, as a link to it names it: its run directory's name, experiment, run id, entity and kind
  public static final String OTHER_RUN_DIR = "yprov:other_run_dir";
  public static final String OTHER_EXPERIMENT = "yprov:other_experiment_name";
  public static final String OTHER_RUN_ID = "yprov:other_run_id";
  public static final String OTHER_ENTITY = "yprov:other_entity";
  public static final String OTHER_KIND = "yprov:other_kind";
  public static final String OPERATING_SYSTEM = "yprov:operating_system";
  public static final String PID = "yprov:pid";
  public static final String POINTS = "yprov:points";
  public static final String PROV4ML_VERSION = "yprov:prov4ml_version";
  public static final String PROVENANCE_PATH = "yprov:provenance_path";
  public static final String RANKS = "yprov:ranks";
  public static final String RUN_ID = "yprov:run_id";
  public static final String RUN_NAME = "yprov:run_name";
  public static final String SHA256 = "yprov:sha256";
  public static final String SOURCE = "yprov:source";
  public static final String STATUS = "yprov:status";
  public static final String STEP = "yprov:step";
  public static final String TAG_PREFIX = "yprov:tag_";
  public static final String TIME_ZONE = "yprov:time_zone";
  public static final String TOTAL_PARAMS = "yprov:total_params";
  public static final String WORLD_SIZE = "yprov:world_size";
  public static final String YPROV = "yprov:";
}
