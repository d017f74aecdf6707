package io.cardinal.rules;

import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.engine.Engine;
import io.cardinal.promql.engine.QueryException;
import io.cardinal.promql.engine.Queryable;
import io.cardinal.promql.engine.Value;
import io.cardinal.template.QuerySample;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** What rules evaluate against: the engine and storage, where results go, who hears of alerts. */
final class RuleContext {
  volatile Engine engine;
  final Queryable storage;
  final Supplier<Appender> appenders;
  final LongSupplier clockMs;
  final List<AlertListener> listeners = new CopyOnWriteArrayList<>();
  volatile RuleOptions options;

  RuleContext(
      Engine engine,
      Queryable storage,
      Supplier<Appender> appenders,
      LongSupplier clockMs,
      RuleOptions options) {
    this.engine = engine;
    this.storage = storage;
    this.appenders = appenders;
    this.clockMs = clockMs;
    this.options = options;
  }

  /** An instant query as rules see it: a vector, a scalar as a one-sample vector, else an error. */
  List<Value.Sample> query(Expr expr, long tMs) throws RuleEvalException {
    Value v;
    try {
      v = engine.instantQuery(storage, expr, tMs).value();
    } catch (QueryException | IllegalArgumentException | IllegalStateException e) {
      throw new RuleEvalException(e.getMessage());
    }
    if (v instanceof Value.Vector vec) {
      return vec.samples();
    }
    if (v instanceof Value.Scalar s) {
      return List.of(new Value.Sample(Labels.EMPTY, s.timestamp(), s.value()));
    }
    throw new RuleEvalException("rule result is not a vector or scalar");
  }

  /** The {@code query} function of templates. */
  List<QuerySample> templateQuery(String promql, long tMs) throws Exception {
    List<QuerySample> out = new ArrayList<>();
    for (Value.Sample s : query(io.cardinal.promql.PromQL.parse(promql), tMs)) {
      out.add(new QuerySample(Rule.map(s.labels()), s.value()));
    }
    return out;
  }

  /** Why a rule's evaluation failed; the message is the rule's {@code lastError}. */
  static final class RuleEvalException extends Exception {
    RuleEvalException(String message) {
      super(message);
    }
  }
}
