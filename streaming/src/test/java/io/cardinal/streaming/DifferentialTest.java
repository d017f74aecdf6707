package io.cardinal.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cardinal.Cardinal;
import io.cardinal.promql.PromQL;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.engine.Engine;
import io.cardinal.promql.engine.EngineOptions;
import io.cardinal.promql.engine.QueryException;
import io.cardinal.promql.engine.Value;
import io.cardinal.testing.Seeds;
import io.cardinal.tsdb.Appender;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random rules over random data: every evaluation through the streaming runtime equals the engine's
 * instant query at the same time.
 */
class DifferentialTest {
  /** A whole minute, so that aligned evaluation times fall on sample times and window edges. */
  static final long T0 = 1_699_999_980_000L;

  @Test
  void streamingEqualsEngine() {
    long seed = Seeds.seed("StreamingDifferentialTest");
    Random rnd = new Random(seed);
    long deadline = System.nanoTime() + 100_000_000_000L;
    int[] stats = new int[7];
    int scenarios = 0;
    for (int sc = 0; sc < 8 && System.nanoTime() < deadline; sc++) {
      scenario(new Random(rnd.nextLong()), seed, stats, deadline);
      scenarios++;
    }
    System.out.printf(
        "streaming differential: %d scenarios, %d rules (%d not streamable), %d evaluations"
            + " compared (%d served from state), %d with samples, %d matching errors, %d samples%n",
        scenarios, stats[0], stats[1], stats[2], stats[6], stats[3], stats[4], stats[5]);
    assertTrue(stats[2] > 1000, "too few comparisons");
  }

  private void scenario(Random rnd, long seed, int[] stats, long deadline) {
    Engine engine = new Engine();
    try (Cardinal db = Cardinal.inMemory()) {
      StreamingRuntime rt = StreamingRuntime.attach(db, EngineOptions.defaults(), 120_000);
      long duration = 30 * 60_000L;
      SimData data = new SimData(rnd, T0, duration);
      ExprGen gen = new ExprGen(rnd);
      List<String> texts = new ArrayList<>();
      List<Expr> exprs = new ArrayList<>();
      List<StreamingRuntime.Handle> handles = new ArrayList<>();
      Appender app = db.appender();
      long seedingAt = T0 + 8 * 60_000L + rnd.nextInt(120_000);
      boolean seeded = false;
      registerSome(rt, gen, texts, exprs, handles, 20, stats);
      long now = T0;
      while (now < T0 + duration && System.nanoTime() < deadline) {
        now += 5_000 + rnd.nextInt(20_000);
        data.appendUntil(db, app, now);
        if (!seeded && now >= seedingAt) {
          seeded = true;
          // Some rules go (a reload), others come and are seeded from what is stored.
          for (int k = 0; k < 5; k++) {
            int i = rnd.nextInt(handles.size());
            handles.remove(i).close();
            texts.remove(i);
            exprs.remove(i);
          }
          registerSome(rt, gen, texts, exprs, handles, 20, stats);
          assertEquals(handles.size(), rt.plans());
        }
        for (int k = 0; k < 2; k++) {
          // Mostly behind the newest data, sometimes ahead of it (a rule evaluating before the
          // scrapes of its interval are in).
          long t = now - rnd.nextInt(60_000) + (rnd.nextInt(5) == 0 ? 30_000 : 0);
          if (rnd.nextBoolean()) {
            t -= Math.floorMod(t, 5_000L);
          }
          for (int i = 0; i < handles.size(); i++) {
            compare(engine, db, texts.get(i), exprs.get(i), handles.get(i), t, seed, stats);
          }
        }
      }
      assertEquals(0, rt.fallbacks(), "evaluations within the grace fell back" + Seeds.at(seed));
      assertTrue(rt.evaluations() > 0);
      stats[6] += (int) rt.evaluations();
      for (StreamingRuntime.Handle h : handles) {
        h.close();
      }
      assertEquals(0, rt.plans());
      assertEquals(0, rt.series());
      assertEquals(0, rt.selectors(), "every shared selector is freed with its last plan");
    }
  }

