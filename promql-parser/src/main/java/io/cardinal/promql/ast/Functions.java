package io.cardinal.promql.ast;

import static io.cardinal.promql.ast.ValueType.MATRIX;
import static io.cardinal.promql.ast.ValueType.SCALAR;
import static io.cardinal.promql.ast.ValueType.STRING;
import static io.cardinal.promql.ast.ValueType.VECTOR;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The table of all PromQL functions (Prometheus 3.x, see docs/promql/functions.md). */
public final class Functions {

  private static final Map<String, Function> FUNCTIONS;

  static {
    Map<String, Function> m = new TreeMap<>();
    // Math and element-wise functions on instant vectors.
    for (String name :
        List.of(
            "abs",
            "absent",
            "ceil",
            "exp",
            "floor",
            "ln",
            "log2",
            "log10",
            "sgn",
            "sqrt",
            "sort",
            "sort_desc",
            "timestamp",
            "start_timestamp",
            "deg",
            "rad",
            "acos",
            "acosh",
            "asin",
            "asinh",
            "atan",
            "atanh",
            "cos",
            "cosh",
            "sin",
            "sinh",
            "tan",
            "tanh",
            "histogram_avg",
            "histogram_count",
            "histogram_sum",
            "histogram_stddev",
            "histogram_stdvar")) {
      add(m, name, List.of(VECTOR), 0, VECTOR, false);
    }
    // Range vector functions.
    for (String name :
        List.of(
            "absent_over_time",
            "avg_over_time",
            "changes",
            "count_over_time",
            "delta",
            "deriv",
            "first_over_time",
            "idelta",
            "increase",
            "irate",
            "last_over_time",
            "max_over_time",
            "min_over_time",
            "present_over_time",
            "rate",
            "resets",
            "stddev_over_time",
            "stdvar_over_time",
            "sum_over_time")) {
      add(m, name, List.of(MATRIX), 0, VECTOR, false);
    }
    for (String name :
        List.of(
            "mad_over_time",
            "ts_of_first_over_time",
            "ts_of_last_over_time",
            "ts_of_max_over_time",
            "ts_of_min_over_time")) {
      add(m, name, List.of(MATRIX), 0, VECTOR, true);
    }
    // Date functions with an optional vector argument (default vector(time())).
    for (String name :
        List.of(
            "day_of_month",
            "day_of_week",
            "day_of_year",
            "days_in_month",
            "hour",
            "minute",
            "month",
            "year")) {
      add(m, name, List.of(VECTOR), 1, VECTOR, false);
    }
    add(m, "clamp", List.of(VECTOR, SCALAR, SCALAR), 0, VECTOR, false);
    add(m, "clamp_max", List.of(VECTOR, SCALAR), 0, VECTOR, false);
    add(m, "clamp_min", List.of(VECTOR, SCALAR), 0, VECTOR, false);
    add(m, "histogram_fraction", List.of(SCALAR, SCALAR, VECTOR), 0, VECTOR, false);
    add(m, "histogram_quantile", List.of(SCALAR, VECTOR), 0, VECTOR, false);
    add(m, "histogram_quantiles", List.of(VECTOR, STRING, SCALAR, SCALAR), 9, VECTOR, true);
    add(m, "double_exponential_smoothing", List.of(MATRIX, SCALAR, SCALAR), 0, VECTOR, true);
    add(m, "info", List.of(VECTOR, VECTOR), 1, VECTOR, true);
    add(m, "label_join", List.of(VECTOR, STRING, STRING, STRING), -1, VECTOR, false);
    add(m, "label_replace", List.of(VECTOR, STRING, STRING, STRING, STRING), 0, VECTOR, false);
    add(m, "predict_linear", List.of(MATRIX, SCALAR), 0, VECTOR, false);
    add(m, "quantile_over_time", List.of(SCALAR, MATRIX), 0, VECTOR, false);
    add(m, "round", List.of(VECTOR, SCALAR), 1, VECTOR, false);
    add(m, "scalar", List.of(VECTOR), 0, SCALAR, false);
    add(m, "vector", List.of(SCALAR), 0, VECTOR, false);
    add(m, "sort_by_label", List.of(VECTOR, STRING), -1, VECTOR, true);
    add(m, "sort_by_label_desc", List.of(VECTOR, STRING), -1, VECTOR, true);
    add(m, "pi", List.of(), 0, SCALAR, false);
    add(m, "time", List.of(), 0, SCALAR, false);
    add(m, "start", List.of(), 0, SCALAR, true);
    add(m, "end", List.of(), 0, SCALAR, true);
    add(m, "range", List.of(), 0, SCALAR, true);
    add(m, "step", List.of(), 0, SCALAR, true);
    add(m, "min_of", List.of(SCALAR, SCALAR), 0, SCALAR, true);
    add(m, "max_of", List.of(SCALAR, SCALAR), 0, SCALAR, true);
    FUNCTIONS = Collections.unmodifiableMap(m);
  }

  private Functions() {}

  private static void add(
      Map<String, Function> m,
      String name,
      List<ValueType> args,
      int variadic,
      ValueType ret,
      boolean experimental) {
    m.put(name, new Function(name, args, variadic, ret, experimental));
  }

  /** Looks a function up by its exact (case-sensitive) name. */
  public static Optional<Function> get(String name) {
    return Optional.ofNullable(FUNCTIONS.get(name));
  }

  /** All functions by name, sorted. */
  public static Map<String, Function> all() {
    return FUNCTIONS;
  }
}
