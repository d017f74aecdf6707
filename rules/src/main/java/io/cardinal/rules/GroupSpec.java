package io.cardinal.rules;

import io.cardinal.tsdb.labels.Labels;
import java.util.List;

/**
 * One rule group as a rule file declares it, or as an embedder builds it in code.
 *
 * @param file the file the group came from ("" for groups built in code); with the name it
 *     identifies the group, and it sets the group's evaluation offset within its interval
 * @param name unique within its file
 * @param intervalMs 0 takes the manager's default ({@code global.evaluation_interval})
 * @param queryOffsetMs how far in the past to evaluate; null takes the manager's default ({@code
 *     global.rule_query_offset})
 * @param limit most series a recording rule, or alerts an alerting rule, may produce; 0 is none
 * @param labels added to every rule's output, under the rule's own labels
 */
public record GroupSpec(
    String file,
    String name,
    long intervalMs,
    Long queryOffsetMs,
    int limit,
    Labels labels,
    List<RuleSpec> rules) {
  public GroupSpec {
    rules = List.copyOf(rules);
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("rule group name must not be empty");
    }
  }

  /** A group from code: no file, default interval and offset, no limit, no labels. */
  public static GroupSpec of(String name, List<RuleSpec> rules) {
    return new GroupSpec("", name, 0, null, 0, Labels.EMPTY, rules);
  }

  public GroupSpec withInterval(long ms) {
    return new GroupSpec(file, name, ms, queryOffsetMs, limit, labels, rules);
  }

  /** The key Prometheus names groups by in its metrics: {@code file;name}. */
  public String key() {
    return file + ";" + name;
  }
}
