package io.cardinal.rulelint;

import io.cardinal.config.ConfigException;
import io.cardinal.config.ConfigLoader;
import io.cardinal.config.ConfigLoader.Fields;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * What a team requires of its rules, from a YAML policy file:
 *
 * <pre>
 * required_alert_labels: [severity]
 * required_annotations: [runbook_url, summary]
 * alert_name_pattern: '[A-Z][A-Za-z0-9]*'
 * record_name_pattern: '[a-z_]+:[a-z0-9_]+:[a-z0-9_]+'
 * </pre>
 *
 * Patterns must match the whole name. Nothing is required unless the file says so.
 *
 * @param requiredAlertLabels labels every alerting rule must set (its own or its group's)
 * @param requiredAnnotations annotations every alerting rule must set, non-empty
 * @param alertNamePattern null for none
 * @param recordNamePattern null for none
 */
public record Policy(
    List<String> requiredAlertLabels,
    List<String> requiredAnnotations,
    Pattern alertNamePattern,
    Pattern recordNamePattern) {

  /** No requirement at all. */
  public static final Policy NONE = new Policy(List.of(), List.of(), null, null);

  /**
   * The naming Prometheus's documentation recommends for recording rules, {@code
   * level:metric:operations} (such as {@code job:http_requests:rate5m}): a suggestion to copy into
   * {@code record_name_pattern}, never enforced on its own.
   */
  public static final String SUGGESTED_RECORD_NAME_PATTERN =
      "[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_]+(?::[a-zA-Z0-9_]+)*";

  public Policy {
    requiredAlertLabels = List.copyOf(requiredAlertLabels);
    requiredAnnotations = List.copyOf(requiredAnnotations);
  }

  /** Whether the policy requires anything. */
  public boolean isEmpty() {
    return requiredAlertLabels.isEmpty()
        && requiredAnnotations.isEmpty()
        && alertNamePattern == null
        && recordNamePattern == null;
  }

  public static Policy load(Path file) throws PolicyException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PolicyException(file.toString(), 0, "cannot read file: " + e.getMessage());
    }
    return parse(file.toString(), text);
  }

  /** Parses a policy file's text; {@code file} names it in errors. */
  public static Policy parse(String file, String text) throws PolicyException {
    try {
      Node root = ConfigLoader.compose(text);
      if (root == null || ConfigLoader.isNull(root)) {
        return NONE;
      }
      Fields f =
          new Fields(
              root,
              "policy",
              Set.of(
                  "required_alert_labels",
                  "required_annotations",
                  "alert_name_pattern",
                  "record_name_pattern"),
              Set.of());
      return new Policy(
          names(f, "required_alert_labels"),
          names(f, "required_annotations"),
          pattern(file, f, "alert_name_pattern"),
          pattern(file, f, "record_name_pattern"));
    } catch (ConfigException e) {
      String msg = e.getMessage();
      String prefix = "line " + e.line() + ": ";
      throw new PolicyException(
          file, e.line(), msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg);
    }
  }

  private static List<String> names(Fields f, String field) throws ConfigException {
    List<String> out = new ArrayList<>();
    if (f.has(field)) {
      for (Node n : ConfigLoader.seq(f.get(field), field)) {
        String s = ConfigLoader.scalar(n, field);
        if (s.isEmpty()) {
          throw new ConfigException(ConfigLoader.line(n), field + ": empty name");
        }
        out.add(s);
      }
    }
    return out;
  }

  private static Pattern pattern(String file, Fields f, String field)
      throws ConfigException, PolicyException {
    if (!f.has(field)) {
      return null;
    }
    String s = f.string(field, "");
    try {
      return Pattern.compile(s);
    } catch (PatternSyntaxException e) {
      throw new PolicyException(
          file, f.line(field), field + ": invalid pattern: " + e.getDescription());
    }
  }
}
