package io.cardinal.tsdb.labels;

/** The four PromQL matcher operators. */
public enum MatchType {
  EQUAL("="),
  NOT_EQUAL("!="),
  REGEX("=~"),
  NOT_REGEX("!~");

  private final String op;

  MatchType(String op) {
    this.op = op;
  }

  public String op() {
    return op;
  }

  public boolean isNegative() {
    return this == NOT_EQUAL || this == NOT_REGEX;
  }
}
