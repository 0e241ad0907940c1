package org.prov4ml.internal.cli;

/**
 * The user's input cannot be used (not a run directory, an unreadable document, too few runs): the command
 * line prints the message as one line on stderr and exits {@link Prov4mlCli#USAGE}, without a stack trace.
 */
public final class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
