package io.cardinal.promql;

import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.promql.parser.ParserDriver;
import java.util.List;

/**
 * Entry point of the PromQL parser.
 *
 * <pre>{@code
 * Expr e = PromQL.parse("sum by (job) (rate(http_requests_total[5m]))");
 * String canonical = e.toPromQL();
 * }</pre>
 *
 * All Prometheus 3 syntax is accepted, including experimental features (duration expressions,
 * {@code anchored}/{@code smoothed}, fill modifiers, experimental functions); {@link
 * io.cardinal.promql.ast.Function#experimental()} lets the engine decide whether to allow them.
 */
public final class PromQL {

  private PromQL() {}

  /**
   * Parses and type checks a PromQL expression.
   *
   * @throws PromQLParseException with Prometheus' message and position if the query is invalid
   */
  public static Expr parse(String query) {
    return ParserDriver.parseExpr(query, Long.MAX_VALUE);
  }

  /**
   * Like {@link #parse(String)}, but gives up at {@code deadlineNanos} (a {@link System#nanoTime()}
   * value), so the query's timeout bounds parsing as it bounds evaluation.
   *
   * @throws ParseTimeoutException if the deadline passes first
   */
  public static Expr parse(String query, long deadlineNanos) {
    return ParserDriver.parseExpr(query, deadlineNanos);
  }

  /**
   * Parses a series selector such as {@code up{job="x"}} or {@code {__name__=~"a.*"}} (the {@code
   * match[]} parameter of the HTTP API) into its label matchers; a metric name becomes a {@code
   * __name__} matcher. Like Prometheus' {@code ParseMetricSelector} it does not require a non-empty
   * matcher.
   *
   * @throws PromQLParseException if the selector is invalid
   */
  public static List<LabelMatcher> parseMatchers(String selector) {
    return ParserDriver.parseMatchers(selector);
  }
}
