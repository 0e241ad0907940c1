package org.prov4ml.internal.sink.local;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.prov4ml.Context;

/**
 * The names of a run directory's files, in yProv4ML 3.x's layout:
 *
 * <pre>
 * &lt;outputDir&gt;/&lt;experiment&gt;_&lt;runId&gt;/
 *   prov_&lt;experiment&gt;_GR&lt;rank&gt;_&lt;runId&gt;.json
 *   metrics_GR&lt;rank&gt;/&lt;key&gt;_&lt;CONTEXT&gt;_None_GR&lt;rank&gt;.csv
 *   artifacts_GR&lt;rank&gt;/
 * </pre>
 *
 * <p>The {@code None} is yProv4ML's: its metric files carry the metric's source, and its reader
 * {@code getters.get_metric} looks for {@code <key>_<context>_None} when no source is given.
 */
public record RunLayout(Path runDir, String experimentName, int runId, int rank) {

  private static final Pattern FILE_UNSAFE = Pattern.compile("[/\\\\:]");
  /** {@code prov_<experiment>_GR<rank>_<runId>.json}. */
  private static final Pattern PROV_FILE = Pattern.compile("prov_(.+)_GR(\\d+)_(\\d+)\\.json");

  /**
   * Creates the next run directory of the experiment under {@code outputDir}: the highest existing
   * run id plus one, as yProv4ML numbers runs. Directory creation is atomic, so concurrent
   * processes never share a number.
   */
  public static RunLayout create(Path outputDir, String experimentName, int rank) throws IOException {
    Path out = outputDir.toAbsolutePath().normalize();
    Files.createDirectories(out);
    int runId = nextRunId(out, experimentName);
    while (true) {
      Path dir = out.resolve(experimentName + "_" + runId);
      try {
        Files.createDirectory(dir);
        RunLayout layout = new RunLayout(dir, experimentName, runId, rank);
        Files.createDirectories(layout.metricsDir());
        Files.createDirectories(layout.artifactsDir());
        return layout;
      } catch (FileAlreadyExistsException taken) {
        runId++;
      }
    }
  }

  private static int nextRunId(Path outputDir, String experimentName) throws IOException {
    String prefix = experimentName + "_";
    try (Stream<Path> entries = Files.list(outputDir)) {
      return entries.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(prefix) && n.substring(prefix.length()).matches("\\d{1,9}"))
          .mapToInt(n -> Integer.parseInt(n.substring(prefix.length())))
          .max().orElse(-1) + 1;
    }
  }

  /** Opens the layout of an existing run directory, as {@code sync} does. */
  public static RunLayout open(Path runDir) throws IOException {
    Path dir = runDir.toAbsolutePath().normalize();
    try (Stream<Path> files = Files.list(dir)) {
      Matcher m = files.map(p -> PROV_FILE.matcher(p.getFileName().toString())).filter(Matcher::matches)
          .findFirst()
          .orElseThrow(() -> new IOException("no prov_<experiment>_GR<rank>_<runId>.json in " + dir));
      return new RunLayout(dir, m.group(1), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(2)));
    }
  }

  /** yProv4ML's run activity id, {@code <experiment>_GR<rank>_<runId>}, also the PROV file's name. */
  public String activityId() {
    return experimentName + "_GR" + rank + "_" + runId;
  }

  public Path provFile() {
    return runDir.resolve("prov_" + activityId() + ".json");
  }

  public Path metricsDir() {
    return runDir.resolve("metrics_GR" + rank);
  }

  public Path artifactsDir() {
    return runDir.resolve("artifacts_GR" + rank);
  }

  /**
   * The CSV file of one (metric, context). Characters a key may have but a file name may not
   * ({@code / \ :}) become {@code _}, so {@code system/cpu} is stored as {@code system_cpu}, and
   * a key too long for a file name is shortened; the document keeps the real key.
   */
  public Path metricFile(String key, Context context) {
    String safeKey = FILE_UNSAFE.matcher(key).replaceAll("_");
    if (safeKey.length() > MAX_KEY_IN_FILE_NAME) {
      // File names stop at 255 bytes and keys may be 250 characters: keep a prefix, and a hash for uniqueness.
      safeKey = safeKey.substring(0, MAX_KEY_IN_FILE_NAME - 9) + "~" + String.format("%08x", key.hashCode());
    }
    return metricsDir().resolve(safeKey + "_" + context.name() + "_None_GR" + rank + ".csv");
  }

  /** Leaves room in a 255-byte file name for {@code _<CONTEXT>_None_GR<rank>.csv}. */
  private static final int MAX_KEY_IN_FILE_NAME = 160;
}
