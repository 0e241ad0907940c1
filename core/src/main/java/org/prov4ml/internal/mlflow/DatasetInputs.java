package org.prov4ml.internal.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.prov4ml.Context;
import org.prov4ml.rundir.DatasetRecord;
import org.prov4ml.rundir.MetricSeries;

/**
 * The data sets a run recorded, as MLflow dataset inputs of its MLflow run ({@code runs/log-inputs}), and the
 * data set that its validation and test points name ({@code dataset_name}, {@code dataset_digest} on
 * {@code log-batch}): what makes MLflow show "Datasets" on the run and tie a checkpoint's metrics to data.
 *
 * <p>A data set is sent once its digest is final: when its files were hashed (the background task recorded
 * them), or it has no local files, or the rank's record is final. Its digest is then kept in the cursor, and
 * every point that names the data set carries that value, so a data set and its points agree even when the
 * document later says more. Until then the points of its context are held: a point cannot be changed once
 * logged. MLflow stores a data set once per experiment by (name, digest) and an input once per run, and the
 * cursor keeps what was sent, so a second {@code sync} sends nothing.
 */
final class DatasetInputs {

  /** The input tag MLflow's UI reads a data set's role from. */
  static final String CONTEXT_TAG = "mlflow.data.context";
  /** MLflow's {@code MAX_DATASET_DIGEST_SIZE}. */
  static final int MAX_DIGEST = 36;
  /** MLflow's {@code MAX_DATASET_SOURCE_SIZE} (a TEXT column). */
  static final int MAX_SOURCE = 65_535;

  /** A data set as {@code runs/log-inputs} takes it; {@code schema} and {@code context} may be null. */
  record MlflowDataset(String key, String name, String digest, String sourceType, String source, String schema,
      String profile, String context) {}

  /** The data set a metric point names. */
  record DatasetLink(String name, String digest) {}

  /** Returned by {@link #linkOf} for a series whose points wait for their data set's digest. */
  static final DatasetLink HELD = new DatasetLink("", "");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SHAPE = Pattern.compile("\\(([^)]*)\\)\\s+(\\S+)");
  private static final Pattern URI_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:.*");
  private static final Map<String, String> NUMPY_TYPES = Map.of("float16", "float16", "float32", "float32",
      "float64", "float64", "uint8", "uint8", "int8", "int8", "int32", "int32", "int64", "int64", "boolean", "bool");

  private final RunUpload upload;

  DatasetInputs(RunUpload upload) {
    this.upload = upload;
  }

  /** How the cursor names a data set: its label and the context that used it ({@code run} for the run itself). */
  static String key(DatasetRecord d) {
    return d.label() + "//" + d.context().map(Context::name).orElse("run");
  }

  static String rejectionKey(DatasetRecord d) {
    return "data set " + key(d);
  }

  /**
   * Sends the data sets the server does not have from this upload yet.
   *
   * @param finalPass whether the record is final: a data set whose files are still being hashed is sent as it is
   */
  void upload(String runId, boolean finalPass) throws IOException, InterruptedException {
    UploadCursor cursor = upload.cursor();
    List<MlflowDataset> pending = new ArrayList<>();
    for (DatasetRecord d : upload.record().datasets()) {
      if (!cursor.datasetInputs.containsKey(key(d)) && !cursor.rejected.containsKey(rejectionKey(d))
          && (finalPass || settled(d))) {
        pending.add(of(d));
      }
    }
    if (pending.isEmpty()) {
      return;
    }
    try {
      upload.tracking().logInputs(runId, pending);
      pending.forEach(d -> cursor.datasetInputs.put(d.key(), d.digest()));
    } catch (MlflowRejectedException e) {
      if (!e.isInvalidValue() && !"ENDPOINT_NOT_FOUND".equals(e.errorCode())) {
        throw e;
      }
      for (MlflowDataset d : pending) { // each alone: one bad data set does not keep the others out
        try {
          upload.tracking().logInputs(runId, List.of(d));
          cursor.datasetInputs.put(d.key(), d.digest());
        } catch (MlflowRejectedException refused) {
          if (!refused.isInvalidValue() && !"ENDPOINT_NOT_FOUND".equals(refused.errorCode())) {
            throw refused;
          }
          upload.reject("data set " + d.key(), refused.serverMessage());
        }
      }
    }
    cursor.save();
  }

