package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.it.apps.explicit.MetricWriterApp;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.RunStatus;
import org.prov4ml.testing.MlflowServer;
import org.prov4ml.testing.PostgresServer;

/**
 * A fleet of trainings reporting to one MLflow server on the backend a team runs: PostgreSQL, with
 * two gunicorn workers. Eight JVMs at once into one experiment, four DJL trainings under the agent
 * and four API writers of 50,000 points each; every point must arrive exactly once, counted in
 * PostgreSQL itself against each run directory, and every run must be FINISHED. Then again with the
 * server killed and restarted while they upload.
 */
class FleetOnPostgresTest {

  private static final String EXPERIMENT = "fleet";
  private static final int TRAININGS = 4;
  private static final int WRITERS = 4;
  private static final int WRITER_POINTS = 50_000;
  /** Generous: eight JVMs, the server's workers and PostgreSQL share two cores. */
  private static final long AWAIT_SECONDS = 600;

  @TempDir Path work;

  @Test
  void eightJvmsIntoOneExperimentDeliverEveryPointOnce() throws Exception {
    fleet(false);
  }

  @Test
  void everyPointOnceWhenTheServerIsKilledAndRestartedMidway() throws Exception {
    fleet(true);
  }

  private void fleet(boolean killServer) throws Exception {
    try (PostgresServer postgres = PostgresServer.start("mlflow");
        MlflowServer server = MlflowServer.start(postgres.uri("mlflow"), 2)) {
      List<ForkedApp.Started> apps = new ArrayList<>();
      try {
        run(postgres, server, apps, killServer);
      } finally {
        apps.forEach(app -> app.process().destroyForcibly()); // after a failure: none outlives the test
      }
    }
  }

  private void run(PostgresServer postgres, MlflowServer server, List<ForkedApp.Started> apps, boolean killServer)
      throws Exception {
    for (int i = 0; i < TRAININGS; i++) {
      // One libtorch thread each, as a cluster gives each training its own cores: four trainings spinning two
      // OpenMP threads each on two shared cores slow everything else on the machine down many times over.
      apps.add(app("training" + i, server).env("OMP_NUM_THREADS", "1").startJar(ForkedApp.DEMO_JAR, "--epochs", "3",
          "--train-samples", "4096", "--models", "models"));
    }
    for (int i = 0; i < WRITERS; i++) {
      apps.add(app("writer" + i, server).appClassPath().startMain(MetricWriterApp.class, EXPERIMENT, "writer" + i,
          Integer.toString(WRITER_POINTS)));
    }
    if (killServer) {
      long arrived = awaitPoints(postgres, WRITERS * WRITER_POINTS / 5);
      server.stop();
      long atKill = points(postgres);
      assertTrue(atKill < WRITERS * WRITER_POINTS, "the server was killed before everything arrived: " + atKill);
      Thread.sleep(3000);
      server.startProcess();
      System.err.println("[fleet] killed the server at " + arrived + " points (" + atKill + " stored), restarted");
    }
    List<ForkedApp.Result> results = new ArrayList<>();
    for (ForkedApp.Started app : apps) {
      results.add(app.await(AWAIT_SECONDS).requireSuccess());
    }

    Map<String, Long> expected = new TreeMap<>();
    long writerPoints = 0;
    for (ForkedApp.Result result : results) {
      RunDirectory local = result.onlyRun();
      assertEquals(Optional.of(RunStatus.FINISHED), local.run().status(), local.toString());
      String runId = mlflowRunId(local);
      assertEquals("FINISHED", postgres.sql("mlflow", "SELECT status FROM runs WHERE run_uuid = '" + runId + "'"));
      for (MetricSeries series : local.metrics()) {
        expected.merge(runId + " " + mlflowKey(series), series.pointCount(), Long::sum);
      }
      if (local.params().containsKey("writer")) {
        writerPoints += local.metric("loss", Context.TRAINING).orElseThrow().pointCount();
      }
    }
    Map<String, Long> stored = new TreeMap<>();
    for (String row : postgres.sql("mlflow", "SELECT m.run_uuid || ' ' || m.key || ' ' || count(*) FROM metrics m "
        + "JOIN runs r ON r.run_uuid = m.run_uuid JOIN experiments e ON e.experiment_id = r.experiment_id "
        + "WHERE e.name = '" + EXPERIMENT + "' GROUP BY m.run_uuid, m.key").split("\n")) {
      int last = row.lastIndexOf(' ');
      stored.put(row.substring(0, last), Long.parseLong(row.substring(last + 1)));
    }
    assertEquals(expected, stored, "every point of every run directory, once, in PostgreSQL");
    assertEquals(Integer.toString(TRAININGS + WRITERS), postgres.sql("mlflow", "SELECT count(*) FROM runs r JOIN "
        + "experiments e ON e.experiment_id = r.experiment_id WHERE e.name = '" + EXPERIMENT + "'"));
    assertEquals(WRITERS * WRITER_POINTS, writerPoints, "the writers' points were all recorded locally");
  }

  private ForkedApp app(String name, MlflowServer server) {
    return new ForkedApp(work.resolve(name)).property("prov4ml.mlflow.tracking-uri", server.uri())
        .property("prov4ml.experiment-name", EXPERIMENT).property("prov4ml.mlflow.max-retry-backoff", "2s")
        .property("prov4ml.mlflow.flush-timeout", "600s");
  }

  /**
   * The run's MLflow id: in its document when the upload bound it while the run was live, always in
   * the uploader's cursor {@code mlflow_GR<rank>.json}.
   */
  private static String mlflowRunId(RunDirectory local) throws Exception {
    Optional<String> inDocument = local.run().attribute("yprov:mlflow_run_id");
    String inCursor = new ObjectMapper().readTree(local.path().resolve("mlflow_GR0.json").toFile()).path("run_id")
        .asText();
    inDocument.ifPresent(id -> assertEquals(id, inCursor));
    assertTrue(!inCursor.isEmpty(), "no MLflow run id in " + local);
    return inCursor;
  }

  /** MLflow's key of a series: {@code <context in lower case>/<key>}, system metrics as they are. */
  private static String mlflowKey(MetricSeries series) {
    String context = series.context().name();
    return context.equals("SYSTEM") ? series.key() : context.toLowerCase(Locale.ROOT) + "/" + series.key();
  }

  /** The experiment's metric points in PostgreSQL. */
  private static long points(PostgresServer postgres) throws Exception {
    return Long.parseLong(postgres.sql("mlflow", "SELECT count(*) FROM metrics"));
  }

  private static long awaitPoints(PostgresServer postgres, long atLeast) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      long n = points(postgres);
      if (n >= atLeast) {
        return n;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("fewer than " + atLeast + " points arrived in 120 s");
  }
}
