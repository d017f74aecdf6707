package io.cardinal.config;

import com.google.re2j.Pattern;
import java.util.List;
import java.util.Objects;

/**
 * One relabel_configs / metric_relabel_configs entry with Prometheus's defaults filled in:
 * separator {@code ;}, regex {@code (.*)} (always anchored at both ends), replacement {@code $1},
 * action {@code replace}.
 */
public final class RelabelConfig {
  public static final String DEFAULT_REGEX = "(.*)";

  public final List<String> sourceLabels;
  public final String separator;

  /** The regex as written; {@link #pattern} is its anchored RE2 compilation. */
  public final String regex;

  public final Pattern pattern;
  public final long modulus;
  public final String targetLabel;
  public final String replacement;
  public final RelabelAction action;

  public RelabelConfig(
      List<String> sourceLabels,
      String separator,
      String regex,
      long modulus,
      String targetLabel,
      String replacement,
      RelabelAction action) {
    this.sourceLabels = List.copyOf(sourceLabels);
    this.separator = separator;
    this.regex = regex;
    this.pattern = Pattern.compile("^(?:" + regex + ")$");
    this.modulus = modulus;
    this.targetLabel = targetLabel;
    this.replacement = replacement;
    this.action = action;
  }

  /**
   * A config with every field at its default except those given (for tests and built-in configs).
   */
  public static RelabelConfig of(
      RelabelAction action,
      List<String> sourceLabels,
      String regex,
      String targetLabel,
      String replacement) {
    return new RelabelConfig(
        sourceLabels,
        ";",
        regex == null ? DEFAULT_REGEX : regex,
        0,
        targetLabel == null ? "" : targetLabel,
        replacement == null ? "$1" : replacement,
        action);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RelabelConfig)) {
      return false;
    }
    RelabelConfig r = (RelabelConfig) o;
    return sourceLabels.equals(r.sourceLabels)
        && separator.equals(r.separator)
        && regex.equals(r.regex)
        && modulus == r.modulus
        && targetLabel.equals(r.targetLabel)
        && replacement.equals(r.replacement)
        && action == r.action;
  }

  @Override
  public int hashCode() {
    return Objects.hash(sourceLabels, separator, regex, modulus, targetLabel, replacement, action);
  }

  @Override
  public String toString() {
    return "RelabelConfig[action="
        + action.yamlName()
        + ", source_labels="
        + sourceLabels
        + ", regex="
        + regex
        + ", target_label="
        + targetLabel
        + ", replacement="
        + replacement
        + "]";
  }
}
