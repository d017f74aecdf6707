package io.cardinal.server;

import io.cardinal.exposition.MetricsSource;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.engine.Value;
import io.cardinal.rules.StreamingBackend;
import io.cardinal.streaming.Plan;
import io.cardinal.streaming.StreamingRuntime;
import java.util.List;

/**
 * The rule engine's streaming backend on the streaming module's runtime (fed by the database's
 * commit observer), and the runtime's series on /metrics.
 */
final class StreamingRules implements StreamingBackend, MetricsSource {
  private final StreamingRuntime runtime;
  private final long intervalMs;
  private final long maxSeries;
  private volatile long currentIntervalMs;

  /**
   * @param intervalMs the evaluation interval the runtime's subquery steps were compiled with
   * @param maxSeries the runtime's limit on series windows, for /metrics
   */
  StreamingRules(StreamingRuntime runtime, long intervalMs, long maxSeries) {
    this.runtime = runtime;
    this.maxSeries = maxSeries;
    this.intervalMs = intervalMs;
    this.currentIntervalMs = intervalMs;
  }

  /** The evaluation interval now in force (a reload may have changed it). */
  void setEvaluationInterval(long ms) {
    this.currentIntervalMs = ms;
  }

  @Override
  public Registration register(Expr expr) {
    if (currentIntervalMs != intervalMs) {
      // Subqueries without a step take the global interval, fixed when streaming started.
      return new Registration(
          null,
          "global.evaluation_interval changed since the server started; restart to stream again");
    }
    Plan plan = runtime.plan(expr);
    if (!plan.streamable()) {
      return new Registration(null, plan.reason());
    }
    StreamingRuntime.Handle h = runtime.register(plan);
    return new Registration(
        new Handle() {
          @Override
          public List<Value.Sample> evaluate(long t) {
            return h.evaluate(t);
          }

          @Override
          public String degradedReason() {
            return h.degradedReason();
          }

          @Override
          public void close() {
            h.close();
          }
        },
        null);
  }

  @Override
  public void writeMetrics(StringBuilder sb) {
    gauge(
        sb,
        "cardinal_rules_streaming_plans",
        "Rule expressions kept up to date at ingest.",
        runtime.plans());
    gauge(
        sb,
        "cardinal_rules_streaming_series",
        "Series the streaming rules hold state for.",
        runtime.series());
    gauge(
        sb,
        "cardinal_rules_streaming_state_bytes",
        "Estimated memory of the streaming rules' state.",
        runtime.stateBytes());
    gauge(
        sb,
        "cardinal_rules_streaming_selectors",
        "Distinct selectors whose windows the streaming rules keep (shared by the rules reading"
            + " them).",
        runtime.selectors());
    gauge(
        sb,
        "cardinal_rules_streaming_max_series",
        "The most series windows the streaming rules may hold (--rules.streaming.max-series).",
        maxSeries);
    counter(
        sb,
        "cardinal_rules_streaming_selectors_over_limit_total",
        "Selectors that gave up their state at the series window limit; their rules run as"
            + " queries until reloaded.",
        runtime.selectorsOverLimit());
    counter(
        sb,
        "cardinal_rules_streaming_samples_routed_total",
        "Samples routed to streaming rules at commit.",
        runtime.samplesRouted());
    counter(
        sb,
        "cardinal_rules_streaming_evaluations_total",
        "Evaluations of streaming rules.",
        runtime.evaluations());
    counter(
        sb,
        "cardinal_rules_streaming_fallbacks_total",
        "Evaluations of streaming rules answered by a query instead (too far behind the newest data).",
        runtime.fallbacks());
  }

  private static void gauge(StringBuilder sb, String name, String help, long v) {
    MetricsSource.header(sb, name, "gauge", help);
    sb.append(name).append(' ').append(v).append('\n');
  }

  private static void counter(StringBuilder sb, String name, String help, long v) {
    MetricsSource.header(sb, name, "counter", help);
    sb.append(name).append(' ').append(v).append('\n');
  }
}
