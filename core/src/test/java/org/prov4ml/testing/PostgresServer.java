package org.prov4ml.testing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: Debian's {@code postgresql} package (installed with
 * {@code apt-get} when the machine has none), one cluster in a temporary data directory, on a free
 * loopback port, no Unix socket, trust authentication for its one user {@code prov4ml}; stopped and
 * deleted by {@link #close} (or, if the test JVM dies first, stopped by a shutdown hook).
 *
 * <p>PostgreSQL refuses to run as root, and CI runs as root: then {@code initdb}, {@code pg_ctl} and
 * the server run as the {@code postgres} system user the package creates (through {@code runuser}),
 * in a data directory that user owns. As any other user they run as that user.
 */
public final class PostgresServer implements AutoCloseable {

  private static final String USER = "prov4ml";

  private final Path bin;
  private final Path dataDir;
  private final int port;
  private final String runAs;
  private final Thread stopAtExit;

  private PostgresServer(Path bin, Path dataDir, int port, String runAs) {
    this.bin = bin;
    this.dataDir = dataDir;
    this.port = port;
    this.runAs = runAs;
    this.stopAtExit = new Thread(this::stopQuietly, "postgres-stop");
  }

  /** A running server with an empty database {@code database}. */
  public static PostgresServer start(String database) throws IOException, InterruptedException {
    Path bin = binaries();
    String runAs = isRoot() ? "postgres" : null;
    // As root, under /tmp: the postgres user must be able to reach it, and java.io.tmpdir may be root's own.
    Path dataDir = runAs != null ? Files.createTempDirectory(Path.of("/tmp"), "prov4ml-pg")
        : Files.createTempDirectory("prov4ml-pg");
    if (runAs != null) {
      UserPrincipal owner = dataDir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(runAs);
      Files.setOwner(dataDir, owner);
    }
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
    Path cluster = dataDir.resolve("data");
    PostgresServer server = new PostgresServer(bin, cluster, MlflowServer.freePort(), runAs);
    server.asServerUser(List.of(bin.resolve("initdb").toString(), "-D", cluster.toString(), "-U", USER,
        "--auth=trust", "-E", "UTF8", "--no-locale"), 120).requireSuccess("initdb");
    Runtime.getRuntime().addShutdownHook(server.stopAtExit);
    server.startProcess();
    server.sql("postgres", "CREATE DATABASE " + database);
    return server;
  }

  /**
   * {@code postgresql+psycopg2://prov4ml@127.0.0.1:<port>/<database>}, for SQLAlchemy (MLflow's backend
   * store). The driver is named: SQLAlchemy 2.1 (MLflow 3.x's) takes psycopg 3 for a bare
   * {@code postgresql://}, and the tests pin psycopg2.
   */
  public String uri(String database) {
    return "postgresql+psycopg2://" + USER + "@127.0.0.1:" + port + "/" + database;
  }

  public int port() {
    return port;
  }

  /** Starts the server (it is started by {@link #start}) and waits until it accepts connections. */
  public void startProcess() throws IOException, InterruptedException {
    // fsync and the rest stay at PostgreSQL's defaults: the tests and benchmarks see a real store's costs.
    asServerUser(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l",
        dataDir.resolveSibling("server.log").toString(), "-w", "-t", "60", "-o",
        "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200",
        "start"), 120).requireSuccess("pg_ctl start");
  }

  /** Runs SQL with {@code psql} and returns its unaligned, tuples-only output, e.g. a count. */
  public String sql(String database, String statement) throws IOException, InterruptedException {
    return PythonEnv.run(List.of(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port),
        "-U", USER, "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", statement), 300)
        .requireSuccess("psql -c " + statement).stdout().strip();
  }

  /** Stops the server (fast shutdown: running transactions are rolled back). */
  public void stop() throws IOException, InterruptedException {
    asServerUser(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "stop"),
        120).requireSuccess("pg_ctl stop");
  }

  @Override
  public void close() throws IOException {
    stopQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(stopAtExit);
    } catch (IllegalStateException exiting) {
      // the JVM is exiting: the hook runs anyway
    }
    try (Stream<Path> files = Files.walk(dataDir.getParent())) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private void stopQuietly() {
    try {
      if (Files.exists(dataDir.resolve("postmaster.pid"))) {
        asServerUser(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w",
            "stop"), 60);
      }
    } catch (IOException | InterruptedException e) {
      System.err.println("[prov4ml tests] could not stop PostgreSQL in " + dataDir + ": " + e);
    }
  }

  private PythonEnv.Result asServerUser(List<String> command, long timeoutSeconds)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (runAs != null) {
      full.addAll(List.of("runuser", "-u", runAs, "--"));
    }
    full.addAll(command);
    return PythonEnv.run(full, timeoutSeconds);
  }

  /**
   * The newest {@code /usr/lib/postgresql/<version>/bin}, installing Debian's {@code postgresql}
   * first when there is none (once per machine: concurrent test JVMs wait on a lock file).
   */
  static synchronized Path binaries() throws IOException, InterruptedException {
    Path found = newestInstalled();
    if (found != null) {
      return found;
    }
    Path root = Path.of(System.getProperty("user.home"), ".cache", "prov4ml");
    Files.createDirectories(root);
    try (FileChannel lockFile = FileChannel.open(root.resolve("apt-postgresql.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      found = newestInstalled();
      if (found != null) {
        return found;
      }
      if (!isRoot()) {
        throw new IllegalStateException("PostgreSQL is not installed and the tests do not run as root to install "
            + "it: apt-get install postgresql");
      }
      System.err.println("[prov4ml tests] installing Debian's postgresql package (once)");
      apt(List.of("apt-get", "update"));
      apt(List.of("apt-get", "install", "-y", "--no-install-recommends", "postgresql"));
      found = newestInstalled();
      if (found == null) {
        throw new IllegalStateException("apt-get installed postgresql, but there is no /usr/lib/postgresql/*/bin");
      }
      return found;
    }
  }

  private static void apt(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(Map.of("DEBIAN_FRONTEND", "noninteractive"));
    Path log = Files.createTempFile("prov4ml-apt", ".log");
    Process p = pb.redirectOutput(log.toFile()).start();
    if (!p.waitFor(900, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " timed out:\n" + Files.readString(log));
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(command + " exited with " + p.exitValue() + ":\n" + Files.readString(log));
    }
    Files.deleteIfExists(log);
  }

  private static Path newestInstalled() throws IOException {
    Path versions = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(versions)) {
      return null;
    }
    try (Stream<Path> dirs = Files.list(versions)) {
      return dirs.filter(d -> d.getFileName().toString().matches("\\d+"))
          .filter(d -> Files.isExecutable(d.resolve("bin/initdb")) && Files.isExecutable(d.resolve("bin/pg_ctl")))
          .max(Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString())))
          .map(d -> d.resolve("bin")).orElse(null);
    }
  }

  private static boolean isRoot() throws IOException, InterruptedException {
    return PythonEnv.run(List.of("id", "-u"), 30).requireSuccess("id -u").stdout().strip().equals("0");
  }
}
