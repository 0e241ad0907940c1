package org.prov4ml.internal.mlflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.prov4ml.Context;
import org.prov4ml.Run;
import org.prov4ml.testing.MlflowRest;
import org.prov4ml.testing.MlflowServer;
import org.prov4ml.testing.PythonEnv;

/**
 * Points per second that reach a real MLflow server, in one run of this program:
 *
 * <ol>
 *   <li>the ceiling: a plain HTTP loop posting 1000-metric {@code log-batch} requests;
 *   <li>prov4ml: {@code Run.logMetric} for every point, timed until the run's end returns, i.e. until
 *       the server acknowledged the last point;
 *   <li>MLflow's Python client with {@code synchronous=False} (its asynchronous logging), timed until
 *       {@code flush_async_logging()} returns.
 * </ol>
 *
 * Each logs the same points into its own run of one server. Arguments: points (default 1,000,000),
 * points for (b) (one request per point: its rate does not depend on the count), points for (b'),
 * MLflow's asynchronous logging with {@code MLFLOW_ASYNC_LOGGING_BUFFERING_SECONDS=1}, which merges
 * queued calls into batches. Not a test; see the README for the command.
 */
public final class UploadThroughputBenchmark {

  private static final long T0 = 1_700_000_000_000L;

  private UploadThroughputBenchmark() {}

  public static void main(String[] args) throws Exception {
    int points = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    // The Python client's rate does not depend on the count and it takes hours for a million points.
    int pythonPoints = args.length > 1 ? Integer.parseInt(args[1]) : points;
    int bufferedPoints = args.length > 2 ? Integer.parseInt(args[2]) : points;
    try (MlflowServer server = MlflowServer.start()) {
      MlflowRest rest = server.rest();
      String experiment = rest.post("/api/2.0/mlflow/experiments/create", "{\"name\": \"benchmark\"}")
          .path("experiment_id").asText();
      // The ceiling before and after prov4ml: the store slows down as it fills, and the mean is fair to both.
      double before = plainHttpLoop(server, rest, experiment, points, "plain-http-before");
      double ours = prov4ml(server, points);
      double after = plainHttpLoop(server, rest, experiment, points, "plain-http-after");
      double ceiling = (before + after) / 2;
      double python = pythonPoints == 0 ? Double.NaN : pythonAsync(server, experiment, pythonPoints, 0);
      // MLflow's default sends each queued call alone; with buffering it merges calls into batches.
      double pythonBuffered = bufferedPoints == 0 ? Double.NaN : pythonAsync(server, experiment, bufferedPoints, 1);
      System.out.printf("%nceiling before prov4ml %.0f points/s, after %.0f points/s%n", before, after);
      System.out.printf("%n%d metric points, server: mlflow %s, 1 gunicorn worker, sqlite%n", points, "2.17.2");
      System.out.printf("%-48s %12s %10s%n", "method", "points/s", "relative");
      System.out.printf("%-48s %12.0f %9.0f%%%n", "(a) plain HTTP loop, 1000-metric log-batch", ceiling, 100.0);
      System.out.printf("%-48s %12.0f %9.0f%%%n", "prov4ml pipeline (log -> server ack)", ours, 100 * ours / ceiling);
      System.out.printf("%-48s %12.0f %9.0f%%%n", "(b) Python async, defaults, " + pythonPoints + " pts",
          python,
          100 * python / ceiling);
      System.out.printf("%-48s %12.0f %9.0f%%%n", "(b') same, buffering 1 s, " + bufferedPoints + " pts",
          pythonBuffered, 100 * pythonBuffered / ceiling);
      System.out.printf("prov4ml / (a) = %.2f, prov4ml / (b) = %.1fx, prov4ml / (b') = %.1fx%n", ours / ceiling,
          ours / python, ours / pythonBuffered);
    }
  }

  private static double plainHttpLoop(MlflowServer server, MlflowRest rest, String experiment, int points,
      String runName) throws Exception {
    String runId = rest.post("/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"" + experiment
        + "\", \"run_name\": \"" + runName + "\", \"start_time\": " + T0 + "}").path("run").path("info")
        .path("run_id").asText();
    long start = System.nanoTime();
    rest.logBatches(runId, "training/loss", points, T0, step -> step / 10.0);
    double rate = rate(points, start);
    checkStored(server, runId, points);
    return rate;
  }

  private static double prov4ml(MlflowServer server, int points) throws Exception {
    Path out = Files.createTempDirectory("prov4ml-bench");
    Properties settings = MlflowTestRuns.settings(server.uri());
    settings.setProperty("prov4ml.mlflow.flush-timeout", "1h");
    settings.setProperty("prov4ml.synchronous.timeout", "1h");
    long start = System.nanoTime();
    Run run = MlflowTestRuns.start(settings, out, "benchmark", "prov4ml");
    for (int step = 0; step < points; step++) {
      run.logMetric("loss", step / 10.0, Context.TRAINING, step, false, T0 + step);
    }
    long logged = System.nanoTime();
    run.close();
    double rate = rate(points, start);
    System.out.printf("prov4ml: the training thread logged %d points in %.3f s; the server had them all after %.1f s%n",
        points, (logged - start) / 1e9, (System.nanoTime() - start) / 1e9);
    checkStored(server, MlflowTestRuns.cursor(run).runId, points);
    try (var files = Files.walk(out)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    return rate;
  }

  private static double pythonAsync(MlflowServer server, String experiment, int points, int bufferSeconds)
      throws Exception {
    String script = """
        import os, sys, time
        if sys.argv[5] != "0":
            os.environ["MLFLOW_ASYNC_LOGGING_BUFFERING_SECONDS"] = sys.argv[5]
        import mlflow
        from mlflow import MlflowClient
        uri, experiment, n, t0 = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        mlflow.set_tracking_uri(uri)
        c = MlflowClient(tracking_uri=uri)
        run_id = c.create_run(experiment, run_name="python-async-buffer-" + sys.argv[5]).info.run_id
        start = time.perf_counter()
        for step in range(n):
            c.log_metric(run_id, "training/loss", step / 10.0, timestamp=t0 + step, step=step, synchronous=False)
        mlflow.flush_async_logging()
        elapsed = time.perf_counter() - start
        print(run_id)
        print(elapsed)
        """;
    String out = PythonEnv.runScript(script, 7200, server.uri(), experiment, Integer.toString(points),
        Long.toString(T0), Integer.toString(bufferSeconds)).requireSuccess("python mlflow async").stdout().trim();
    String[] lines = out.split("\n");
    checkStored(server, lines[lines.length - 2].trim(), points);
    return points / Double.parseDouble(lines[lines.length - 1]);
  }

  /** Every point arrived, once: counted in the store (get-history of a million points times out). */
  private static void checkStored(MlflowServer server, String runId, int points) throws Exception {
    String count = PythonEnv.runScript("import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("
        + "'select count(*) from metrics where run_uuid = ?', (sys.argv[2],)).fetchone()[0])", 60,
        server.database().toString(), runId).requireSuccess("count points").stdout().trim();
    if (Integer.parseInt(count) != points) {
      throw new IllegalStateException("run " + runId + " has " + count + " points, expected " + points);
    }
  }

  private static double rate(int points, long startNanos) {
    return points / ((System.nanoTime() - startNanos) / 1e9);
  }
}
