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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The tests' Python: a virtualenv with the pinned packages of {@code python/requirements.txt}
 * (MLflow server and client, {@code prov}), created on first use and cached under
 * {@code ~/.cache/prov4ml/venv-<hash of the requirements>} (or {@code $PROV4ML_TEST_VENV_ROOT}), so CI
 * and later runs reuse it. Creation holds a file lock: concurrent test JVMs build it once.
 */
public final class PythonEnv {

  private static Path venv;

  private PythonEnv() {}

  /** The virtualenv's python, creating the virtualenv if needed. */
  public static synchronized Path python() throws IOException, InterruptedException {
    if (venv == null) {
      venv = ensureVenv();
    }
    return venv.resolve("bin/python");
  }

  public static Path bin(String tool) throws IOException, InterruptedException {
    return python().resolveSibling(tool);
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
    List<String> command = new ArrayList<>(List.of(python().toString(), "-c", script));
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

  private static Path ensureVenv() throws IOException, InterruptedException {
    byte[] withDeps = resource("/python/requirements.txt");
    byte[] noDeps = resource("/python/requirements-nodeps.txt");
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
      Path reqNoDeps = root.resolve("requirements-nodeps-" + hash + ".txt");
      Files.write(reqNoDeps, noDeps);
      System.err.println("[prov4ml tests] creating the Python test virtualenv " + dir + " (once)");
      run(List.of("python3", "-m", "venv", "--clear", dir.toString()), 300).requireSuccess("python3 -m venv");
      run(List.of(dir.resolve("bin/pip").toString(), "install", "--quiet", "--disable-pip-version-check",
          "-r", req.toString()), 1800).requireSuccess("pip install -r " + req);
      run(List.of(dir.resolve("bin/pip").toString(), "install", "--quiet", "--disable-pip-version-check",
          "--no-deps", "-r", reqNoDeps.toString()), 600).requireSuccess("pip install --no-deps -r " + reqNoDeps);
      Files.writeString(done, new String(requirements, StandardCharsets.UTF_8));
      return dir;
    }
  }
}
