package org.prov4ml.internal.format;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.prov4ml.internal.config.ConfigKeys;

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
 *
 * <p>A run is numbered ({@code 0, 1, ...} as yProv4ML numbers them) unless it has a run identity
 * (a launcher's job id, or {@code prov4ml.run-id}): then every rank of the job writes its own
 * {@code GR<rank>} files into the one directory {@code <experiment>_<runId>}, and rank 0 merges
 * their documents into {@code prov_<experiment>_<runId>.json}. Nothing but the shared file system
 * coordinates them: a rank claims its place by creating its {@code metrics_GR<rank>} folder, which
 * is atomic ({@code mkdir}) even on NFS.
 */
public record RunLayout(Path runDir, String experimentName, String runId, int rank) {

  private static final Pattern FILE_UNSAFE = Pattern.compile("[/\\\\:]");
  /** {@code prov_<experiment>_GR<rank>_<runId>.json}; the experiment and the run id may hold {@code _GR<n>_}. */
  private static final Pattern PROV_FILE = Pattern.compile("prov_(.+?)_GR(\\d+)_(.+)\\.json");
  private static final Pattern RANK_INFIX = Pattern.compile("_GR(\\d+)_");

  /**
   * Creates the next run directory of the experiment under {@code outputDir}: the highest existing
   * run id plus one, as yProv4ML numbers runs. Directory creation is atomic, so concurrent
   * processes never share a number.
   *
   * @throws UnwritableOutputDirectoryException naming the directory and the OS's reason
   */
  public static RunLayout create(Path outputDir, String experimentName, int rank) throws IOException {
    Path out = outputDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(out);
      int runId = nextRunId(out, experimentName);
      while (true) {
        Path dir = out.resolve(experimentName + "_" + runId);
        try {
          Files.createDirectory(dir);
        } catch (FileAlreadyExistsException taken) {
          runId++;
          continue;
        }
        RunLayout layout = new RunLayout(dir, experimentName, Integer.toString(runId), rank);
        try {
          Files.createDirectories(layout.metricsDir());
          Files.createDirectories(layout.artifactsDir());
        } catch (IOException e) {
          // No empty run directory left behind to look like a run.
          for (Path made : List.of(layout.artifactsDir(), layout.metricsDir(), dir)) {
            try {
              Files.deleteIfExists(made);
            } catch (IOException ignored) {
              // the original failure is what the user needs to see
            }
          }
          throw e;
        }
        return layout;
      }
    } catch (IOException e) {
      throw new UnwritableOutputDirectoryException(out, e);
    }
  }

  /**
   * Claims rank {@code rank}'s place in the job run {@code <experiment>_<runId>}, creating the
   * directory if this rank is the first. If the rank's place is already taken (the same id used
   * again: a second launch in one Slurm step, a restarted job), the launch goes on in
   * {@code <experiment>_<runId>-2}, then {@code -3}, ...: each rank of the second launch finds its
   * place taken in the first and free in the second, so the ranks still meet.
   *
   * @throws UnwritableOutputDirectoryException naming the directory and the OS's reason
   */
  public static RunLayout claim(Path outputDir, String experimentName, String runId, int rank) throws IOException {
    Path out = outputDir.toAbsolutePath().normalize();
    try {
      for (int attempt = 1; ; attempt++) {
        String id = attempt == 1 ? runId : runId + "-" + attempt;
        RunLayout layout = new RunLayout(out.resolve(experimentName + "_" + id), experimentName, id, rank);
        Files.createDirectories(layout.runDir());
        try {
          Files.createDirectory(layout.metricsDir());
        } catch (FileAlreadyExistsException taken) {
          continue;
        }
        Files.createDirectories(layout.artifactsDir());
        return layout;
      }
    } catch (IOException e) {
      throw new UnwritableOutputDirectoryException(out, e);
    }
  }

  /**
   * The directories of the run identity {@code <experiment>_<runId>}, {@code -2}, {@code -3}, ... that hold a
   * document of {@code rank}, newest (highest suffix) first: those a relaunch may continue.
   */
  public static List<RunLayout> recordedLaunches(Path outputDir, String experimentName, String runId, int rank) {
    Path out = outputDir.toAbsolutePath().normalize();
    List<RunLayout> found = new ArrayList<>();
    for (int launch = 1; ; launch++) {
      String id = launch == 1 ? runId : runId + "-" + launch;
      RunLayout layout = new RunLayout(out.resolve(experimentName + "_" + id), experimentName, id, rank);
      if (!Files.isDirectory(layout.runDir())) {
        break;
      }
      if (Files.isRegularFile(layout.provFile(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        found.add(0, layout);
      }
    }
    return found;
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

  /** Opens the layout of an existing run directory, its lowest rank's, as {@code sync} does. */
  public static RunLayout open(Path runDir) throws IOException {
    return ranksIn(runDir).get(0);
  }

  /**
   * The layouts of every rank that has a PROV document in {@code runDir}, by rank.
   *
   * @throws IOException when there is none
   */
  public static List<RunLayout> ranksIn(Path runDir) throws IOException {
    Path dir = runDir.toAbsolutePath().normalize();
    List<RunLayout> ranks = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        RunLayout layout = ofProvFile(dir, file.getFileName().toString());
        if (layout != null) {
          ranks.add(layout);
        }
      }
    }
    if (ranks.isEmpty()) {
      throw new IOException("no prov_<experiment>_GR<rank>_<runId>.json in " + dir);
    }
    ranks.sort(Comparator.comparingInt(RunLayout::rank));
    return ranks;
  }

  /**
   * The layout a rank's PROV file name stands for, or null when it is not one. Where the
   * experiment or the run id holds {@code _GR<n>_} itself, the split that gives the directory's
   * own name {@code <experiment>_<runId>} wins.
   */
  public static RunLayout ofProvFile(Path runDir, String fileName) {
    Matcher whole = PROV_FILE.matcher(fileName);
    if (!whole.matches()) {
      return null;
    }
    String inner = fileName.substring("prov_".length(), fileName.length() - ".json".length());
    Matcher infix = RANK_INFIX.matcher(inner);
    RunLayout first = null;
    for (int from = 0; from < inner.length() && infix.find(from); from = infix.start() + 1) {
      String experiment = inner.substring(0, infix.start());
      String runId = inner.substring(infix.end());
      if (experiment.isEmpty() || runId.isEmpty()) {
        continue;
      }
      RunLayout layout = new RunLayout(runDir, experiment, runId, Integer.parseInt(infix.group(1)));
      if (runDir.getFileName() != null && runDir.getFileName().toString().equals(experiment + "_" + runId)) {
        return layout;
      }
      if (first == null) {
        first = layout;
      }
    }
    return first;
  }

  /**
   * The layout of a job whose names were read from a document in {@code runDir} (merge), where a file is to be
   * written: each name is checked as the writer checks it when it takes one ({@code prov4ml.experiment-name},
   * {@code prov4ml.run-id}), since a run directory is untrusted input and a run id such as {@code /../../x} would
   * otherwise put the job's document outside the directory.
   *
   * @throws IllegalArgumentException naming the value and what the writer allows, when it would not take it
   */
  public static RunLayout ofRecordedNames(Path runDir, String experimentName, String runId, int rank) {
    if (!ConfigKeys.EXPERIMENT.accepts(experimentName)) {
      throw new IllegalArgumentException("the experiment name '" + experimentName + "' is not one prov4ml writes ("
          + ConfigKeys.EXPERIMENT.allowed() + ")");
    }
    if (!ConfigKeys.RUN_ID.accepts(runId)) {
      throw new IllegalArgumentException(ProvVocabulary.RUN_ID + " '" + runId + "' is not one prov4ml writes ("
          + ConfigKeys.RUN_ID.allowed() + ")");
    }
    RunLayout layout = new RunLayout(runDir, experimentName, runId, rank);
    if (!runDir.equals(layout.jobProvFile().getParent())) {
      // Both names are checked above: this holds unless the writer's checks and this layout part ways.
      throw new IllegalArgumentException("the names '" + experimentName + "' and '" + runId
          + "' do not make a file name in " + runDir);
    }
    return layout;
  }

  /** yProv4ML's run activity id, {@code <experiment>_GR<rank>_<runId>}, also the PROV file's name. */
  public String activityId() {
    return experimentName + "_GR" + rank + "_" + runId;
  }

  /** The job's activity id in the merged document, {@code <experiment>_<runId>}: the directory's name. */
  public String jobActivityId() {
    return experimentName + "_" + runId;
  }

  /** The job's merged document, {@code prov_<experiment>_<runId>.json}: one bundle per rank. */
  public Path jobProvFile() {
    return runDir.resolve("prov_" + jobActivityId() + ".json");
  }

  /** The layout of another rank of the same run. */
  public RunLayout ofRank(int otherRank) {
    return new RunLayout(runDir, experimentName, runId, otherRank);
  }

  /** {@code .prov4ml-writer-GR<rank>}: locked by the live process that writes this rank ({@link RankWriterLock}). */
  public Path writerLockFile() {
    return runDir.resolve(".prov4ml-writer-GR" + rank);
  }

  public Path provFile() {
    return runDir.resolve("prov_" + activityId() + ".json");
  }

  public Path metricsDir() {
    return metricsDir(runDir, rank);
  }

  public Path artifactsDir() {
    return artifactsDir(runDir, rank);
  }

  /** {@code rank}'s metrics folder in {@code runDir}. */
  public static Path metricsDir(Path runDir, int rank) {
    return runDir.resolve("metrics_GR" + rank);
  }

  /** {@code rank}'s artifacts folder in {@code runDir}. */
  public static Path artifactsDir(Path runDir, int rank) {
    return runDir.resolve("artifacts_GR" + rank);
  }

  /**
   * The key (as its file name spells it, {@code / \\ :} as {@code _}) and the context name of a metric file of
   * {@code rank}, or null when {@code fileName} is no metric file's name: for a reader that finds a file in the
   * metrics folder that the document does not name yet.
   */
  public static String[] keyAndContextOf(String fileName, int rank) {
    String suffix = "_None_GR" + rank + ".csv";
    if (!fileName.endsWith(suffix)) {
      return null;
    }
    String stem = fileName.substring(0, fileName.length() - suffix.length());
    int split = stem.lastIndexOf('_');
    return split <= 0 || split == stem.length() - 1 ? null
        : new String[] {stem.substring(0, split), stem.substring(split + 1)};
  }

  /**
   * The CSV file of one (metric, context). Characters a key may have but a file name may not
   * ({@code / \ :}) become {@code _}, so {@code system/cpu} is stored as {@code system_cpu}, and
   * a key too long for a file name is shortened; the document keeps the real key. {@code context} is the
   * context's name.
   */
  public Path metricFile(String key, String context) {
    String safeKey = FILE_UNSAFE.matcher(key).replaceAll("_");
    if (safeKey.length() > MAX_KEY_IN_FILE_NAME) {
      // File names stop at 255 bytes and keys may be 250 characters: keep a prefix, and a hash for uniqueness.
      safeKey = safeKey.substring(0, MAX_KEY_IN_FILE_NAME - 9) + "~" + String.format("%08x", key.hashCode());
    }
    return metricsDir().resolve(safeKey + "_" + context + "_None_GR" + rank + ".csv");
  }

  /**
   * The run index of an output directory, {@code <output-dir>/.prov4ml-index/}: a cache beside the run
   * directories, one shard per run document, that says which run made or used which content. Its name starts
   * with a dot and holds no PROV document, so {@code ls} and the run numbering pass over it.
   */
  public static Path indexDir(Path outputDir) {
    return outputDir.resolve(".prov4ml-index");
  }

  /**
   * The index shard of one rank's document of the run directory {@code runDirName}: named by a digest of the two
   * names, so that any directory name (up to 255 bytes already) makes a short, safe file name; the shard itself
   * says which run and document it stands for.
   */
  public static Path indexShard(Path outputDir, String runDirName, String documentName) {
    String digest = FileDigests.hex(FileDigests.newSha256().digest(
        (runDirName + "/" + documentName).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return indexDir(outputDir).resolve(digest.substring(0, 32) + ".json");
  }

  /** Leaves room in a 255-byte file name for {@code _<CONTEXT>_None_GR<rank>.csv}. */
  private static final int MAX_KEY_IN_FILE_NAME = 160;

  /**
   * The folder, beside a model's versions, of a version a continued run's attempt {@code attempt} saved under a
   * name an earlier attempt's version has: it keeps a file of its own, so every recorded digest stays verifiable.
   */
  public static String attemptFolder(int attempt) {
    return "attempt" + attempt;
  }

  /** Whether a folder's name is an {@link #attemptFolder}'s. */
  public static boolean isAttemptFolder(String name) {
    return name.matches("attempt[1-9][0-9]*");
  }
}
