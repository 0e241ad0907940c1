package org.prov4ml.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.prov4ml.Context;
import org.prov4ml.rundir.MetricPoint;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.ModelVersion;
import org.prov4ml.rundir.RunDirectory;

/**
 * Short forms of what tests ask of a {@link RunDirectory} (the public reader): a small series as a
 * list, its steps, one value. Fine for test-sized series only; the reader streams.
 */
public final class ReadBack {

  private ReadBack() {}

  /** The only run directory under {@code outputDir}. */
  public static RunDirectory onlyRun(Path outputDir) throws IOException {
    try (Stream<Path> dirs = Files.list(outputDir)) {
      List<Path> runs = dirs.filter(Files::isDirectory)
          .filter(d -> !d.getFileName().toString().startsWith(".")).toList(); // not the run index
      if (runs.size() != 1) {
        throw new AssertionError("expected one run directory in " + outputDir + ", found " + runs);
      }
      return RunDirectory.open(runs.get(0));
    }
  }

  /** Every point of (key, context) of the primary rank; none when the series was never recorded. */
  public static List<MetricPoint> points(RunDirectory dir, String key, Context context) {
    return dir.metric(key, context).map(ReadBack::points).orElse(List.of());
  }

  public static List<MetricPoint> points(MetricSeries series) {
    try (Stream<MetricPoint> points = series.points()) {
      return points.toList();
    }
  }

  public static List<Long> steps(RunDirectory dir, String key, Context context) {
    return points(dir, key, context).stream().map(MetricPoint::step).toList();
  }

  /** The value of (key, context) at {@code step}, as the float DJL had. */
  public static float valueAt(RunDirectory dir, String key, Context context, long step) {
    return (float) points(dir, key, context).stream().filter(p -> p.step() == step).findFirst()
        .orElseThrow(() -> new AssertionError("no " + key + " " + context + " at step " + step)).value();
  }

  /** The attributes of entity {@code id} of the primary rank's document. */
  public static Map<String, String> entity(RunDirectory dir, String id) {
    return dir.primary().entity(id).orElseThrow(
        () -> new AssertionError("no entity '" + id + "'; entities: " + dir.primary().entityIds()));
  }

  /** The params named in {@code expected}, to compare all of them in one assertion. */
  public static Map<String, String> params(RunDirectory dir, Map<String, String> expected) {
    Map<String, String> named = new TreeMap<>();
    expected.keySet().forEach(k -> named.put(k, dir.params().get(k)));
    return named;
  }

  /** The model versions' steps, by file name. */
  public static Map<String, Long> versionSteps(RunDirectory dir) {
    Map<String, Long> versions = new TreeMap<>();
    for (ModelVersion v : dir.modelVersions()) {
      versions.put(v.file().getFileName().toString(), v.step());
    }
    return versions;
  }

  /** FINISHED, FAILED, ... as the run records it; "(none)" while the run is open. */
  public static String status(RunDirectory dir) {
    return dir.run().status().map(Enum::name).orElse("(none)");
  }
}