  private static void registerSome(
      StreamingRuntime rt,
      ExprGen gen,
      List<String> texts,
      List<Expr> exprs,
      List<StreamingRuntime.Handle> handles,
      int n,
      int[] stats) {
    int added = 0;
    while (added < n) {
      String text = gen.rule();
      Expr e;
      try {
        e = PromQL.parse(text);
      } catch (RuntimeException ex) {
        continue;
      }
      stats[0]++;
      Plan p = rt.plan(e);
      if (!p.streamable()) {
        stats[1]++;
        continue;
      }
      texts.add(text);
      exprs.add(e);
      handles.add(rt.register(p));
      added++;
    }
  }

  private static void compare(
      Engine engine,
      Cardinal db,
      String text,
      Expr expr,
      StreamingRuntime.Handle h,
      long t,
      long seed,
      int[] stats) {
    List<Value.Sample> want = null;
    String wantErr = null;
    try {
      Value v = engine.instantQuery(db::querier, expr, t).value();
      if (v instanceof Value.Vector vec) {
        want = vec.samples();
      } else if (v instanceof Value.Scalar s) {
        want = List.of(new Value.Sample(io.cardinal.tsdb.labels.Labels.EMPTY, t, s.value()));
      } else {
        fail("unexpected " + v);
      }
    } catch (QueryException e) {
      wantErr = e.getMessage();
    }
    List<Value.Sample> got = null;
    String gotErr = null;
    try {
      got = h.evaluate(t);
    } catch (StreamingEvaluationException e) {
      gotErr = e.getMessage();
    }
    String where = " for " + text + " at " + t + " (T0+" + (t - T0) + ")" + Seeds.at(seed);
    stats[2]++;
    if (wantErr != null || gotErr != null) {
      if (wantErr == null || gotErr == null) {
        fail(
            "engine: "
                + (wantErr != null ? wantErr : want)
                + ", streaming: "
                + (gotErr != null ? gotErr : got)
                + where);
      }
      if (SUBQUERY.matcher(text).find()) {
        // With a subquery the engine evaluates all inner steps at once and may meet another of
        // the failures first, or name the pair in another order: the rule fails either way.
        assertTrue(isMatchingError(wantErr) && isMatchingError(gotErr), wantErr + where);
      } else {
        assertEquals(wantErr, gotErr, "error" + where);
      }
      stats[4]++;
      return;
    }
    List<Value.Sample> a = sorted(want);
    List<Value.Sample> b = sorted(got);
    if (a.size() != b.size()) {
      fail("engine: " + a + "\nstreaming: " + b + where);
    }
    for (int i = 0; i < a.size(); i++) {
      Value.Sample x = a.get(i);
      Value.Sample y = b.get(i);
      if (!x.labels().equals(y.labels())
          || x.timestamp() != y.timestamp()
          || !close(x.value(), y.value())) {
        fail("engine: " + a + "\nstreaming: " + b + where);
      }
    }
    if (!a.isEmpty()) {
      stats[3]++;
    }
    stats[5] += a.size();
  }

  private static final java.util.regex.Pattern SUBQUERY =
      java.util.regex.Pattern.compile("\\[\\d+[smh]:");

  static boolean isMatchingError(String message) {
    return message.startsWith("found duplicate series for the match group")
        || message.startsWith("multiple matches for labels")
        || message.equals("vector cannot contain metrics with the same labelset");
  }

  static List<Value.Sample> sorted(List<Value.Sample> s) {
    List<Value.Sample> out = new ArrayList<>(s);
    out.sort(Comparator.comparing(Value.Sample::labels));
    return out;
  }

  static boolean close(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b)) {
      return Double.isNaN(a) && Double.isNaN(b);
    }
    if (a == b) {
      return true;
    }
    return Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
  }
}
