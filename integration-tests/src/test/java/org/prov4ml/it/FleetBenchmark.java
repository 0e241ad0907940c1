package org.prov4ml.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.prov4ml.it.apps.explicit.MetricWriterApp;
import org.prov4ml.testing.MlflowRest;
import org.prov4ml.testing.MlflowServer;
import org.prov4ml.testing.PostgresServer;

/**
 * How many JVMs one MLflow server on PostgreSQL takes: the aggregate points per second that 1, 4
 * and 8 JVMs (each {@link MetricWriterApp} under the agent jar, logging its points as fast as it
 * can) get delivered, beside the raw {@code log-batch} ceiling of the same server (plain HTTP
 * loops posting 1000-metric requests, from 1 and from 8 client threads). Each JVM count runs into a
 * fresh experiment of the same server and store. Not a test; see docs/benchmarks.md for the command.
 *
 * <p>Arguments: points per JVM (default 50,000), gunicorn workers (default 2), JVM counts (default 1,4,8).
 */
public final class FleetBenchmark {

  private static final long T0 = 1_700_000_000_000L;

  private FleetBenchmark() {}

  public static void main(String[] args) throws Exception {
    int points = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int[] jvms = args.length > 2 ? java.util.Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
        : new int[] {1, 4, 8};
    Path work = Files.createTempDirectory("prov4ml-fleet-bench");
    try (PostgresServer postgres = PostgresServer.start("mlflow");
        MlflowServer server = MlflowServer.start(postgres.uri("mlflow"), workers)) {
      MlflowRest rest = server.rest();
      List<String> rows = new ArrayList<>();
      rows.add(row("raw log-batch, 1 client thread", 1, ceiling(rest, 1, 8 * points)));
      for (int n : jvms) {
        rows.add(row("prov4ml, " + n + " JVM" + (n == 1 ? "" : "s") + " x " + points + " points", n,
            jvmsAtOnce(server, work.resolve("jvms-" + n), n, points)));
      }
      rows.add(row("raw log-batch, 8 client threads", 8, ceiling(rest, 8, 8 * points)));
      System.out.printf("%nmlflow server, %d gunicorn workers, PostgreSQL %s backend store; %d points per JVM%n",
          workers, postgres.sql("mlflow", "SHOW server_version"), points);
      System.out.printf("%-48s %8s %12s%n", "method", "senders", "points/s");
      rows.forEach(System.out::println);
    }
  }

  private static String row(String what, int senders, double rate) {
    return String.format("%-48s %8d %12.0f", what, senders, rate);
  }

  /** n writer JVMs started at once; points delivered over the time from the first start to the last end. */
  private static double jvmsAtOnce(MlflowServer server, Path work, int n, int points) throws Exception {
    long start = System.nanoTime();
    List<ForkedApp.Started> apps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      apps.add(new ForkedApp(work.resolve("writer" + i)).appClassPath()
          .property("prov4ml.mlflow.tracking-uri", server.uri()).property("prov4ml.mlflow.flush-timeout", "1h")
          .property("prov4ml.synchronous.timeout", "1h").property("prov4ml.system-metrics.interval", "0")
          .startMain(MetricWriterApp.class, "bench-" + n + "-jvms", "writer" + i, Integer.toString(points)));
    }
    for (ForkedApp.Started app : apps) {
      ForkedApp.Result r = app.await(7200).requireSuccess();
      if (!r.stderr().contains("all uploaded to MLflow")) {
        throw new IllegalStateException("not all uploaded:\n" + r.stderr());
      }
    }
    return (double) n * points / ((System.nanoTime() - start) / 1e9);
  }

  /** Plain HTTP loops, one run each, posting 1000-metric log-batch requests; points over wall time. */
  private static double ceiling(MlflowRest rest, int threads, int points) throws Exception {
    String experiment = rest.post("/api/2.0/mlflow/experiments/create", "{\"name\": \"raw-" + threads + "\"}")
        .path("experiment_id").asText();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    int each = points / threads;
    long start = System.nanoTime();
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String runId = rest.post("/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"" + experiment
          + "\", \"run_name\": \"raw-" + t + "\", \"start_time\": " + T0 + "}").path("run").path("info")
          .path("run_id").asText();
      done.add(pool.submit(() -> {
        rest.logBatches(runId, "training/loss", each, T0, step -> step);
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    return (double) each * threads / ((System.nanoTime() - start) / 1e9);
  }
}