  /**
   * The data set the points of {@code series} name: the one data set of its context, for VALIDATION and
   * TESTING, once sent; {@link #HELD} while that data set waits for its digest; null when the points name
   * none (another context, no data set or several of that context, or one the server refused).
   */
  DatasetLink linkOf(MetricSeries series, boolean finalPass) {
    Context context = series.context();
    if (context != Context.VALIDATION && context != Context.TESTING) {
      return null;
    }
    DatasetRecord only = null;
    for (DatasetRecord d : upload.record().datasets()) {
      if (d.context().orElse(null) == context) {
        if (only != null) {
          return null; // two data sets of one context: which one a point measured is not known
        }
        only = d;
      }
    }
    if (only == null) {
      return null;
    }
    String digest = upload.cursor().datasetInputs.get(key(only));
    if (digest != null) {
      return new DatasetLink(only.label(), digest);
    }
    return finalPass || upload.cursor().rejected.containsKey(rejectionKey(only)) ? null : HELD;
  }

  /** Whether a data set's digest is final: its files were hashed (or found unhashable), or it has none. */
  static boolean settled(DatasetRecord d) {
    return d.sha256().isPresent() || d.properties().containsKey("source_files")
        || d.sources().stream().noneMatch(DatasetInputs::isLocal);
  }

  private static boolean isLocal(String source) {
    return !URI_SCHEME.matcher(source).matches();
  }

  /** The data set as MLflow takes it. */
  static MlflowDataset of(DatasetRecord d) {
    Optional<String> sha256 = d.sha256().filter(s -> s.matches("[0-9a-f]{64}"));
    String digest = sha256.map(s -> s.substring(0, MAX_DIGEST)).orElseGet(() -> descriptionDigest(d));
    String[] source = source(d);
    return new MlflowDataset(key(d), d.label(), digest, source[0], source[1], schema(d), profile(d, sha256),
        d.context().map(c -> c == Context.TRAINING ? "training" : c == Context.VALIDATION ? "validation"
            : c == Context.TESTING ? "testing" : c.name().toLowerCase(Locale.ROOT)).orElse(null));
  }

