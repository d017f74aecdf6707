package io.cardinal.rulelint;

import io.cardinal.rules.GroupSpec;
import io.cardinal.rules.RuleSpec;
import java.util.List;

/** One lint check: an id such as {@code series/missing}, and what it finds in each rule. */
public interface Check {
  /** The id findings carry, {@code area/what}. */
  String id();

  /** Whether the check reads the source; checks that do not also run without one. */
  boolean needsSource();

  /** Adds this check's findings about {@code rule} to {@code out}. */
  void check(LintContext ctx, GroupSpec group, RuleSpec rule, List<Finding> out)
      throws LintSourceException;

  /** Called once per rule file after all its rules: for findings about the whole file. */
  default void finishFile(LintContext ctx, String file, List<Finding> out)
      throws LintSourceException {}
}
