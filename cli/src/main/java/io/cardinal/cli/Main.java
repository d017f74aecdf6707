package io.cardinal.cli;

import io.cardinal.capacity.CapacityCommand;
import io.cardinal.cli.rules.CheckCommand;
import io.cardinal.cli.rules.RulesCommand;
import io.cardinal.cli.rules.TestCommand;
import io.cardinal.cli.tsdb.TsdbCommand;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code cardinal}: the one command behind bin/cardinal. Each subcommand is its own picocli class
 * listed in {@link #SUBCOMMANDS}; {@code tsdb} and {@code capacity} join the list as they are
 * written.
 */
@Command(
    name = "cardinal",
    mixinStandardHelpOptions = true,
    version = "cardinal 0.1.0-SNAPSHOT",
    description = "An embedded, Prometheus-compatible time-series database.",
    subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  /** The subcommands besides {@code help}. */
  static final List<Class<?>> SUBCOMMANDS =
      List.of(
          ServerCommand.class,
          TsdbCommand.class,
          CapacityCommand.class,
          CheckCommand.class,
          TestCommand.class,
          RulesCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // No subcommand: usage, and the exit code of a usage error.
    spec.commandLine().usage(System.err);
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }

  public static CommandLine commandLine() {
    return commandLine(null);
  }

  /**
   * The command line; with {@code only} naming a subcommand, just that one is built. Picocli
   * reflects over every command it is given, and the server's start-up (time to ready after a
   * restart is a measured target) should not pay for the tsdb and capacity trees.
   */
  static CommandLine commandLine(String only) {
    CommandLine cl = new CommandLine(new Main());
    boolean known =
        SUBCOMMANDS.stream().anyMatch(c -> c.getAnnotation(Command.class).name().equals(only));
    for (Class<?> c : SUBCOMMANDS) {
      if (!known || c.getAnnotation(Command.class).name().equals(only)) {
        cl.addSubcommand(c);
      }
    }
    CommandLine server = cl.getSubcommands().get("server");
    if (server != null) {
      PrometheusFlags.register(server.getCommandSpec());
    }
    // A usage error prints the message, picocli's suggestions, and always the usage; exit code 2.
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine failed = ex.getCommandLine();
          java.io.PrintWriter err = failed.getErr();
          err.println(ex.getMessage());
          CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
          failed.usage(err);
          err.flush();
          return failed.getCommandSpec().exitCodeOnInvalidInput();
        });
    return cl;
  }

  public static void main(String[] args) {
    // The JDK HTTP server leaves Nagle's algorithm on: a JSON answer written in two pieces then
    // waits ~40 ms for the client's delayed ACK on keep-alive connections (Grafana's). Must be set
    // before the server classes load.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    Logging.configure(args);
    System.exit(commandLine(args.length > 0 ? args[0] : null).execute(args));
  }
}
