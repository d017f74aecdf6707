package io.cardinal.promql.ast;

import java.util.Locale;

/** Aggregation operators. */
public enum AggregateOp {
  SUM,
  AVG,
  COUNT,
  MIN,
  MAX,
  GROUP,
  STDDEV,
  STDVAR,
  TOPK,
  BOTTOMK,
  COUNT_VALUES,
  QUANTILE,
  LIMITK,
  LIMIT_RATIO;

  /** The keyword as written in PromQL ({@code count_values}). */
  public String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the operator takes a parameter before the vector ({@code topk(5, x)}). */
  public boolean hasParameter() {
    return this == TOPK
        || this == BOTTOMK
        || this == COUNT_VALUES
        || this == QUANTILE
        || this == LIMITK
        || this == LIMIT_RATIO;
  }

  /** Behind Prometheus' {@code promql-experimental-functions} flag. */
  public boolean isExperimental() {
    return this == LIMITK || this == LIMIT_RATIO;
  }

  public static AggregateOp fromKeyword(String keyword) {
    return valueOf(keyword.toUpperCase(Locale.ROOT));
  }
}
