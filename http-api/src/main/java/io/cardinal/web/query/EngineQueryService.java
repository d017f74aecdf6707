package io.cardinal.web.query;

import io.cardinal.exposition.MetricsSource;
import io.cardinal.exposition.Summary;
import io.cardinal.promql.DeepStack;
import io.cardinal.promql.ParseTimeoutException;
import io.cardinal.promql.PromQL;
import io.cardinal.promql.PromQLParseException;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.engine.Engine;
import io.cardinal.promql.engine.EngineOptions;
import io.cardinal.promql.engine.QueryException;
import io.cardinal.promql.engine.QueryResult;
import io.cardinal.promql.engine.Queryable;
import io.cardinal.promql.engine.Value;
import io.cardinal.web.ApiRequest;
import io.cardinal.web.ApiResult;
import io.cardinal.web.Formats;
import io.cardinal.web.Json;
import io.cardinal.web.QueryService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * {@code /api/v1/query}, {@code /api/v1/query_range} and {@code /api/v1/format_query} over
 * Cardinal's PromQL {@link Engine}, with Prometheus's parameters, JSON shapes, error types and
 * messages.
 *
 * <p>Limits come from the server flags: {@code --query.lookback-delta}, {@code
 * --query.max-samples}, {@code --query.timeout} and {@code --query.max-concurrency}. The
 * concurrency gate lives here rather than in the engine so that a request's {@code timeout}
 * parameter can shorten the query's deadline: the deadline (the smaller of the flag and the
 * parameter) covers the wait for a slot and the evaluation, as in Prometheus, and the engine of
 * each query gets what is left of it.
 */
public final class EngineQueryService implements QueryService, MetricsSource {
  private final Queryable storage;
  private final EngineOptions base;
  private final Engine defaultEngine;
  private final Semaphore slots;
  private final int maxConcurrency;
  private final LongSupplier clock;
  private final AtomicInteger active = new AtomicInteger();
  private final Summary queueTime = new Summary();
  private final Summary prepareTime = new Summary();
  private final Summary innerEval = new Summary();
  private final ParseCache parseCache = new ParseCache(512, 4096);

  /**
   * @param storage opens a querier over [mint, maxt] (for the server, {@code db::querier})
   * @param lookbackMs {@code --query.lookback-delta}
   * @param maxSamples {@code --query.max-samples}
   * @param timeoutMs {@code --query.timeout}
   * @param maxConcurrency {@code --query.max-concurrency}
   */
  public EngineQueryService(
      Queryable storage, long lookbackMs, long maxSamples, long timeoutMs, int maxConcurrency) {
    this(storage, lookbackMs, maxSamples, timeoutMs, maxConcurrency, false);
  }

  /**
   * As above; {@code experimentalFunctions} makes the engine's experimental functions reachable
   * ({@code --enable-feature=promql-experimental-functions}).
   */
  public EngineQueryService(
      Queryable storage,
      long lookbackMs,
      long maxSamples,
      long timeoutMs,
      int maxConcurrency,
      boolean experimentalFunctions) {
    this(
        storage,
        lookbackMs,
        maxSamples,
        timeoutMs,
        maxConcurrency,
        System::currentTimeMillis,
        experimentalFunctions);
  }

  EngineQueryService(
      Queryable storage,
      long lookbackMs,
      long maxSamples,
      long timeoutMs,
      int maxConcurrency,
      LongSupplier clock) {
    this(storage, lookbackMs, maxSamples, timeoutMs, maxConcurrency, clock, false);
  }

  private EngineQueryService(
      Queryable storage,
      long lookbackMs,
      long maxSamples,
      long timeoutMs,
      int maxConcurrency,
      LongSupplier clock,
      boolean experimentalFunctions) {
    this.storage = storage;
    // The engine's own gate is left wide open: this class gates (see the class comment).
    this.base =
        EngineOptions.defaults()
            .withLookbackDelta(Duration.ofMillis(lookbackMs))
            .withMaxSamples(maxSamples)
            .withTimeout(Duration.ofMillis(timeoutMs))
            .withExperimentalFunctions(experimentalFunctions)
            .withMaxConcurrentQueries(Integer.MAX_VALUE);
    this.defaultEngine = new Engine(base);
    this.maxConcurrency = maxConcurrency;
    this.slots = new Semaphore(maxConcurrency, true);
    this.clock = clock;
  }

