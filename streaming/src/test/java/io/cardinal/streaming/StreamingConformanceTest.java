package io.cardinal.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.ValueType;
import io.cardinal.promql.engine.EngineOptions;
import io.cardinal.promql.engine.Value;
import io.cardinal.promql.test.ScriptRunner;
import io.cardinal.testing.Shared;
import io.cardinal.tsdb.head.Head;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Prometheus's own PromQL test scripts, their instant evals answered by the streaming runtime:
 * every eval whose expression is streamable is registered before the script's data is loaded, fed
 * by the loads' commits, and its result compared with the script's expectation (not with our
 * engine).
 */
class StreamingConformanceTest {

  /** Keeps every sample: evaluations in the scripts reach back hours behind the newest data. */
  static final long GRACE_MS = Long.MAX_VALUE / 8;

  static final class Evaluator implements ScriptRunner.InstantEvaluator {
    final EngineOptions options = EngineOptions.defaults().withLookbackDelta(Duration.ofMinutes(5));
    StreamingRuntime rt;
    final Map<String, StreamingRuntime.Handle> handles = new HashMap<>();
    int fellBack;

    @Override
    public void segment(Head head, List<Expr> exprs) {
      close();
      rt = new StreamingRuntime(head::querier, head::labelsOf, head::maxTime, options, GRACE_MS, 0);
      head.setCommitObserver(rt);
      for (Expr e : exprs) {
        Plan p = rt.plan(e);
        if (p.streamable()) {
          handles.computeIfAbsent(e.toPromQL(), k -> rt.register(p));
        }
      }
    }

    @Override
    public Value evaluate(Expr expr, long t) {
      StreamingRuntime.Handle h = rt == null ? null : handles.get(expr.toPromQL());
      if (h == null) {
        return null;
      }
      if (!h.servesFromState(t)) {
        fellBack++;
        return null;
      }
      List<Value.Sample> out = h.evaluate(t);
      if (expr.type() == ValueType.SCALAR) {
        return new Value.Scalar(t, out.get(0).value());
      }
      return new Value.Vector(out);
    }

    void close() {
      if (rt != null) {
        rt.close();
      }
      handles.clear();
    }
  }

  @Test
  void scriptsThroughTheStreamingPath() throws IOException {
    Path dir = Shared.require("conformance/promql");
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".test")).sorted().toList();
    }
    int passed = 0;
    int notTaken = 0;
    int fellBack = 0;
    int engineAlsoFails = 0;
    List<String> failures = new ArrayList<>();
    StringBuilder table =
        new StringBuilder("| file | streamed evals passed | failed |\n|---|--:|--:|\n");
    for (Path f : files) {
      Evaluator ev = new Evaluator();
      ScriptRunner runner = new ScriptRunner(ScriptRunner.defaultEngine(), ev);
      ScriptRunner.Report r = runner.run(f.getFileName().toString(), Files.readAllLines(f));
      ev.close();
      passed += r.passed;
      notTaken += r.skipped.getOrDefault(ScriptRunner.SKIP_NOT_TAKEN, 0);
      fellBack += ev.fellBack;
      if (!r.failures.isEmpty()) {
        // Evals the engine itself fails (features it does not have yet, such as start
        // timestamps) are not the streaming path's to pass.
        Set<String> engineFails = new HashSet<>();
        for (String failure :
            new ScriptRunner(ScriptRunner.defaultEngine())
                .run(f.getFileName().toString(), Files.readAllLines(f))
                .failures) {
          engineFails.add(failure.substring(0, failure.indexOf(':')));
        }
        for (String failure : r.failures) {
          if (engineFails.contains(failure.substring(0, failure.indexOf(':')))) {
            engineAlsoFails++;
          } else {
            failures.add(f.getFileName() + " " + failure);
          }
        }
      }
      if (r.passed + r.failed > 0) {
        table.append("| ").append(f.getFileName()).append(" | ").append(r.passed);
        table.append(" | ").append(r.failed).append(" |\n");
      }
    }
    System.out.print(table);
    System.out.printf(
        "promqltest through streaming: %d evals streamed and passed, %d failed, %d failed by the"
            + " engine too, %d not streamable%n",
        passed, failures.size(), engineAlsoFails, notTaken);
    failures.forEach(System.out::println);
    assertEquals(0, fellBack, "every streamed eval is served from state");
    assertEquals(List.of(), failures);
    assertTrue(passed > 300, "too few streamed evals: " + passed);
  }
}
