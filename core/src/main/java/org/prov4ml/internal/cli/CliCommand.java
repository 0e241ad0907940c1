package org.prov4ml.internal.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
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
}