  // ------------------------------------------------------------------ endpoints

  @Override
  public ApiResult query(ApiRequest r) {
    long time;
    long timeoutMs;
    int limit;
    Long lookback;
    try {
      time = timeParam(r, "time", clock.getAsLong());
      timeoutMs = timeoutParam(r);
      limit = limitParam(r);
      lookback = lookbackParam(r);
    } catch (BadParam e) {
      return ApiResult.badData(e.getMessage());
    }
    return execute(r, 0, time, time, 0, timeoutMs, limit, lookback);
  }

  @Override
  public ApiResult queryRange(ApiRequest r) {
    long start;
    long end;
    long step;
    long timeoutMs;
    int limit;
    Long lookback;
    try {
      start = timeParam(r, "start", null);
      end = timeParam(r, "end", null);
      if (end < start) {
        throw new BadParam("end", "end timestamp must not be before start time");
      }
      step = stepParam(r);
      // Prometheus's API check; for safety the number of points per series is limited.
      if ((end - start) / step > Engine.MAX_POINTS_PER_SERIES) {
        return ApiResult.badData(
            "exceeded maximum resolution of 11,000 points per timeseries. "
                + "Try decreasing the query resolution (?step=XX)");
      }
      timeoutMs = timeoutParam(r);
      limit = limitParam(r);
      lookback = lookbackParam(r);
    } catch (BadParam e) {
      return ApiResult.badData(e.getMessage());
    }
    return execute(r, 1, start, end, step, timeoutMs, limit, lookback);
  }

  @Override
  public ApiResult formatQuery(ApiRequest r) {
    String q = r.first("query");
    try {
      Expr e = PromQL.parse(q == null ? "" : q);
      // Printing recurses as deep as the expression nests, like parsing.
      String pretty = DeepStack.call("formatting", () -> PrettyPrinter.pretty(e));
      return ApiResult.success(new Json().value(pretty).toString());
    } catch (PromQLParseException e) {
      return ApiResult.badData("invalid parameter \"query\": " + e.getMessage());
    } catch (DeepStack.TooDeepException e) {
      return ApiResult.badData("invalid parameter \"query\": " + e.getMessage());
    }
  }

  @Override
  public ApiResult parseQuery(ApiRequest r) {
    String q = r.first("query");
    try {
      Expr e = PromQL.parse(q == null ? "" : q);
      return ApiResult.success(DeepStack.call("printing the AST", () -> AstJson.of(e)));
    } catch (PromQLParseException | DeepStack.TooDeepException e) {
      return ApiResult.badData("invalid parameter \"query\": " + e.getMessage());
    }
  }

  // ------------------------------------------------------------------ execution

