package io.cardinal.cli.rules;

import io.cardinal.rules.RuleUnitTest;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cardinal test rules}: promtool's rule unit tests, its output and exit codes. */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description = "Unit testing (as promtool test).",
    subcommands = {TestCommand.Rules.class})
public final class TestCommand implements Runnable {
  @Override
  public void run() {
    CheckCommand.err.println("test: give a subcommand: rules");
  }

  @Command(name = "rules", mixinStandardHelpOptions = true, description = "Unit tests for rules.")
  static final class Rules implements Callable<Integer> {
    @Parameters(paramLabel = "TEST-FILE", arity = "1..*", description = "The unit test files.")
    List<Path> files;

    @Override
    public Integer call() {
      boolean failed = false;
      for (Path f : files) {
        RuleUnitTest.Result r = RuleUnitTest.run(f);
        // promtool interleaves: the report's blank lines on stdout, the errors on stderr.
        CheckCommand.out.print(r.stdout());
        CheckCommand.err.print(r.stderr());
        failed |= !r.passed();
      }
      return failed ? 1 : 0;
    }
  }
}
