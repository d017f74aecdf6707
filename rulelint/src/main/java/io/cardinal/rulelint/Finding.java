package io.cardinal.rulelint;

import io.cardinal.rules.GroupSpec;
import io.cardinal.rules.RuleSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One thing a check found about a rule (or, with an empty {@code rule}, about a whole file).
 *
 * @param file the rule file, as the group names it
 * @param line the rule's line in the file; 0 for a finding about the whole file
 * @param group the group's name; empty for a finding about the whole file
 * @param rule the rule's name (the alert or the recorded metric); empty for a whole file
 * @param check the id of the check that produced it, such as {@code series/missing}
 * @param message one line, in words
 * @param details the same facts for machines (numbers, names, times); iteration keeps insertion
 *     order
 */
public record Finding(
    String file,
    int line,
    String group,
    String rule,
    String check,
    Severity severity,
    String message,
    Map<String, Object> details) {
  public Finding {
    Objects.requireNonNull(file, "file");
    group = group == null ? "" : group;
    rule = rule == null ? "" : rule;
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
    details =
        details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /** A finding about one rule of a group. */
  public static Finding of(
      GroupSpec group,
      RuleSpec rule,
      String check,
      Severity severity,
      String message,
      Map<String, Object> details) {
    return new Finding(
        group.file(), rule.line(), group.name(), rule.name(), check, severity, message, details);
  }

  /**
   * Whether this finding is about {@code rule} of {@code group}: the server attaches findings to
   * the rules it shows with this.
   */
  public boolean isAbout(GroupSpec group, RuleSpec rule) {
    return file.equals(group.file())
        && this.group.equals(group.name())
        && line == rule.line()
        && this.rule.equals(rule.name());
  }

  /** Whether this finding makes a lint run fail (a warning or a problem). */
  public boolean fails() {
    return severity.fails();
  }
}
