package io.cardinal.config;

import java.util.Locale;

/** The relabel_config {@code action} values, spelled as in prometheus.yml. */
public enum RelabelAction {
  REPLACE,
  KEEP,
  DROP,
  KEEPEQUAL,
  DROPEQUAL,
  HASHMOD,
  LABELMAP,
  LABELDROP,
  LABELKEEP,
  LOWERCASE,
  UPPERCASE;

  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The action named {@code s} (case-insensitive, as Prometheus), or null. */
  public static RelabelAction fromYaml(String s) {
    for (RelabelAction a : values()) {
      if (a.yamlName().equalsIgnoreCase(s)) {
        return a;
      }
    }
    return null;
  }
}
