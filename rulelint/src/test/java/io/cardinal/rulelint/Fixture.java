package io.cardinal.rulelint;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.config.Config;
import io.cardinal.config.ConfigLoader;
import io.cardinal.rules.GroupSpec;
import io.cardinal.rules.RuleFiles;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongToDoubleFunction;

/** An in-memory database filled with series of regular samples, and rules linted against it. */
final class Fixture implements AutoCloseable {
  static final Instant NOW = Instant.parse("2026-01-10T12:00:00Z");
  static final long NOW_MS = NOW.toEpochMilli();
  static final long MIN = 60_000;

  private record Point(Labels labels, long t, double v) {}

  final Cardinal db =
      Cardinal.inMemory(CardinalOptions.defaults().withCompactionInterval(Duration.ZERO));
  private final List<Point> points = new ArrayList<>();
  private boolean committed;
  Config config;

  static Labels l(String... kv) {
    return Labels.of(kv);
  }

  /** Samples at {@code from}, {@code from + step}, ... up to {@code to}, both relative to now. */
  Fixture series(Labels labels, long fromAgoMs, long toAgoMs, long stepMs, LongToDoubleFunction v) {
    for (long t = NOW_MS - fromAgoMs; t <= NOW_MS - toAgoMs; t += stepMs) {
      points.add(new Point(labels, t, v.applyAsDouble(t)));
    }
    committed = false;
    return this;
  }

  /** A counter growing by one per second from its first sample. */
  Fixture counter(Labels labels, long fromAgoMs, long toAgoMs, long stepMs) {
    long start = NOW_MS - fromAgoMs;
    return series(labels, fromAgoMs, toAgoMs, stepMs, t -> (t - start) / 1000.0);
  }

  Fixture gauge(Labels labels, long fromAgoMs, long toAgoMs, long stepMs, double v) {
    return series(labels, fromAgoMs, toAgoMs, stepMs, t -> v);
  }

  Fixture config(String yaml) throws Exception {
    config = ConfigLoader.parse(yaml);
    return this;
  }

  private void commit() {
    if (committed) {
      return;
    }
    points.sort(Comparator.comparingLong(Point::t));
    Appender app = db.appender();
    for (Point p : points) {
      assertTrue(app.append(0, p.labels(), p.t(), p.v()) > 0, "sample rejected: " + p);
    }
    app.commit();
    points.clear();
    committed = true;
  }

  DatabaseSource source() {
    commit();
    return new DatabaseSource(db, config);
  }

  static List<GroupSpec> rules(String yaml) throws Exception {
    return RuleFiles.parse("rules.yml", yaml);
  }

  static LintOptions options() {
    return LintOptions.defaults().withNow(NOW);
  }

  List<Finding> lint(String rulesYaml) throws Exception {
    return lint(rulesYaml, options());
  }

  List<Finding> lint(String rulesYaml, LintOptions options) throws Exception {
    return new RuleLinter(source(), options).lint(rules(rulesYaml));
  }

  /** Only the findings of one check. */
  static List<Finding> of(List<Finding> findings, String check) {
    List<Finding> out = new ArrayList<>();
    for (Finding f : findings) {
      if (f.check().equals(check)) {
        out.add(f);
      }
    }
    return out;
  }

  /** Only the findings about one rule. */
  static List<Finding> about(List<Finding> findings, String rule) {
    List<Finding> out = new ArrayList<>();
    for (Finding f : findings) {
      if (f.rule().equals(rule)) {
        out.add(f);
      }
    }
    return out;
  }

  /** A group of alerting rules {@code name: expr}, one per line pair. */
  static String alerts(String... nameAndExpr) {
    StringBuilder sb = new StringBuilder("groups:\n- name: g\n  rules:\n");
    for (int i = 0; i < nameAndExpr.length; i += 2) {
      sb.append("  - alert: ")
          .append(nameAndExpr[i])
          .append("\n    expr: '")
          .append(nameAndExpr[i + 1].replace("'", "''"))
          .append("'\n");
    }
    return sb.toString();
  }

  @Override
  public void close() {
    db.close();
  }
}
