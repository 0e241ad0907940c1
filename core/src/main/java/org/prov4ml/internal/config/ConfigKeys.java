package org.prov4ml.internal.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.prov4ml.internal.config.ConfigKey.ValueParser;

/** Every configuration key prov4ml knows; anything else under {@code prov4ml.} is an error. */
public final class ConfigKeys {

  private ConfigKeys() {}

  private static final ValueParser<String> TEXT = new ValueParser<>(ConfigKeys::nonBlank, "a non-blank text");
  private static final ValueParser<Path> PATH = new ValueParser<>(s -> Path.of(nonBlank(s)), "a file system path");
  private static final ValueParser<Boolean> BOOLEAN = new ValueParser<>(ConfigKeys::bool, "true or false");
  private static final ValueParser<Integer> NON_NEGATIVE_INT =
      new ValueParser<>(s -> atLeast(Integer.parseInt(s), 0), "a whole number >= 0");
  private static final ValueParser<Integer> POSITIVE_INT =
      new ValueParser<>(s -> atLeast(Integer.parseInt(s), 1), "a whole number >= 1");
  private static final ValueParser<Integer> RING_SIZE =
      new ValueParser<>(ConfigKeys::ringSize, "a power of two from 64 to 16777216");
  private static final ValueParser<Duration> DURATION =
      new ValueParser<>(ConfigKeys::duration, "a duration such as 0, 250ms, 30s, 5m or 1h");
  private static final ValueParser<OverflowPolicy> OVERFLOW =
      new ValueParser<>(s -> OverflowPolicy.valueOf(s.toUpperCase(Locale.ROOT)), "block or drop");
  private static final ValueParser<ResumePolicy> RESUME =
      new ValueParser<>(ResumePolicy::parse, "auto, true or false");
  private static final ValueParser<String> RUN_ID_TEXT = new ValueParser<>(ConfigKeys::runId,
      "1 to 100 letters, digits, '.', '_' or '-'");
  private static final ValueParser<Long> SIZE =
      new ValueParser<>(ConfigKeys::size, "a size such as 0, 1048576, 512MiB or 1GiB");
  private static final ValueParser<String> NAMESPACE = new ValueParser<>(ConfigKeys::namespace,
      "an IRI or host name of at most 1000 characters, without spaces, control characters or < > \" { } | \\ ^ `");
  private static final ValueParser<String> EXPERIMENT_NAME =
      new ValueParser<>(ConfigKeys::experimentName, "a non-blank name without '/' or '\\', not . or .. alone, "
          + "at most " + ConfigKeys.MAX_EXPERIMENT_NAME_BYTES + " bytes (UTF-8)");

