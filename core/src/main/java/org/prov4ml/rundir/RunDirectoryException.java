package org.prov4ml.rundir;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A run directory, or a file in it, that cannot be read: not a run directory, a PROV document cut
 * short or not PROV-JSON, a metric file with a bad row. The message is one line naming the path and
 * the problem, fit for a command line to print as it is.
 */
public final class RunDirectoryException extends IOException {

  /** The form this exception is serialized in. */
  private static final long serialVersionUID = 1L;

  private final transient Path path;
  /** What is wrong with the path, without it. */
  private final String problem;

  /**
   * An exception whose message is {@code <path>: <problem>}.
   *
   * @param path the directory or file that could not be read
   * @param problem what is wrong with it, one line
   */
  public RunDirectoryException(Path path, String problem) {
    this(path, problem, null);
  }

  /**
   * An exception whose message is {@code <path>: <problem>}, caused by {@code cause}.
   *
   * @param path the directory or file that could not be read
   * @param problem what is wrong with it, one line
   * @param cause what failed, e.g. the {@code IOException} of the read
   */
  public RunDirectoryException(Path path, String problem, Throwable cause) {
    super(path + ": " + problem, cause);
    this.path = path;
    this.problem = problem;
  }

  /** {@return the directory or file that could not be read} */
  public Path path() {
    return path;
  }

  /** {@return what is wrong with it, without the path} */
  public String problem() {
    return problem;
  }
}
