package io.cardinal.rulelint;

import io.cardinal.Cardinal;
import io.cardinal.PromQLException;
import io.cardinal.PromQLResult;
import io.cardinal.PromQLValue;
import io.cardinal.config.Config;
import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.storage.block.BlockMeta;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * A lint source over an embedded database and the configuration that fills it: the server lints its
 * rule files with this, and the command line with {@code --data}. Scrape intervals come from {@code
 * scrape_configs} (by job name), the evaluation interval from {@code global}.
 */
public final class DatabaseSource implements LintSource {
  private static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  /** How many series {@link #sampleIntervalMs} looks at. */
  private static final int SPACING_SERIES = 5;

  private final Cardinal db;
  private final Config config;

  /**
   * @param db the database to read; not closed by {@link #close()}
   * @param config the loaded configuration, or null when there is none (then scrape intervals come
   *     from the spacing of stored samples)
   */
  public DatabaseSource(Cardinal db, Config config) {
    this.db = java.util.Objects.requireNonNull(db, "db");
    this.config = config;
  }

  /** A source without a configuration. */
  public DatabaseSource(Cardinal db) {
    this(db, null);
  }

  static Matcher[] toMatchers(List<LabelMatcher> matchers) {
    return LabelMatcher.toMatchers(matchers);
  }

  private static boolean isStale(double v) {
    return Double.doubleToRawLongBits(v) == STALE_NAN_BITS;
  }

  @Override
  public List<Labels> series(List<LabelMatcher> matchers, long mint, long maxt) {
    List<Labels> out = new ArrayList<>();
    try (Querier q = db.querier(mint, maxt)) {
      SeriesSet set = q.select(true, mint, maxt, toMatchers(matchers));
      while (set.next()) {
        out.add(set.at().labels());
      }
    }
    return out;
  }

  @Override
  public List<String> labelNames(List<LabelMatcher> matchers, long mint, long maxt) {
    TreeSet<String> names = new TreeSet<>();
    for (Labels l : series(matchers, mint, maxt)) {
      for (int i = 0; i < l.size(); i++) {
        names.add(l.name(i));
      }
    }
    return new ArrayList<>(names);
  }

  @Override
  public List<String> labelValues(String name, List<LabelMatcher> matchers, long mint, long maxt) {
    TreeSet<String> values = new TreeSet<>();
    for (Labels l : series(matchers, mint, maxt)) {
      String v = l.get(name);
      if (v != null && !v.isEmpty()) {
        values.add(v);
      }
    }
    return new ArrayList<>(values);
  }

  @Override
  public OptionalLong lastSampleTime(List<LabelMatcher> matchers, long mint, long maxt) {
    Matcher[] ms = toMatchers(matchers);
    // Newest first, in growing windows: a metric that stopped yesterday is found without reading
    // the weeks of samples before it.
    long window = 3_600_000;
    long hi = maxt;
    while (hi >= mint) {
      long lo = Math.max(mint, hi - window + 1);
      long best = Long.MIN_VALUE;
      try (Querier q = db.querier(lo, hi)) {
        SeriesSet set = q.select(false, lo, hi, ms);
        SampleIterator it = null;
        while (set.next()) {
          it = set.at().iterator(it);
          if (!it.seek(lo)) {
            continue;
          }
          do {
            long t = it.timestamp();
            if (t > hi) {
              break;
            }
            if (!isStale(it.value()) && t > best) {
              best = t;
            }
          } while (it.next());
        }
      }
      if (best != Long.MIN_VALUE) {
        return OptionalLong.of(best);
      }
      if (lo == mint) {
        break;
      }
      hi = lo - 1;
      window = Math.min(window * 2, 30L * 24 * 3_600_000);
    }
    return OptionalLong.empty();
  }

