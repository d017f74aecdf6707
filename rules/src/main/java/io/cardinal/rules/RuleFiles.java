package io.cardinal.rules;

import io.cardinal.config.ConfigException;
import io.cardinal.config.ConfigLoader;
import io.cardinal.config.ConfigLoader.Fields;
import io.cardinal.config.Globs;
import io.cardinal.config.Relabeler;
import io.cardinal.promql.PromQL;
import io.cardinal.promql.PromQLParseException;
import io.cardinal.template.AlertTemplates;
import io.cardinal.template.TemplateException;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * Reads Prometheus rule files: {@code groups} of recording and alerting rules, validated as
 * Prometheus validates them (names, labels, expressions, templates), every error with the file,
 * line and column.
 */
public final class RuleFiles {
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private RuleFiles() {}

  /**
   * The files {@code rule_files} patterns name, relative patterns against {@code baseDir}, in
   * pattern order, each file once.
   */
  public static List<Path> expand(Path baseDir, List<String> patterns) throws RuleFileException {
    List<Path> out = new ArrayList<>();
    Set<Path> seen = new HashSet<>();
    for (String p : patterns) {
      try {
        for (Path f : Globs.expand(baseDir, p)) {
          if (Files.isRegularFile(f) && seen.add(f.toAbsolutePath().normalize())) {
            out.add(f);
          }
        }
      } catch (IOException e) {
        throw new RuleFileException(p, 0, 0, "cannot list rule files: " + e.getMessage());
      }
    }
    return out;
  }

  /** Loads every file; the first bad one stops the load. */
  public static List<GroupSpec> load(List<Path> files) throws RuleFileException {
    List<GroupSpec> out = new ArrayList<>();
    for (Path f : files) {
      out.addAll(load(f));
    }
    return out;
  }

