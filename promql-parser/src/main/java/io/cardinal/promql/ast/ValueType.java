package io.cardinal.promql.ast;

/** The type an expression evaluates to. */
public enum ValueType {
  NONE("none", "none"),
  SCALAR("scalar", "scalar"),
  VECTOR("vector", "instant vector"),
  MATRIX("matrix", "range vector"),
  STRING("string", "string");

  private final String name;
  private final String documentedName;

  ValueType(String name, String documentedName) {
    this.name = name;
    this.documentedName = documentedName;
  }

  /** Prometheus' internal name ("vector", "matrix", ...). */
  public String promName() {
    return name;
  }

  /**
   * The name used in user-facing documentation and error messages ("instant vector", "range
   * vector", ...).
   */
  public String documentedName() {
    return documentedName;
  }
}