  /**
   * The digest of a data set whose files were not all hashed (in memory, remote, or beyond the hash limit):
   * SHA-256 over what describes it (class, sources, statistics and shapes), its first 36 hex digits.
   */
  static String descriptionDigest(DatasetRecord d) {
    TreeMap<String, String> described = new TreeMap<>();
    d.properties().forEach((name, value) -> {
      if (name.equals("djl_class") || name.startsWith("stat_") || name.endsWith("_shapes")) {
        described.put(name, value);
      }
    });
    described.put("source", String.join("; ", d.sources()));
    // The label too: two data sets in memory alike in class, size and shapes (a validation and a test set)
    // are different data, and MLflow would show them as one digest.
    described.put("label", d.label());
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(JSON.writeValueAsString(described).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash).substring(0, MAX_DIGEST);
    } catch (NoSuchAlgorithmException | JsonProcessingException e) {
      throw new IllegalStateException("SHA-256 and JSON in memory are always available", e);
    }
  }

  /**
   * {@code [source_type, source]} in the forms of MLflow's own sources: {@code local} with {@code uri} (one
   * file or folder, or the files' common folder with the DJL class and every file's URI while they fit),
   * the scheme of a remote source, or {@code code} for a data set in memory.
   */
  static String[] source(DatasetRecord d) {
    String djlClass = d.properties().getOrDefault("djl_class", "");
    List<String> local = d.sources().stream().filter(DatasetInputs::isLocal).toList();
    ObjectNode source = JSON.createObjectNode();
    if (d.sources().isEmpty()) {
      source.putObject("tags").put("djl_class", djlClass);
      return new String[] {"code", json(source)};
    }
    if (local.isEmpty()) {
      String first = d.sources().get(0);
      String scheme = first.substring(0, first.indexOf(':')).toLowerCase(Locale.ROOT);
      source.put("uri", first);
      return new String[] {scheme.equals("https") ? "http" : scheme, json(withAll(source, d.sources(), djlClass))};
    }
    if (d.sources().size() == 1) {
      source.put("uri", uri(local.get(0)));
      return new String[] {"local", json(source)};
    }
    source.put("uri", uri(commonFolder(local)));
    List<String> all = new ArrayList<>();
    d.sources().forEach(s -> all.add(isLocal(s) ? uri(s) : s));
    return new String[] {"local", json(withAll(source, all, djlClass))};
  }

  /** The source with the DJL class and every URI, or without the URIs when they would pass MLflow's limit. */
  private static ObjectNode withAll(ObjectNode source, List<String> uris, String djlClass) {
    source.put("djl_class", djlClass);
    if (uris.size() > 1) {
      ArrayNode array = source.putArray("uris");
      uris.forEach(array::add);
      if (json(source).length() > MAX_SOURCE) {
        source.remove("uris");
      }
    }
    return source;
  }

  private static String uri(String localPath) {
    Path p = Path.of(localPath);
    return p.isAbsolute() ? p.toUri().toString() : localPath;
  }

  private static String commonFolder(List<String> paths) {
    Path common = Path.of(paths.get(0)).getParent();
    for (String s : paths) {
      Path p = Path.of(s);
      while (common != null && !p.startsWith(common)) {
        common = common.getParent();
      }
    }
    return common == null ? "/" : common.toString();
  }

  /**
   * The shapes of an in-memory data set as MLflow's tensor spec ({@code TensorDatasetSchema}): the data's
   * arrays as features, the labels' as targets, the first (sample) dimension as -1; null when the run recorded
   * no shapes, or a type numpy does not name.
   */
  static String schema(DatasetRecord d) {
    String features = tensorSpec(d.properties().get("data_shapes"));
    if (features == null) {
      return null;
    }
    ObjectNode schema = JSON.createObjectNode();
    ObjectNode spec = schema.putObject("mlflow_tensorspec").put("features", features);
    String targets = tensorSpec(d.properties().get("label_shapes"));
    if (targets != null) {
      spec.put("targets", targets);
    } else {
      spec.putNull("targets");
    }
    return json(schema);
  }

  /** {@code (256, 10) float32; (256) float32} as MLflow's schema JSON of tensors. */
  private static String tensorSpec(String shapes) {
    if (shapes == null || shapes.isBlank()) {
      return null;
    }
    ArrayNode tensors = JSON.createArrayNode();
    for (String one : shapes.split(";\\s*")) {
      Matcher m = SHAPE.matcher(one.trim());
      String dtype = m.matches() ? NUMPY_TYPES.get(m.group(2)) : null;
      if (dtype == null) {
        return null;
      }
      ObjectNode tensor = tensors.addObject().put("type", "tensor");
      ObjectNode spec = tensor.putObject("tensor-spec").put("dtype", dtype);
      ArrayNode shape = spec.putArray("shape");
      String[] dims = m.group(1).isBlank() ? new String[0] : m.group(1).split(",\\s*");
      for (int i = 0; i < dims.length; i++) {
        if (!dims[i].matches("-?\\d{1,18}")) {
          return null;
        }
        shape.add(i == 0 ? -1 : Long.parseLong(dims[i]));
      }
    }
    return json(tensors);
  }

  /** Samples, batch size, batches per epoch, shuffling, files, and the full SHA-256 the digest is a prefix of. */
  static String profile(DatasetRecord d, Optional<String> sha256) {
    ObjectNode profile = JSON.createObjectNode();
    number(profile, "samples", d.properties().get("stat_total_samples"));
    number(profile, "batch_size", d.properties().get("stat_batch_size"));
    number(profile, "batches_per_epoch", d.properties().get("stat_total_steps"));
    String shuffle = d.properties().get("stat_shuffle");
    if (shuffle != null) {
      profile.put("shuffle", Boolean.parseBoolean(shuffle));
    }
    number(profile, "files", d.properties().get("source_files"));
    number(profile, "bytes", d.properties().get("source_bytes"));
    sha256.ifPresent(s -> profile.put("sha256", s));
    profile.put("digest_of", sha256.isPresent() ? "files" : "description");
    return json(profile);
  }

  private static void number(ObjectNode profile, String name, String value) {
    if (value != null && value.matches("-?\\d{1,18}")) {
      profile.put(name, Long.parseLong(value));
    }
  }

  private static String json(Object node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree in memory is always written", e);
    }
  }
}