  private ApiResult execute(
      ApiRequest r,
      int kind,
      long start,
      long end,
      long step,
      long timeoutMs,
      int limit,
      Long lookbackMs) {
    long t0 = System.nanoTime();
    long budgetMs = Math.min(base.timeout().toMillis(), timeoutMs);
    active.incrementAndGet();
    try {
      if (budgetMs <= 0) {
        return ApiResult.error("timeout", "query timed out in query queue");
      }
      boolean acquired;
      try {
        acquired = slots.tryAcquire(budgetMs, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ApiResult.error("canceled", "query was canceled in query queue");
      }
      long queued = System.nanoTime() - t0;
      queueTime.observe(queued / 1e9);
      if (!acquired) {
        return ApiResult.error("timeout", "query timed out in query queue");
      }
      try {
        long leftMs = budgetMs - TimeUnit.NANOSECONDS.toMillis(queued);
        if (leftMs <= 0) {
          return ApiResult.error("timeout", "query timed out in query queue");
        }
        long p0 = System.nanoTime();
        Expr expr;
        try {
          String q = r.first("query");
          // The query's time budget bounds parsing too: a query of millions of terms fits in a
          // request body.
          expr = parseCache.parse(q == null ? "" : q, p0 + TimeUnit.MILLISECONDS.toNanos(leftMs));
        } catch (PromQLParseException e) {
          return ApiResult.badData("invalid parameter \"query\": " + e.getMessage());
        } catch (ParseTimeoutException e) {
          return ApiResult.error(e.isCanceled() ? "canceled" : "timeout", e.getMessage());
        } finally {
          prepareTime.observe((System.nanoTime() - p0) / 1e9);
        }
        // Evaluation gets what parsing left of the budget.
        long evalMs = leftMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - p0);
        if (evalMs <= 0) {
          return ApiResult.error("timeout", ParseTimeoutException.TIMED_OUT);
        }
        Engine engine = defaultEngine;
        // The shared engine when the budget is (within a millisecond) the default: most queries.
        if (evalMs < base.timeout().toMillis() - 1 || lookbackMs != null) {
          EngineOptions o = base.withTimeout(Duration.ofMillis(evalMs));
          if (lookbackMs != null) {
            o = o.withLookbackDelta(Duration.ofMillis(lookbackMs));
          }
          engine = new Engine(o);
        }
        long e0 = System.nanoTime();
        QueryResult res;
        try {
          res =
              kind == 0
                  ? engine.instantQuery(storage, expr, start)
                  : engine.rangeQuery(storage, expr, start, end, step);
        } catch (QueryException e) {
          return ApiResult.error(errorType(e.kind()), e.getMessage());
        } finally {
          innerEval.observe((System.nanoTime() - e0) / 1e9);
        }
        return render(
            res,
            limit,
            r.first("stats"),
            queued,
            e0 - p0,
            System.nanoTime() - e0,
            System.nanoTime() - t0);
      } finally {
        slots.release();
      }
    } finally {
      active.decrementAndGet();
    }
  }

  /** Prometheus's mapping of engine errors to API error types (and so to HTTP status codes). */
  static String errorType(QueryException.Kind kind) {
    return switch (kind) {
      case BAD_DATA -> "bad_data";
      case TIMEOUT -> "timeout";
      case CANCELED -> "canceled";
        // Prometheus answers "too many samples", a chunk or index that fails to read, and every
        // other evaluation error with errorExec (422).
      case EXECUTION, TOO_MANY_SAMPLES, STORAGE -> "execution";
    };
  }

  // ------------------------------------------------------------------ rendering

  private static ApiResult render(
      QueryResult res,
      int limit,
      String stats,
      long queueNs,
      long prepareNs,
      long evalNs,
      long totalNs) {
    Value v = res.value();
    List<String> warnings = new ArrayList<>(res.warnings());
    if (limit > 0) {
      if (v instanceof Value.Vector vec && vec.samples().size() > limit) {
        v = new Value.Vector(vec.samples().subList(0, limit));
        warnings.add("results truncated due to limit");
      } else if (v instanceof Value.Matrix m && m.series().size() > limit) {
        v = new Value.Matrix(m.series().subList(0, limit));
        warnings.add("results truncated due to limit");
      }
    }
    JsonBytes out = new JsonBytes(estimate(v));
    out.raw("{\"status\":\"success\",\"data\":{\"resultType\":\"")
        .raw(v.typeName())
        .raw("\",\"result\":");
    writeValue(out, v);
    if (stats != null && !stats.isEmpty()) {
      out.raw(",\"stats\":{\"timings\":{\"evalTotalTime\":")
          .jsonNumber(evalNs / 1e9)
          .raw(",\"queryPreparationTime\":")
          .jsonNumber(prepareNs / 1e9)
          .raw(",\"innerEvalTime\":")
          .jsonNumber(evalNs / 1e9)
          .raw(",\"execQueueTime\":")
          .jsonNumber(queueNs / 1e9)
          .raw(",\"execTotalTime\":")
          .jsonNumber(totalNs / 1e9)
          .raw("}}");
    }
    out.ch('}');
    strings(out, "warnings", warnings);
    strings(out, "infos", res.infos());
    out.ch('}');
    return ApiResult.ofUtf8(200, out.array(), out.length());
  }

