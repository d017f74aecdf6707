package io.cardinal.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.Cardinal;
import io.cardinal.promql.PromQL;
import io.cardinal.promql.engine.Engine;
import io.cardinal.promql.engine.EngineOptions;
import io.cardinal.promql.engine.Value;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.util.List;

/** A database with the runtime observing it, and helpers to write and compare. */
final class Fixture implements AutoCloseable {
  static final double STALE = SimData.STALE;

  final Cardinal db;
  final StreamingRuntime rt;
  final Appender app;
  final Engine engine = new Engine();

  Fixture() {
    this(Cardinal.inMemory());
  }

  Fixture(Cardinal db) {
    this(db, StreamingRuntime.attach(db, EngineOptions.defaults(), 120_000));
  }

  Fixture(Cardinal db, StreamingRuntime rt) {
    this.db = db;
    this.rt = rt;
    this.app = db.appender();
  }

  /** Appends one sample of the series given as name and label pairs, and commits. */
  Fixture add(long t, double v, String... nameAndLabels) {
    app.append(0, labels(nameAndLabels), t, v);
    app.commit();
    return this;
  }

  static Labels labels(String... nameAndLabels) {
    Labels.Builder b = Labels.builder().set(Labels.METRIC_NAME, nameAndLabels[0]);
    for (int i = 1; i + 1 < nameAndLabels.length; i += 2) {
      b.set(nameAndLabels[i], nameAndLabels[i + 1]);
    }
    return b.build();
  }

  List<Value.Sample> engine(String query, long t) {
    Value v = engine.instantQuery(db::querier, PromQL.parse(query), t).value();
    if (v instanceof Value.Scalar s) {
      return List.of(new Value.Sample(Labels.EMPTY, t, s.value()));
    }
    return ((Value.Vector) v).samples();
  }

  /** Evaluates through a fresh handle and the engine, asserts they agree, returns the result. */
  List<Value.Sample> both(StreamingRuntime.Handle h, long t) {
    String q = h.plan().expr().toPromQL();
    assertTrue(h.servesFromState(t), "served from state at " + t);
    List<Value.Sample> got = DifferentialTest.sorted(h.evaluate(t));
    List<Value.Sample> want = DifferentialTest.sorted(engine(q, t));
    assertEquals(want.size(), got.size(), q + " at " + t + ": " + want + " vs " + got);
    for (int i = 0; i < want.size(); i++) {
      assertEquals(want.get(i).labels(), got.get(i).labels(), q);
      assertTrue(
          DifferentialTest.close(want.get(i).value(), got.get(i).value()),
          q + " at " + t + ": " + want + " vs " + got);
    }
    return got;
  }

  @Override
  public void close() {
    rt.close();
    db.close();
  }
}
