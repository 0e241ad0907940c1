package org.prov4ml.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real MLflow tracking server for tests: {@code mlflow server} from the pinned test virtualenv,
 * on a free loopback port, with a sqlite store and proxied artifacts in a temporary folder. It can
 * be stopped (the whole process tree, as a crash would) and started again on the same port and
 * store, for the fault tests.
 */
public final class MlflowServer implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final int port;
  private final String backendStoreUri;
  private final int workers;
  private final PythonEnv.Venv venv;
  private Process process;

  private MlflowServer(Path dir, int port, String backendStoreUri, int workers, PythonEnv.Venv venv) {
    this.dir = dir;
    this.port = port;
    this.backendStoreUri = backendStoreUri != null ? backendStoreUri : "sqlite:///" + dir.resolve("mlflow.db");
    this.workers = workers;
    this.venv = venv;
  }

  /** A server of the tests' MLflow (3.x) that is up and healthy. */
  public static MlflowServer start() throws IOException, InterruptedException {
    return start(PythonEnv.Venv.MAIN);
  }

  /** A server of the MLflow that {@code venv} pins, up and healthy. */
  public static MlflowServer start(PythonEnv.Venv venv) throws IOException, InterruptedException {
    MlflowServer server = new MlflowServer(Files.createTempDirectory("prov4ml-mlflow"), freePort(), null, 1, venv);
    server.startProcess();
    return server;
  }

  /**
   * A server that is up and healthy, on another backend store (e.g. {@link PostgresServer#uri}),
   * with {@code workers} server workers.
   */
  public static MlflowServer start(String backendStoreUri, int workers) throws IOException, InterruptedException {
    MlflowServer server = new MlflowServer(Files.createTempDirectory("prov4ml-mlflow"), freePort(), backendStoreUri,
        workers, PythonEnv.Venv.MAIN);
    server.startProcess();
    return server;
  }

  /** A port and a store, with no server yet: for runs that begin while the server is down. */
  public static MlflowServer notStarted() throws IOException {
    return new MlflowServer(Files.createTempDirectory("prov4ml-mlflow"), freePort(), null, 1, PythonEnv.Venv.MAIN);
  }

  /** The MLflow version the server runs, as its {@code /version} endpoint says. */
  public String version() throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    return client.send(HttpRequest.newBuilder(URI.create(uri() + "/version")).build(),
        HttpResponse.BodyHandlers.ofString()).body().strip();
  }

  public String uri() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The server's sqlite store, for counts the REST API cannot give (a million-point history times out). */
  public Path database() {
    return dir.resolve("mlflow.db");
  }

  public MlflowRest rest() {
    return new MlflowRest(uri());
  }

  /** Starts the server (again) on the same port and store, and waits for {@code /health}. */
  public synchronized void startProcess() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      return;
    }
    Path log = dir.resolve("server.log");
    process = new ProcessBuilder(List.of(PythonEnv.bin(venv, "mlflow").toString(), "server", "--host", "127.0.0.1",
        "--port", Integer.toString(port), "--workers", Integer.toString(workers),
        "--backend-store-uri", backendStoreUri,
        "--artifacts-destination", dir.resolve("artifacts").toString()))
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    awaitHealthy(log);
  }

  private void awaitHealthy(Path log) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("mlflow server exited with " + process.exitValue() + ":\n"
            + Files.readString(log));
      }
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(uri() + "/health"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(200);
    }
    stop();
    throw new IllegalStateException("mlflow server not healthy within " + START_TIMEOUT + ":\n" + Files.readString(log));
  }

  /** Kills the server and its gunicorn workers at once, as a crash would. */
  public synchronized void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
    tree.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : tree) {
      p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> p).join();
    }
    process = null;
  }

  @Override
  public void close() throws IOException {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static int freePort() throws IOException {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        int port = socket.getLocalPort();
        if (port != 5055) { // another process on this machine uses 5055
          return port;
        }
      }
    }
  }
}
