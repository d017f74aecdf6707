package io.cardinal.cli.rules;

import io.cardinal.config.Config;
import io.cardinal.config.ConfigException;
import io.cardinal.config.ConfigLoader;
import io.cardinal.config.Globs;
import io.cardinal.rules.GroupSpec;
import io.cardinal.rules.RuleFileException;
import io.cardinal.rules.RuleFiles;
import io.cardinal.rules.RuleSpec;
import io.cardinal.tsdb.labels.Labels;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cardinal check rules|config}: promtool's checks with its output and exit codes (0 valid, 1
 * invalid, 3 lint problems with {@code --lint-fatal}).
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Check the resources for validity (as promtool check).",
    subcommands = {CheckCommand.Rules.class, CheckCommand.ConfigFile.class})
public final class CheckCommand implements Runnable {
  static PrintStream out = System.out;
  static PrintStream err = System.err;

  @Override
  public void run() {
    err.println("check: give a subcommand: rules or config");
  }

  /** promtool's lint flags, the same on both subcommands. */
  static final class LintOptions {
    @Option(
        names = "--lint",
        defaultValue = "duplicate-rules",
        description =
            "Linting checks to apply. Available options are: all, duplicate-rules, none. Use"
                + " --lint=none to disable linting")
    String lint;

    @Option(names = "--lint-fatal", description = "Make lint errors exit with exit code 3.")
    boolean fatal;
  }

  @Command(
      name = "rules",
      mixinStandardHelpOptions = true,
      description = "Check if the rule files are valid or not.")
  static final class Rules implements Callable<Integer> {
    @Mixin LintOptions lintOptions;

    @Parameters(paramLabel = "RULE-FILE", arity = "1..*", description = "Rule files to check.")
    List<Path> files;

    @Override
    public Integer call() {
      boolean failed = false;
      boolean lintProblems = false;
      for (Path f : files) {
        int r = checkRuleFile(f, lintOptions.lint, lintOptions.fatal);
        failed |= r == 1;
        lintProblems |= r == 3;
      }
      return failed ? 1 : lintProblems ? 3 : 0;
    }
  }

  @Command(
      name = "config",
      mixinStandardHelpOptions = true,
      description = "Check if the config files are valid or not, and the rule files they name.")
  static final class ConfigFile implements Callable<Integer> {
    @Mixin LintOptions lintOptions;

    @Parameters(paramLabel = "CONFIG-FILE", arity = "1..*", description = "Configuration files.")
    List<Path> files;

    @Override
    public Integer call() {
      boolean failed = false;
      boolean lintProblems = false;
      for (Path f : files) {
        out.println("Checking " + f);
        Config c;
        List<Path> ruleFiles = new ArrayList<>();
        try {
          c = ConfigLoader.load(f);
          Path base = f.toAbsolutePath().getParent();
          for (String pattern : c.ruleFiles()) {
            List<Path> matched = Globs.expand(base, pattern);
            if (matched.isEmpty() && !hasMeta(pattern)) {
              throw new ConfigException(
                  0,
                  "\""
                      + base.resolve(pattern).normalize()
                      + "\" does not point to an existing file");
            }
            ruleFiles.addAll(matched);
          }
        } catch (ConfigException | java.io.IOException e) {
          err.println("  FAILED: " + e.getMessage());
          out.println();
          failed = true;
          continue;
        }
        out.println("  SUCCESS: " + ruleFiles.size() + " rule files found");
        out.println(" SUCCESS: " + f + " is valid prometheus config file syntax");
        out.println();
        for (Path r : ruleFiles) {
          // As promtool: the rule files by their path joined to the config's directory, and
          // their errors indented under FAILED.
          int result = checkRuleFile(r.normalize(), "     ", lintOptions.lint, lintOptions.fatal);
          failed |= result == 1;
          lintProblems |= result == 3;
        }
      }
      return failed ? 1 : lintProblems ? 3 : 0;
    }
  }

  private static boolean hasMeta(String p) {
    return p.contains("*") || p.contains("?") || p.contains("[") || p.contains("\\");
  }

  static int checkRuleFile(Path f, String lint, boolean fatal) {
    return checkRuleFile(f, "", lint, fatal);
  }

  /** 0 valid, 1 invalid, 3 lint problems under --lint-fatal. */
  static int checkRuleFile(Path f, String indent, String lint, boolean fatal) {
    out.println("Checking " + f);
    if (!Files.exists(f)) {
      err.println("  FAILED:");
      err.println(indent + f + ": open " + f + ": no such file or directory");
      out.println();
      return 1;
    }
    List<GroupSpec> groups;
    try {
      groups = RuleFiles.load(f);
    } catch (RuleFileException e) {
      err.println("  FAILED:");
      err.println(indent + e.getMessage());
      out.println();
      return 1;
    }
    int n = 0;
    for (GroupSpec g : groups) {
      n += g.rules().size();
    }
    if (lint.equals("all") || lint.equals("duplicate-rules")) {
      List<String> dups = duplicates(groups);
      if (!dups.isEmpty()) {
        err.println("  FAILED:");
        StringBuilder sb = new StringBuilder();
        sb.append("lint error ").append(dups.size()).append(" duplicate rule(s) found.\n");
        for (String d : dups) {
          sb.append(d);
        }
        sb.append("Might cause inconsistency while recording expressions");
        err.println(sb);
        out.println();
        return fatal ? 3 : 0;
      }
    }
    out.println("  SUCCESS: " + n + " rules found");
    out.println();
    return 0;
  }

  /** Recording rules of the same name and labels, once per extra copy (promtool's lint). */
  static List<String> duplicates(List<GroupSpec> groups) {
    Map<String, Integer> seen = new TreeMap<>();
    List<String> out = new ArrayList<>();
    for (GroupSpec g : groups) {
      for (RuleSpec r : g.rules()) {
        if (r.isAlerting()) {
          continue;
        }
        String key = r.record() + "\u0000" + r.labels();
        int count = seen.merge(key, 1, Integer::sum);
        if (count == 2) {
          StringBuilder sb =
              new StringBuilder("Metric: ").append(r.record()).append("\nLabel(s):\n");
          Labels l = r.labels();
          for (int i = 0; i < l.size(); i++) {
            sb.append('\t').append(l.name(i)).append(": ").append(l.value(i)).append('\n');
          }
          out.add(sb.toString());
        }
      }
    }
    return out;
  }
}