  /** A first guess of the body's size, so that the buffer rarely grows. */
  private static int estimate(Value v) {
    if (v instanceof Value.Matrix m) {
      int points = 0;
      for (Value.Series s : m.series()) {
        points += s.timestamps().length;
      }
      return 256 + m.series().size() * 200 + points * 32;
    }
    if (v instanceof Value.Vector vec) {
      return 256 + vec.samples().size() * 240;
    }
    return 256;
  }

  private static void strings(JsonBytes out, String name, List<String> list) {
    if (list.isEmpty()) {
      return;
    }
    out.raw(",\"").raw(name).raw("\":[");
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        out.ch(',');
      }
      out.string(list.get(i));
    }
    out.ch(']');
  }

  /** A query value in Prometheus's JSON: see {@link GoFloats} for the number formats. */
  static void writeValue(JsonBytes out, Value v) {
    if (v instanceof Value.Scalar s) {
      out.ch('[').jsonNumber(s.timestamp() / 1000.0).raw(",\"").scalarValue(s.value()).raw("\"]");
    } else if (v instanceof Value.Str s) {
      out.ch('[').jsonNumber(s.timestamp() / 1000.0).ch(',').string(s.value()).ch(']');
    } else if (v instanceof Value.Vector vec) {
      out.ch('[');
      List<Value.Sample> samples = vec.samples();
      for (int i = 0; i < samples.size(); i++) {
        Value.Sample s = samples.get(i);
        if (i > 0) {
          out.ch(',');
        }
        out.raw("{\"metric\":")
            .labels(s.labels())
            .raw(",\"value\":")
            .point(s.timestamp(), s.value())
            .ch('}');
      }
      out.ch(']');
    } else if (v instanceof Value.Matrix m) {
      out.ch('[');
      List<Value.Series> series = m.series();
      for (int k = 0; k < series.size(); k++) {
        Value.Series s = series.get(k);
        if (k > 0) {
          out.ch(',');
        }
        out.raw("{\"metric\":").labels(s.labels()).raw(",\"values\":[");
        long[] ts = s.timestamps();
        double[] vs = s.values();
        for (int i = 0; i < ts.length; i++) {
          if (i > 0) {
            out.ch(',');
          }
          out.point(ts[i], vs[i]);
        }
        out.raw("]}");
      }
      out.ch(']');
    }
  }

  // ------------------------------------------------------------------ parameters

  /** A parameter error: a bad_data response with this message. */
  private static final class BadParam extends RuntimeException {
    /** Prometheus's {@code invalid parameter "name": detail}. */
    BadParam(String param, String detail) {
      this("invalid parameter \"" + param + "\": " + detail);
    }

    BadParam(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * {@code time} (with a default: Prometheus adds "Invalid time value for ..."), {@code start},
   * {@code end}.
   */
  private static long timeParam(ApiRequest r, String name, Long def) {
    String v = r.first(name);
    if (def != null && (v == null || v.isEmpty())) {
      return def;
    }
    try {
      return parseTime(v == null ? "" : v);
    } catch (IllegalArgumentException e) {
      throw new BadParam(
          name,
          def != null
              ? "Invalid time value for '" + name + "': " + e.getMessage()
              : e.getMessage());
    }
  }

  static long parseTime(String s) {
    return Formats.parseTime(s);
  }

  private static long stepParam(ApiRequest r) {
    String v = r.first("step");
    long ms = parseDurationMs("step", v == null ? "" : v);
    if (ms <= 0) {
      throw new BadParam(
          "step",
          "zero or negative query resolution step widths are not accepted. Try a positive integer");
    }
    return ms;
  }

  /** The {@code timeout} parameter in milliseconds, or Long.MAX_VALUE when absent. */
  private static long timeoutParam(ApiRequest r) {
    String v = r.first("timeout");
    if (v == null || v.isEmpty()) {
      return Long.MAX_VALUE;
    }
    return parseDurationMs("timeout", v);
  }

  private static Long lookbackParam(ApiRequest r) {
    String v = r.first("lookback_delta");
    if (v == null || v.isEmpty()) {
      return null;
    }
    long ms;
    try {
      ms = parseDuration(v);
    } catch (IllegalArgumentException e) {
      // Prometheus reports this one without the "invalid parameter" prefix.
      throw new BadParam("error parsing lookback delta duration: " + e.getMessage());
    }
    return ms > 0 ? ms : null;
  }

  private static int limitParam(ApiRequest r) {
    String v = r.first("limit");
    if (v == null || v.isEmpty()) {
      return 0;
    }
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new BadParam("limit", "strconv.Atoi: parsing \"" + v + "\": invalid syntax");
    }
    if (n < 0) {
      throw new BadParam("limit", "limit must be non-negative");
    }
    return n;
  }

  private static long parseDurationMs(String param, String v) {
    try {
      return parseDuration(v);
    } catch (IllegalArgumentException e) {
      throw new BadParam(param, e.getMessage());
    }
  }

  /**
   * Prometheus's API duration: float seconds ({@code 15}, {@code 0.5}) or a duration ({@code
   * 1m30s}); in milliseconds, truncated toward zero as Go truncates to nanoseconds and Prometheus
   * to milliseconds.
   */
  static long parseDuration(String s) {
    if (GO_FLOAT.matcher(s).matches()) {
      if (s.toLowerCase(java.util.Locale.ROOT).endsWith("nan")) {
        // Go converts NaN to the smallest int64: a negative duration.
        return Long.MIN_VALUE / 1_000_000L;
      }
      double ns = Double.parseDouble(s.replaceAll("(?i)inf(inity)?", "Infinity")) * 1e9;
      if (ns > 9.223372036854776E18 || ns < -9.223372036854776E18) {
        throw new IllegalArgumentException(
            "cannot parse \"" + s + "\" to a valid duration. It overflows int64");
      }
      return (long) ns / 1_000_000L;
    }
    try {
      return io.cardinal.config.Durations.parse(s);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException("cannot parse \"" + s + "\" to a valid duration");
    }
  }

  /** What Go's strconv.ParseFloat accepts in decimal (hex floats aside). */
  private static final java.util.regex.Pattern GO_FLOAT =
      java.util.regex.Pattern.compile(
          "[+-]?((\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|(?i:inf|infinity|nan))");

  // ------------------------------------------------------------------ metrics

  @Override
  public void writeMetrics(StringBuilder sb) {
    String name = "prometheus_engine_query_duration_seconds";
    sb.append("# HELP ").append(name).append(" Query timings\n");
    sb.append("# TYPE ").append(name).append(" summary\n");
    innerEval.write(sb, name, "slice", "inner_eval");
    prepareTime.write(sb, name, "slice", "prepare_time");
    queueTime.write(sb, name, "slice", "queue_time");
    sb.append(
        "# HELP prometheus_engine_queries The current number of queries being executed or waiting.\n");
    sb.append("# TYPE prometheus_engine_queries gauge\n");
    sb.append("prometheus_engine_queries ").append(active.get()).append('\n');
    sb.append(
        "# HELP prometheus_engine_queries_concurrent_max The max number of concurrent queries.\n");
    sb.append("# TYPE prometheus_engine_queries_concurrent_max gauge\n");
    sb.append("prometheus_engine_queries_concurrent_max ").append(maxConcurrency).append('\n');
  }

  /**
   * Current queries executing or waiting for a slot (the {@code prometheus_engine_queries} gauge).
   */
  public int activeQueries() {
    return active.get();
  }
}
