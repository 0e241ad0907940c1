package org.prov4ml.internal.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.prov4ml.Context;
import org.prov4ml.RunStatus;
import org.prov4ml.internal.merge.JobDocumentWriter;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.rundir.RunDirectoryException;

/**
 * The runs of an output directory, one line each, newest first ({@code ls}): name, status, start (UTC),
 * duration, point count, and the last value of up to three headline metrics ({@code loss}, then accuracies, then
 * other losses first),
 * each from its most telling context (TESTING, then VALIDATION, then TRAINING). A job of several ranks is one
 * line, {@code <name> [<ranks found>/<world size> ranks]}, in the job's status. A directory whose document
 * cannot be read is listed as UNREADABLE with the reason; a directory with no document is not a run and is
 * left out.
 */
public final class RunListing {

  private static final DateTimeFormatter START = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT);
  private static final int HEADLINES = 3;

  private record Line(OffsetDateTime start, String[] cells) {}

  private final List<Line> lines = new ArrayList<>();

  private RunListing() {}

  public static RunListing of(Path outputDir) throws IOException {
    RunListing listing = new RunListing();
    List<Path> dirs;
    try (Stream<Path> children = Files.list(outputDir)) {
      dirs = children.filter(Files::isDirectory).sorted().toList();
    }
    for (Path dir : dirs) {
      try {
        listing.lines.add(line(RunDirectory.open(dir)));
      } catch (RunDirectoryException e) {
        if (!e.problem().startsWith("not a run directory")) {
          listing.lines.add(unreadable(dir, e.getMessage()));
        }
      } catch (UncheckedIOException e) {
        // A metric file missing or damaged: found while counting or reading points, after the documents were read.
        listing.lines.add(unreadable(dir, e.getCause().getMessage()));
      } catch (RuntimeException e) {
        // One run that cannot be listed must not hide the others: ls is how a user finds the damaged one.
        listing.lines.add(unreadable(dir, e.getMessage() == null ? "cannot be read" : e.getMessage()));
      }
    }
    listing.lines.sort(Comparator.comparing(Line::start).reversed());
    return listing;
  }

  /** A run that cannot be listed, as a row with why: the path of what cannot be read is told relative to it. */
  private static Line unreadable(Path dir, String why) {
    String prefix = dir.toAbsolutePath().normalize() + java.io.File.separator;
    String reason = why.startsWith(prefix) ? why.substring(prefix.length()) : why;
    return new Line(OffsetDateTime.MIN, new String[] {dir.getFileName().toString(), "UNREADABLE", "-", "-", "-",
        reason});
  }

  /** The run of {@code outputDir} that started last, if it holds any readable run. */
  public static Optional<RunDirectory> newest(Path outputDir) throws IOException {
    if (!Files.isDirectory(outputDir)) {
      return Optional.empty();
    }
    RunDirectory newest = null;
    try (Stream<Path> children = Files.list(outputDir)) {
      for (Path dir : (Iterable<Path>) children.filter(Files::isDirectory)::iterator) {
        try {
          RunDirectory run = RunDirectory.open(dir);
          if (newest == null || run.run().startTime().isAfter(newest.run().startTime())) {
            newest = run;
          }
        } catch (RunDirectoryException notARun) {
          // ls lists it; the newest run is one that can be read
        }
      }
    }
    return Optional.ofNullable(newest);
  }

  private static Line line(RunDirectory run) throws RunDirectoryException {
    var a = run.run();
    long points = 0;
    for (MetricSeries s : run.metrics()) {
      points += s.pointCount();
    }
    List<String> headlines = new ArrayList<>();
    for (MetricSeries s : headlineSeries(run)) {
      Optional<MetricPoint> last = FinalValues.last(s);
      headlines.add(s.key() + "/" + s.context().name() + "=" + FinalValues.text(last));
    }
    int worldSize = worldSize(run);
    if (worldSize == 1) {
      String duration = a.endTime().map(end -> format(Duration.between(a.startTime(), end))).orElse("-");
      return new Line(a.startTime(), new String[] {a.name(), a.status().map(RunStatus::name).orElse("IN PROGRESS"),
          a.startTime().atZoneSameInstant(ZoneOffset.UTC).format(START), duration, Long.toString(points),
          String.join("  ", headlines)});
    }
    // A job of several ranks: one line for the job, from its first start to its last end, in the job's status.
    OffsetDateTime start = run.ranks().stream().map(r -> r.run().startTime()).min(Comparator.naturalOrder())
        .orElseThrow();
    boolean allEnded = run.ranks().size() == worldSize && run.ranks().stream().allMatch(r -> r.run().ended());
    String duration = allEnded ? format(Duration.between(start, run.ranks().stream()
        .map(r -> r.run().endTime().orElseThrow()).max(Comparator.naturalOrder()).orElseThrow())) : "-";
    return new Line(start, new String[] {a.name() + " [" + run.ranks().size() + "/" + worldSize + " ranks]",
        jobStatus(run, worldSize), start.atZoneSameInstant(ZoneOffset.UTC).format(START), duration,
        Long.toString(points), String.join("  ", headlines)});
  }

  /** The job's ranks: as many as its documents say, at least as many as there are. */
  private static int worldSize(RunDirectory run) {
    int recorded = run.ranks().stream().mapToInt(r -> r.run().worldSize()).max().orElse(1);
    int found = run.ranks().stream().mapToInt(r -> r.rank() + 1).max().orElse(1);
    return Math.max(recorded, run.ranks().size() > 1 ? found : 1);
  }

  /** IN PROGRESS while a rank has not ended; else as the job's document says it (missing ranks: INCOMPLETE). */
  private static String jobStatus(RunDirectory run, int worldSize) {
    if (run.ranks().stream().anyMatch(r -> r.run().status().isEmpty())) {
      return "IN PROGRESS";
    }
    // Counted, not enumerated: the world size is the document's word, and 2147483647 must not cost a map that big.
    long present = run.ranks().stream().filter(r -> r.rank() < worldSize).count();
    java.util.Map<Integer, String> missing = present < worldSize ? java.util.Map.of(-1, "a rank has no document")
        : java.util.Map.of();
    return JobDocumentWriter.jobStatus(run.ranks().stream().map(r -> r.run().status().orElseThrow().name()).toList(),
        missing);
  }

  private static List<MetricSeries> headlineSeries(RunDirectory run) {
    List<MetricSeries> candidates = run.primary().metrics().stream()
        .filter(s -> !s.context().equals(Context.SYSTEM))
        .sorted(Comparator.comparingInt((MetricSeries s) -> keyRank(s.key())).thenComparingInt(s -> contextRank(
            s.context())))
        .toList();
    Set<String> keys = new LinkedHashSet<>();
    List<MetricSeries> chosen = new ArrayList<>();
    for (MetricSeries s : candidates) {
      if (chosen.size() < HEADLINES && keys.add(s.key())) {
        chosen.add(s);
      }
    }
    return chosen;
  }

  private static int keyRank(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.equals("loss") ? 0 : k.contains("acc") ? 1 : k.contains("loss") ? 2 : 3;
  }

  private static int contextRank(Context c) {
    return c.equals(Context.TESTING) ? 0 : c.equals(Context.VALIDATION) ? 1 : c.equals(Context.TRAINING) ? 2 : 3;
  }

  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
    long s = d.toSeconds();
    return s < 3600 ? (s / 60) + "m" + (s % 60) + "s" : (s / 3600) + "h" + (s % 3600 / 60) + "m";
  }

  public void print(PrintWriter out) {
    if (lines.isEmpty()) {
      out.println("no runs");
      return;
    }
    TextTable t = new TextTable("", "NAME", "STATUS", "START", "DURATION", "POINTS", "LAST VALUES");
    lines.forEach(l -> t.row(l.cells()));
    t.print(out);
  }
}