  public static List<GroupSpec> load(Path file) throws RuleFileException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new RuleFileException(file.toString(), 0, 0, "cannot read file: " + e.getMessage());
    }
    return parse(file.toString(), text);
  }

  /** Parses one rule file's text; {@code file} names it in errors and in the groups. */
  public static List<GroupSpec> parse(String file, String text) throws RuleFileException {
    try {
      Node root = ConfigLoader.compose(text);
      if (root == null || ConfigLoader.isNull(root)) {
        return List.of();
      }
      Fields top = new Fields(root, "rule file", Set.of("groups"), Set.of());
      List<GroupSpec> groups = new ArrayList<>();
      Set<String> names = new HashSet<>();
      if (top.has("groups")) {
        for (Node g : ConfigLoader.seq(top.get("groups"), "groups")) {
          GroupSpec spec = group(file, g);
          if (!names.add(spec.name())) {
            throw new RuleFileException(
                file,
                ConfigLoader.line(g),
                0,
                "groupname: \"" + spec.name() + "\" is repeated in the same file");
          }
          groups.add(spec);
        }
      }
      return groups;
    } catch (ConfigException e) {
      String msg = e.getMessage();
      String prefix = "line " + e.line() + ": ";
      throw new RuleFileException(
          file, e.line(), 0, msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg);
    }
  }

  private static GroupSpec group(String file, Node node) throws ConfigException, RuleFileException {
    Fields f =
        new Fields(
            node,
            "rule group",
            Set.of("name", "interval", "limit", "query_offset", "labels", "rules"),
            Set.of());
    String name = f.string("name", "");
    if (name.isEmpty()) {
      throw new RuleFileException(file, ConfigLoader.line(node), 0, "Groupname must not be empty");
    }
    Labels labels = labels(file, f, "labels", name, 0, null, true);
    List<RuleSpec> rules = new ArrayList<>();
    if (f.has("rules")) {
      int i = 0;
      for (Node r : ConfigLoader.seq(f.get("rules"), "rules")) {
        rules.add(rule(file, name, ++i, r));
      }
    }
    Long offset = f.has("query_offset") ? f.duration("query_offset", 0) : null;
    return new GroupSpec(
        file, name, f.duration("interval", 0), offset, f.intValue("limit", 0), labels, rules);
  }

  private static RuleSpec rule(String file, String group, int index, Node node)
      throws ConfigException, RuleFileException {
    Fields f =
        new Fields(
            node,
            "rule",
            Set.of("record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"),
            Set.of());
    String record = f.has("record") ? f.string("record", "") : null;
    String alert = f.has("alert") ? f.string("alert", "") : null;
    String name = record != null ? record : alert != null ? alert : "";
    int line = ConfigLoader.line(node);
    String where = "group \"" + group + "\", rule " + index + ", \"" + name + "\": ";
    if (record == null && alert == null) {
      throw new RuleFileException(file, line, 0, where + "one of 'record' or 'alert' must be set");
    }
    if (record != null && alert != null) {
      throw new RuleFileException(
          file, line, 0, where + "only one of 'record' and 'alert' must be set");
    }
    String expr = f.string("expr", "");
    if (expr.isEmpty()) {
      throw new RuleFileException(file, line, 0, where + "field 'expr' must be set in rule");
    }
    try {
      PromQL.parse(expr);
    } catch (PromQLParseException e) {
      Node en = f.get("expr");
      throw new RuleFileException(
          file,
          ConfigLoader.line(en),
          en.getStartMark().getColumn() + 1,
          where + "could not parse expression: " + e.getMessage());
    }
    if (record != null) {
      if (!METRIC_NAME.matcher(record).matches()) {
        throw new RuleFileException(
            file, f.line("record"), 0, where + "invalid recording rule name: " + record);
      }
      for (String k : List.of("annotations", "for", "keep_firing_for")) {
        if (f.has(k)) {
          throw new RuleFileException(
              file, f.line(k), 0, where + "invalid field '" + k + "' in recording rule");
        }
      }
    } else if (!Relabeler.isValidLabelName(alert) && !METRIC_NAME.matcher(alert).matches()) {
      throw new RuleFileException(file, f.line("alert"), 0, where + "invalid alert name: " + alert);
    }
    Labels labels = labels(file, f, "labels", group, index, name, true);
    Labels annotations = labels(file, f, "annotations", group, index, name, false);
    if (alert != null) {
      for (Labels l : List.of(labels, annotations)) {
        for (int i = 0; i < l.size(); i++) {
          try {
            AlertTemplates.check(AlertTemplates.templateName(alert), l.value(i));
          } catch (TemplateException e) {
            throw new RuleFileException(file, line, 0, where + e.getMessage());
          }
        }
      }
    }
    return new RuleSpec(
        record,
        alert,
        expr,
        f.duration("for", 0),
        f.duration("keep_firing_for", 0),
        labels,
        annotations,
        line);
  }

  private static Labels labels(
      String file, Fields f, String field, String group, int index, String rule, boolean isLabels)
      throws ConfigException, RuleFileException {
    if (!f.has(field)) {
      return Labels.EMPTY;
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (NodeTuple t : ConfigLoader.map(f.get(field), field)) {
      String k = ConfigLoader.scalar(t.getKeyNode(), field);
      Node v = t.getValueNode();
      String value = ConfigLoader.isNull(v) ? "" : ConfigLoader.scalar(v, field + "." + k);
      boolean valid = Relabeler.isValidLabelName(k) && !(isLabels && k.equals(Labels.METRIC_NAME));
      if (!valid) {
        String where =
            rule == null
                ? "group \"" + group + "\": "
                : "group \"" + group + "\", rule " + index + ", \"" + rule + "\": ";
        throw new RuleFileException(
            file,
            ConfigLoader.line(t.getKeyNode()),
            0,
            where + "invalid " + (isLabels ? "label" : "annotation") + " name: " + k);
      }
      m.put(k, value);
    }
    return Labels.fromMap(m);
  }
}
