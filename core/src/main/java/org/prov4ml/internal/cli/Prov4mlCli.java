package org.prov4ml.internal.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.concurrent.Callable;
import org.prov4ml.rundir.PrintableText;
import org.prov4ml.rundir.RunDirectoryException;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * prov4ml's command line, {@code java -jar prov4ml.jar <command>} (the agent jar's Main-Class), on picocli.
 *
 * <p>A command is one class: a {@link CliCommand} subclass annotated with {@code @Command(name = ...,
 * description = ...)}, listed below in {@code subcommands}. It inherits {@code --help} and {@code --version},
 * appears in {@code help}, and gets the shared error handling: a {@link BadInputException} or a picocli
 * usage error prints one line on stderr and exits {@value #USAGE}; any other exception prints one line
 * and exits {@value #FAILED}; never a stack trace.
 */
@Command(
    name = "java -jar prov4ml.jar",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = CliVersion.class,
    description = "prov4ml: provenance and experiment tracking for DJL (DJL, W3C PROV-JSON, MLflow).",
    synopsisSubcommandLabel = "<command>",
    subcommands = {
        HelpCommand.class,
        SyncCommand.class,
        ReportCommand.class,
        CompareCommand.class,
        DiffCommand.class,
        LsCommand.class,
        MergeCommand.class,
        VerifyCommand.class,
        LineageCommand.class,
    })
public final class Prov4mlCli implements Callable<Integer> {

  /** Everything asked for was done. */
  public static final int OK = 0;
  /** The command ran but could not finish (what is left is said on stderr): sync's "run it again". */
  public static final int FAILED = 1;
  /** Bad input: an unknown command or option, a missing argument, a path that is not a run directory. */
  public static final int USAGE = 2;

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs a command; returns the exit code instead of exiting (for embedding and tests). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new Prov4mlCli());
    cli.setOut(writer(out));
    cli.setErr(writer(err));
    cli.setParameterExceptionHandler(Prov4mlCli::usageError);
    cli.setExecutionExceptionHandler(Prov4mlCli::executionError);
    return cli.execute(args);
  }

  /** {@code java -jar prov4ml.jar} alone: the list of commands, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
  }

  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine failed = e.getCommandLine();
    failed.getErr().println(oneLine(commandName(failed) + ": " + e.getMessage()) + " (see "
        + failed.getCommandSpec().qualifiedName() + " --help)");
    return USAGE;
  }

  private static int executionError(Exception e, CommandLine failed, CommandLine.ParseResult parsed) {
    Throwable cause = e;
    while (cause instanceof UncheckedIOException && cause.getCause() != null) {
      cause = cause.getCause(); // its message is its cause's class name and message
    }
    boolean badInput = cause instanceof BadInputException || cause instanceof RunDirectoryException;
    failed.getErr().println(oneLine(commandName(failed) + ": " + describe(cause)));
    return badInput ? USAGE : FAILED;
  }

  /**
   * What went wrong, for a person: the exception's message, never its class name (which says nothing to a user
   * and is not a promise prov4ml keeps); a failure without a message is named by what kind of failure it is.
   */
  static String describe(Throwable failure) {
    String message = failure.getMessage();
    if (message != null && !message.isBlank()) {
      return message;
    }
    if (failure instanceof OutOfMemoryError) {
      return "out of memory (raise -Xmx)";
    }
    return failure instanceof java.io.IOException ? "an input or output error, without a reason given"
        : "an unexpected internal error, without a message (please report it)";
  }

  private static String commandName(CommandLine cli) {
    return cli.getParent() == null ? "prov4ml" : cli.getCommandName();
  }

  /** One line, whatever the message holds: a control character from a run directory's value is printed escaped. */
  private static String oneLine(String text) {
    return PrintableText.of(text.strip());
  }

  private static PrintWriter writer(PrintStream stream) {
    return new PrintWriter(new java.io.OutputStreamWriter(stream, Charset.defaultCharset()), true);
  }
}
