package org.prov4ml.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The tests' Python: virtualenvs with pinned packages, each created on first use from its requirements
 * files and cached under {@code ~/.cache/prov4ml/venv-<hash of the requirements>} (or
 * {@code $PROV4ML_TEST_VENV_ROOT}), so CI and later runs reuse them and a changed pin builds a new one.
 * Creation holds a file lock: concurrent test JVMs build each once.
 */
public final class PythonEnv {

  /** A virtualenv of the tests. */
  public enum Venv {
    /** MLflow 3.x (server and Python client), {@code prov}, yProv4ML's readers: what the tests use. */
    MAIN("/python/requirements.txt", "/python/requirements-nodeps.txt"),
    /** MLflow 2.17.2's server and client: the one compatibility test against the older server. */
    MLFLOW_2_17("/python/requirements-mlflow-2.17.2.txt", null);

    private final String requirements;
    private final String noDepsRequirements;

    Venv(String requirements, String noDepsRequirements) {
      this.requirements = requirements;
      this.noDepsRequirements = noDepsRequirements;
    }
  }

  private static final Map<Venv, Path> VENVS = new EnumMap<>(Venv.class);

  private PythonEnv() {}

  /** The main virtualenv's python, creating the virtualenv if needed. */
  public static Path python() throws IOException, InterruptedException {
    return python(Venv.MAIN);
  }

  /** A virtualenv's python, creating the virtualenv if needed. */
  public static synchronized Path python(Venv venv) throws IOException, InterruptedException {
    Path dir = VENVS.get(venv);
    if (dir == null) {
      dir = ensureVenv(venv);
      VENVS.put(venv, dir);
    }
    return dir.resolve("bin/python");
  }

  public static Path bin(String tool) throws IOException, InterruptedException {
    return bin(Venv.MAIN, tool);
  }

  public static Path bin(Venv venv, String tool) throws IOException, InterruptedException {
    return python(venv).resolveSibling(tool);
  }

  /** The outcome of a finished process. */
  public record Result(int exitCode, String stdout, String stderr) {
    public Result requireSuccess(String what) {
      if (exitCode != 0) {
        throw new AssertionError(what + " exited with " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
      }
      return this;
    }
  }

  /** Runs a Python script with arguments, waiting up to {@code timeoutSeconds}. */
  public static Result runScript(String script, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    return runScript(Venv.MAIN, script, timeoutSeconds, args);
  }

  /** Runs a Python script of {@code venv} with arguments, waiting up to {@code timeoutSeconds}. */
  public static Result runScript(Venv venv, String script, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(python(venv).toString(), "-c", script));
    command.addAll(List.of(args));
    return run(command, timeoutSeconds);
  }

  public static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
    Path out = Files.createTempFile("prov4ml-py", ".out");
    Path err = Files.createTempFile("prov4ml-py", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out after " + timeoutSeconds + " s: " + command + "\n" + Files.readString(err));
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = PythonEnv.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the test classpath");
      }
      return in.readAllBytes();
    }
  }

  private static Path ensureVenv(Venv venv) throws IOException, InterruptedException {
    byte[] withDeps = resource(venv.requirements);
    byte[] noDeps = venv.noDepsRequirements == null ? new byte[0] : resource(venv.noDepsRequirements);
    byte[] requirements = (new String(withDeps, StandardCharsets.UTF_8) + new String(noDeps, StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8);
    String hash;
    try {
      hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(requirements)).substring(0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    String rootOverride = System.getenv("PROV4ML_TEST_VENV_ROOT");
    Path root = rootOverride != null ? Path.of(rootOverride)
        : Path.of(System.getProperty("user.home"), ".cache", "prov4ml");
    Files.createDirectories(root);
    Path dir = root.resolve("venv-" + hash);
    Path done = dir.resolve(".complete");
    if (Files.exists(done)) {
      return dir;
    }
    try (FileChannel lockFile = FileChannel.open(root.resolve("venv-" + hash + ".lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      if (Files.exists(done)) {
        return dir;
      }
      Path req = root.resolve("requirements-" + hash + ".txt");
      Files.write(req, withDeps);
      System.err.println("[prov4ml tests] creating the Python test virtualenv " + dir + " (" + venv + ", once)");
      run(List.of("python3", "-m", "venv", "--clear", dir.toString()), 300).requireSuccess("python3 -m venv");
      run(List.of(dir.resolve("bin/pip").toString(), "install", "--quiet", "--disable-pip-version-check",
          "-r", req.toString()), 1800).requireSuccess("pip install -r " + req);
      if (noDeps.length > 0) {
        Path reqNoDeps = root.resolve("requirements-nodeps-" + hash + ".txt");
        Files.write(reqNoDeps, noDeps);
        run(List.of(dir.resolve("bin/pip").toString(), "install", "--quiet", "--disable-pip-version-check",
            "--no-deps", "-r", reqNoDeps.toString()), 600).requireSuccess("pip install --no-deps -r " + reqNoDeps);
      }
      Files.writeString(done, new String(requirements, StandardCharsets.UTF_8));
      return dir;
    }
  }
}