  @Override
  public OptionalLong sampleIntervalMs(List<LabelMatcher> matchers, long mint, long maxt) {
    List<Long> deltas = new ArrayList<>();
    try (Querier q = db.querier(mint, maxt)) {
      SeriesSet set = q.select(false, mint, maxt, toMatchers(matchers));
      SampleIterator it = null;
      int n = 0;
      while (n < SPACING_SERIES && set.next()) {
        it = set.at().iterator(it);
        if (!it.seek(mint)) {
          continue;
        }
        n++;
        long prev = Long.MIN_VALUE;
        do {
          long t = it.timestamp();
          if (t > maxt) {
            break;
          }
          if (isStale(it.value())) {
            prev = Long.MIN_VALUE;
            continue;
          }
          if (prev != Long.MIN_VALUE && t > prev) {
            deltas.add(t - prev);
          }
          prev = t;
        } while (it.next());
      }
    }
    return median(deltas);
  }

  static OptionalLong median(List<Long> deltas) {
    if (deltas.isEmpty()) {
      return OptionalLong.empty();
    }
    List<Long> sorted = new ArrayList<>(deltas);
    sorted.sort(null);
    return OptionalLong.of(sorted.get(sorted.size() / 2));
  }

  @Override
  public List<Sample> query(String expr, long timeMs) throws LintSourceException {
    PromQLResult r;
    try {
      r = db.query(expr, Instant.ofEpochMilli(timeMs));
    } catch (PromQLException e) {
      throw new LintSourceException(LintSourceException.Kind.QUERY, e.getMessage(), e);
    }
    List<Sample> out = new ArrayList<>();
    PromQLValue v = r.value();
    if (v instanceof PromQLValue.InstantVector vec) {
      for (PromQLValue.Sample s : vec.samples()) {
        out.add(new Sample(s.labels(), s.value()));
      }
    } else if (v instanceof PromQLValue.Scalar s) {
      out.add(new Sample(Labels.EMPTY, s.value()));
    } else {
      throw new LintSourceException(
          LintSourceException.Kind.QUERY,
          "expected an instant vector or a scalar, got a " + v.typeName());
    }
    return out;
  }

  @Override
  public List<Series> queryRange(String expr, long startMs, long endMs, long stepMs)
      throws LintSourceException {
    PromQLResult r;
    try {
      r =
          db.queryRange(
              expr,
              Instant.ofEpochMilli(startMs),
              Instant.ofEpochMilli(endMs),
              Duration.ofMillis(stepMs));
    } catch (PromQLException e) {
      throw new LintSourceException(LintSourceException.Kind.QUERY, e.getMessage(), e);
    }
    List<Series> out = new ArrayList<>();
    for (PromQLValue.Series s : r.matrix()) {
      long[] ts = new long[s.points().size()];
      double[] vs = new double[ts.length];
      for (int i = 0; i < ts.length; i++) {
        ts[i] = s.points().get(i).timestamp().toEpochMilli();
        vs[i] = s.points().get(i).value();
      }
      out.add(new Series(s.labels(), ts, vs));
    }
    return out;
  }

  @Override
  public OptionalLong scrapeIntervalMs(String job) {
    if (config != null) {
      for (Config.ScrapeConfig sc : config.scrapeConfigs()) {
        if (sc.jobName().equals(job)) {
          return OptionalLong.of(sc.scrapeIntervalMs());
        }
      }
    }
    return OptionalLong.empty();
  }

  @Override
  public OptionalLong evaluationIntervalMs() {
    return config == null
        ? OptionalLong.empty()
        : OptionalLong.of(config.global().evaluationIntervalMs());
  }

  @Override
  public OptionalLong oldestSampleTime() {
    long oldest = Long.MAX_VALUE;
    for (BlockMeta m : db.blocks()) {
      oldest = Math.min(oldest, m.minTime);
    }
    var head = db.headStats();
    if (!head.isEmpty()) {
      oldest = Math.min(oldest, head.minTime());
    }
    return oldest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(oldest);
  }

  @Override
  public OptionalLong retentionMs() {
    return OptionalLong.of(db.options().retention().toMillis());
  }
}
