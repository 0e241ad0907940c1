package org.prov4ml.it.bench;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.cli.Prov4mlCli;
import org.prov4ml.internal.format.RunLayout;
import org.prov4ml.rundir.RunDirectory;

/**
 * What {@code lineage} costs over an output directory of many runs: {@code <runs>} real run directories, each
 * with {@code <versions>} model versions of a distinct 4 KB {@code .params} file, written through the API (so the
 * writer, the documents and each run's index shard are what a training writes); then {@code lineage} of one
 * version's digest, cold (the index removed, so every document is read and its shard written back) and warm (the
 * index present: the run directories are listed and the shards read). The generated directory is kept when given,
 * so a second call measures without generating.
 *
 * <pre>
 * java -cp integration-tests/target/prov4ml-demo.jar:agent/target/prov4ml.jar \
 *     org.prov4ml.it.bench.LineageLookup [runs] [versions] [output-dir]
 * </pre>
 */
public final class LineageLookup {

  private LineageLookup() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int versions = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Path out = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("prov4ml-lineage");
    Files.createDirectories(out);
    long existing;
    try (Stream<Path> dirs = Files.list(out)) {
      existing = dirs.filter(d -> d.getFileName().toString().startsWith("bench_")).count();
    }
    long t0 = System.nanoTime();
    Path sample = out.resolve("sample.params");
    Random random = new Random(42);
    byte[] bytes = new byte[4096];
    try (Model model = Model.newInstance("mlp")) {
      model.setBlock(Linear.builder().setUnits(4).build());
      model.getBlock().initialize(model.getNDManager(), model.getDataType(), new Shape(1, 4));
      for (long r = existing; r < runs; r++) {
        try (Run run = Prov4ml.startRun(RunOptions.builder().experimentName("bench").outputDir(out).build())) {
          for (int v = 0; v < versions; v++) {
            random.nextBytes(bytes);
            Files.write(sample, bytes);
            run.logModelVersion(model, "mlp", Context.TRAINING, v, sample);
          }
        }
      }
    }
    double generateSeconds = (System.nanoTime() - t0) / 1e9;
    Path middle = out.resolve("bench_" + runs / 2);
    String sha = RunDirectory.open(middle).modelVersions().get(versions - 1).sha256().orElseThrow();

    deleteTree(RunLayout.indexDir(out));
    double cold = lineage(sha, out);
    double warm = Double.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      warm = Math.min(warm, lineage(sha, out));
    }
    System.out.printf(Locale.ROOT, "runs %d, model versions per run %d, generated in %.1f s (%d already there)%n",
        runs, versions, generateSeconds, existing);
    System.out.printf(Locale.ROOT, "lineage cold (no index: every document read, shards written): %.0f ms%n", cold);
    System.out.printf(Locale.ROOT, "lineage warm (index present, best of 5): %.0f ms%n", warm);
  }

  /** One in-process {@code lineage <sha> --in <out>}, in milliseconds; it must find the run. */
  private static double lineage(String sha, Path out) {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long t = System.nanoTime();
    int code = Prov4mlCli.run(new String[] {"lineage", sha, "--in", out.toString()}, new PrintStream(text, true),
        new PrintStream(err, true));
    double ms = (System.nanoTime() - t) / 1e6;
    if (code != 0) {
      throw new IllegalStateException("lineage exited " + code + ": " + err.toString(StandardCharsets.UTF_8));
    }
    return ms;
  }

  private static void deleteTree(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
