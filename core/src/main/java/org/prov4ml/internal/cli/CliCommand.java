package org.prov4ml.internal.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.rundir.RunDirectory;
import org.prov4ml.rundir.RunDirectoryException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A subcommand of {@link Prov4mlCli}: annotate the subclass with {@code @Command(name, description)}, declare
 * its {@code @Parameters} and {@code @Option}s, return an exit code from {@link #call()}, and throw
 * {@link BadInputException} for input it cannot use. Write through {@link #out()} and {@link #err()}, which
 * are the streams {@link Prov4mlCli#run} was given.
 */
public abstract class CliCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  protected final PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected final PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Reading a run, as {@link #reading} runs it. */
  @FunctionalInterface
  protected interface RunReading<T> {
    T read() throws IOException;
  }

  /**
   * Runs {@code reading}, turning a run directory that cannot be read (the reader's {@link
   * RunDirectoryException}, also when a stream of points wraps it) into bad input with the reader's one line.
   */
  protected static <T> T reading(RunReading<T> reading) throws IOException {
    try {
      return reading.read();
    } catch (RunDirectoryException e) {
      throw new BadInputException(e.getMessage(), e);
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof RunDirectoryException bad) {
        throw new BadInputException(bad.getMessage(), bad);
      }
      throw e;
    }
  }

  /** Opens a run directory, or fails as bad input with the reader's one-line reason. */
  protected static RunDirectory openRun(Path dir) {
    try {
      return RunDirectory.open(dir);
    } catch (RunDirectoryException e) {
      throw new BadInputException(e.getMessage(), e);
    }
  }

  /**
   * The configuration from the system properties, the environment and its file, or bad input naming
   * what is invalid: a command retried on failure (sync's exit 1) must not retry a setting that cannot work.
   */
  protected static Prov4mlConfig configuration() {
    try {
      return Prov4mlConfig.load();
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage(), e);
    }
  }
}