  public static final ConfigKey<Path> CONFIG_FILE = new ConfigKey<>("prov4ml.config", PATH, () -> null,
      "A properties file with more of these keys (lowest precedence after the defaults).");
  public static final ConfigKey<String> EXPERIMENT = new ConfigKey<>("prov4ml.experiment-name",
      EXPERIMENT_NAME, () -> "default", "Experiment of runs that are started implicitly or by the agent.");
  public static final ConfigKey<Path> OUTPUT_DIR = new ConfigKey<>("prov4ml.output-dir", PATH,
      () -> Path.of("prov4ml-runs"), "Where run directories are written.");
  public static final ConfigKey<String> USER_NAMESPACE = new ConfigKey<>("prov4ml.user-namespace", NAMESPACE,
      () -> "www.example.org", "The PROV namespace of the document's own identifiers (prefix `user`).");
  public static final ConfigKey<String> RUN_NAME = new ConfigKey<>("prov4ml.run-name", TEXT, () -> null,
      "Run name for implicitly started runs (default: `<experiment>_<runId>`).");
  public static final ConfigKey<String> RUN_ID = new ConfigKey<>("prov4ml.run-id", RUN_ID_TEXT,
      () -> LauncherEnvironment.runId(System.getenv()).map(LauncherEnvironment.LaunchedRunId::runId).orElse(null),
      "The job's run identity: the processes (ranks) with the same one record into one run directory "
          + "`<experiment>_<run-id>`; default from the launcher, else none and runs are numbered.");
  public static final ConfigKey<Integer> RANK = new ConfigKey<>("prov4ml.rank", NON_NEGATIVE_INT,
      () -> LauncherEnvironment.rank(System.getenv()).orElse(0),
      "Global rank of this process; default from the launcher, else 0.");
  public static final ConfigKey<Integer> WORLD_SIZE = new ConfigKey<>("prov4ml.world-size", POSITIVE_INT,
      () -> LauncherEnvironment.worldSize(System.getenv()).orElse(1),
      "Number of ranks of the job; default from the launcher, else 1.");
  public static final ConfigKey<Duration> MERGE_WAIT = new ConfigKey<>("prov4ml.merge.wait", DURATION,
      () -> Duration.ofSeconds(60), "How long rank 0 waits at its end for the other ranks to end, to merge "
          + "the job's document.");
  public static final ConfigKey<Integer> BUFFER_SIZE = new ConfigKey<>("prov4ml.buffer.size", RING_SIZE,
      () -> 65536, "Slots in the event ring between the logging threads and the drainer.");
  public static final ConfigKey<OverflowPolicy> BUFFER_OVERFLOW = new ConfigKey<>("prov4ml.buffer.overflow",
      OVERFLOW, () -> OverflowPolicy.BLOCK, "When the ring is full: `block` waits (nothing lost), "
          + "`drop` never waits and counts each dropped metric point.");
  public static final ConfigKey<Duration> SYNCHRONOUS_TIMEOUT = new ConfigKey<>("prov4ml.synchronous.timeout",
      DURATION, () -> Duration.ofSeconds(30), "How long a `synchronous = true` call waits for every sink.");
  public static final ConfigKey<Duration> DOCUMENT_INTERVAL = new ConfigKey<>(
      "prov4ml.document.rewrite-interval", DURATION, () -> Duration.ofSeconds(5),
      "How far an open run's PROV document may fall behind: it is rewritten at most this often.");
  public static final ConfigKey<String> MLFLOW_TRACKING_URI = new ConfigKey<>("prov4ml.mlflow.tracking-uri",
      TEXT, () -> System.getenv("MLFLOW_TRACKING_URI"), "MLflow tracking server; default MLFLOW_TRACKING_URI, "
          + "none means local only.");
  public static final ConfigKey<Duration> MLFLOW_FLUSH_TIMEOUT = new ConfigKey<>("prov4ml.mlflow.flush-timeout",
      DURATION, () -> Duration.ofSeconds(30), "At run end, how long to wait for MLflow to acknowledge.");
  public static final ConfigKey<Duration> MLFLOW_REQUEST_TIMEOUT = new ConfigKey<>(
      "prov4ml.mlflow.request-timeout", DURATION, () -> Duration.ofSeconds(30),
      "Connect and response timeout of one request to MLflow; a timed-out request is retried.");
  public static final ConfigKey<Duration> MLFLOW_MAX_RETRY_BACKOFF = new ConfigKey<>(
      "prov4ml.mlflow.max-retry-backoff", DURATION, () -> Duration.ofSeconds(30),
      "Longest wait between retries while MLflow is unavailable (exponential from 200ms, with jitter).");
  public static final ConfigKey<Duration> MLFLOW_UPLOAD_INTERVAL = new ConfigKey<>(
      "prov4ml.mlflow.upload-interval", DURATION, () -> Duration.ofSeconds(1),
      "Least time between two uploads to MLflow (a full request of 1000 points, a flush or the run's end "
          + "does not wait for it).");
  public static final ConfigKey<Boolean> MLFLOW_REGISTER_MODELS = new ConfigKey<>(
      "prov4ml.mlflow.register-models", BOOLEAN, () -> false, "Every model version also becomes a version of "
          + "the MLflow Model Registry's model of that name (created when missing), its source the version's "
          + "artifact in the run.");
  public static final ConfigKey<Boolean> BATCH_METRICS = new ConfigKey<>("prov4ml.metrics.batch.enabled",
      BOOLEAN, () -> true, "Listener and agent: record `batch_loss` for every training batch.");
  public static final ConfigKey<Integer> LR_EVERY_N_STEPS = new ConfigKey<>("prov4ml.metrics.lr-every-n-steps",
      POSITIVE_INT, () -> 1, "Listener and agent: record `learning_rate` every N optimizer steps.");
  public static final ConfigKey<Integer> METRICS_MAX_OPEN_FILES = new ConfigKey<>("prov4ml.metrics.max-open-files",
      POSITIVE_INT, () -> 128, "Most metric CSV files open at once (least recently written closed first), so a "
          + "run of many series leaves the application its file descriptors.");
  public static final ConfigKey<Duration> SYSTEM_METRICS_INTERVAL = new ConfigKey<>(
      "prov4ml.system-metrics.interval", DURATION, () -> Duration.ofSeconds(10),
      "Listener and agent: period of system metrics (CPU, memory, heap, GC); 0 turns them off.");
  public static final ConfigKey<Boolean> RUN_PER_TRAINER = new ConfigKey<>("prov4ml.run.per-trainer", BOOLEAN,
      () -> false, "Listener and agent: give each Trainer its own run, ended at Trainer.close.");
  public static final ConfigKey<ResumePolicy> RUN_RESUME = new ConfigKey<>("prov4ml.run.resume", RESUME,
      () -> ResumePolicy.AUTO, "With a run identity: `auto` continues the newest run directory of the identity "
          + "when the launcher says this is a restart (`SLURM_RESTART_COUNT` or `TORCHELASTIC_RESTART_COUNT` "
          + "above 0), `true` always does (unless a live process still writes it), `false` never does.");

