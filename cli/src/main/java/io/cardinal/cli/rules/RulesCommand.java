package io.cardinal.cli.rules;

import io.cardinal.rulelint.LintCommand;
import picocli.CommandLine.Command;

/** {@code cardinal rules lint}: rule files checked against what a server holds. */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description = "Rule tooling beyond promtool: lint rule files against live data.",
    subcommands = {LintCommand.class})
public final class RulesCommand implements Runnable {
  @Override
  public void run() {
    CheckCommand.err.println("rules: give a subcommand: lint");
  }
}
