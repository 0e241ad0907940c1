package org.prov4ml.internal.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.format.RunLayout;
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
  private PrintWriter out;
  private PrintWriter err;

  /**
   * The command's output. Lines printed here stay lines: a control character in a value from a run directory is
   * printed escaped ({@link PrintableLines}), so end each line with {@code println}.
   */
  protected final PrintWriter out() {
    if (out == null) {
      out = new PrintableLines(spec.commandLine().getOut());
    }
    return out;
  }

  /** The command's error stream, escaped as {@link #out()} is. */
  protected final PrintWriter err() {
    if (err == null) {
      err = new PrintableLines(spec.commandLine().getErr());
    }
    return err;
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
    } catch (BadInputException e) {
      throw e;
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
   * Where a command writes the file the user named with {@code -o}: that file, or {@code defaultName} inside it
   * when it is a directory.
   *
   * @throws BadInputException when it is an existing file inside a run directory (a run's document, a metric
   *     file, an artifact, a report): {@code -o} never replaces a file of a run, whose reader would then find
   *     HTML where its data was
   */
  protected static Path outputFile(Path output, String defaultName) {
    Path target = output.toAbsolutePath().normalize();
    if (Files.isDirectory(target)) {
      target = target.resolve(defaultName);
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      Path runDir = enclosingRunDirectory(target);
      if (runDir != null) {
        throw new BadInputException(output + " is a file of the run directory " + runDir + ", and -o never "
            + "replaces a file inside a run directory: name a new file, or one elsewhere");
      }
    }
    return target;
  }

  /** The run directory {@code file} lies in (its real path's, links resolved), or null when it lies in none. */
  private static Path enclosingRunDirectory(Path file) {
    Path dir;
    try {
      dir = file.getParent().toRealPath();
    } catch (IOException e) {
      return null; // no parent to be a run directory's
    }
    for (; dir != null; dir = dir.getParent()) {
      try (DirectoryStream<Path> documents = Files.newDirectoryStream(dir, "prov_*.json")) {
        for (Path document : documents) {
          if (RunLayout.ofProvFile(dir, document.getFileName().toString()) != null) {
            return dir;
          }
        }
      } catch (IOException | RuntimeException unreadable) {
        // a directory that cannot be listed is not known to be a run directory; its parents may be
      }
    }
    return null;
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