  public static final ConfigKey<Long> DATA_HASH_LIMIT = new ConfigKey<>("prov4ml.data.hash-limit", SIZE,
      () -> 1L << 30, "Most bytes of a data set's files hashed (in path order); the rest keep their sizes and "
          + "times only. 0: no hashing.");
  public static final ConfigKey<Duration> BACKGROUND_TIMEOUT = new ConfigKey<>("prov4ml.background.timeout",
      DURATION, () -> Duration.ofSeconds(60), "At run end, how long to wait for digests still being computed "
          + "(data sets, code, class path); what is not done then is recorded as missing.");
  public static final ConfigKey<Boolean> CODE_ENABLED = new ConfigKey<>("prov4ml.code.enabled", BOOLEAN,
      () -> true, "Agent and listener: record `execution_command`, `source_code` (git) and the application's code.");
  public static final ConfigKey<Boolean> ENVIRONMENT_ENABLED = new ConfigKey<>("prov4ml.environment.enabled",
      BOOLEAN, () -> true, "Agent and listener: record the environment params and the class path's "
          + "`sbom.cdx.json`.");

  /**
   * The agent's instrumentations, each with a switch {@code prov4ml.instrument.<name>.enabled}: a
   * switch of any other name is reported. The agent's tests check that its hooks are these.
   */
  public static final List<String> INSTRUMENTATIONS = List.of("listeners", "step", "fit", "evaluate",
      "model-save", "model-load", "seed");

  /** {@code prov4ml.instrument.<name>.enabled}: one switch per agent instrumentation. */
  static final Pattern INSTRUMENT_SWITCH = Pattern.compile("prov4ml\\.instrument\\.([a-z0-9-]+)\\.enabled");

  public static final List<ConfigKey<?>> ALL = List.of(CONFIG_FILE, EXPERIMENT, OUTPUT_DIR, USER_NAMESPACE,
      RUN_NAME, RUN_ID, RANK, WORLD_SIZE, MERGE_WAIT, BUFFER_SIZE, BUFFER_OVERFLOW, SYNCHRONOUS_TIMEOUT,
      DOCUMENT_INTERVAL, MLFLOW_TRACKING_URI, MLFLOW_FLUSH_TIMEOUT, MLFLOW_REQUEST_TIMEOUT,
      MLFLOW_MAX_RETRY_BACKOFF, MLFLOW_UPLOAD_INTERVAL, MLFLOW_REGISTER_MODELS, BATCH_METRICS, LR_EVERY_N_STEPS, METRICS_MAX_OPEN_FILES,
      SYSTEM_METRICS_INTERVAL,
      RUN_PER_TRAINER, RUN_RESUME, DATA_HASH_LIMIT, BACKGROUND_TIMEOUT, CODE_ENABLED, ENVIRONMENT_ENABLED);

  private static String nonBlank(String s) {
    if (s.isBlank()) {
      throw new IllegalArgumentException("blank");
    }
    return s;
  }

  /**
   * Most UTF-8 bytes of an experiment name: it starts the run directory's and its documents' names
   * ({@code prov_<experiment>_GR<rank>_<run id>.json}, a run id of up to 100), which stop at 255 bytes.
   */
  public static final int MAX_EXPERIMENT_NAME_BYTES = 100;

  private static String experimentName(String s) {
    if (s.isBlank() || s.indexOf('/') >= 0 || s.indexOf('\\') >= 0 || s.equals(".") || s.equals("..")
        || s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_EXPERIMENT_NAME_BYTES) {
      throw new IllegalArgumentException("bad experiment name");
    }
    return s;
  }

  /** What a PROV namespace may be: an IRI's characters (RFC 3987 leaves these out), so a reader can use it. */
  public static String namespace(String s) {
    if (s.isEmpty() || s.length() > 1000) {
      throw new IllegalArgumentException("bad namespace");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029
          || "<>\"{}|\\^`".indexOf(c) >= 0) {
        throw new IllegalArgumentException("bad namespace");
      }
    }
    return s;
  }

  private static String runId(String s) {
    if (!LauncherEnvironment.RUN_ID.matcher(s).matches()) {
      throw new IllegalArgumentException("bad run id");
    }
    return s;
  }

  private static boolean bool(String s) {
    if (s.equalsIgnoreCase("true")) {
      return true;
    }
    if (s.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException("not a boolean");
  }

  private static int atLeast(int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException("too small");
    }
    return value;
  }

  private static int ringSize(String s) {
    int n = Integer.parseInt(s);
    if (n < 64 || n > (1 << 24) || Integer.bitCount(n) != 1) {
      throw new IllegalArgumentException("not a power of two in range");
    }
    return n;
  }

  private static final Pattern DURATION_TEXT = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  /** Parses {@code 0}, {@code 250ms}, {@code 30s}, {@code 5m} or {@code 1h}; also for command-line options. */
  public static Duration duration(String s) {
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    var m = DURATION_TEXT.matcher(s.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  private static final Pattern SIZE_TEXT = Pattern.compile("(\\d+)\\s*(|b|kib|mib|gib|tib)");

  /** Parses {@code 0}, {@code 1048576}, {@code 512KiB}, {@code 100MiB}, {@code 1GiB} or {@code 2TiB}. */
  static long size(String s) {
    var m = SIZE_TEXT.matcher(s.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size");
    }
    int shift = switch (m.group(2)) {
      case "kib" -> 10;
      case "mib" -> 20;
      case "gib" -> 30;
      case "tib" -> 40;
      default -> 0;
    };
    long n = Long.parseLong(m.group(1));
    if (n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("too large");
    }
    return n << shift;
  }
}
