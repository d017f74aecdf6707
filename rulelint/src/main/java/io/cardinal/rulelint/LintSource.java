package io.cardinal.rulelint;

import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.tsdb.labels.Labels;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What the checks ask of a server: its series, labels and samples, PromQL results, and the scrape
 * and retention settings behind them. {@link DatabaseSource} answers in process from a {@code
 * Cardinal}; {@link HttpSource} over any Prometheus-compatible HTTP API. All times are Unix
 * milliseconds; matchers are as a selector writes them (the metric name as a {@code __name__}
 * matcher), and at least one of them must not match the empty string.
 */
public interface LintSource extends AutoCloseable {

  /** One element of an instant vector. */
  record Sample(Labels labels, double value) {
    public Sample {
      Objects.requireNonNull(labels, "labels");
    }
  }

  /** One series of a range query: a value at each step where it has one, oldest first. */
  record Series(Labels labels, long[] timestamps, double[] values) {
    public Series {
      Objects.requireNonNull(labels, "labels");
      if (timestamps.length != values.length) {
        throw new IllegalArgumentException("timestamps and values differ in length");
      }
    }
  }

  /** The label sets of the series that have a sample in [mint, maxt]. */
  List<Labels> series(List<LabelMatcher> matchers, long mint, long maxt) throws LintSourceException;

  /**
   * The label names, {@code __name__} included, of the series that have a sample in [mint, maxt].
   */
  List<String> labelNames(List<LabelMatcher> matchers, long mint, long maxt)
      throws LintSourceException;

  /** The values of label {@code name} on the series that have a sample in [mint, maxt]. */
  List<String> labelValues(String name, List<LabelMatcher> matchers, long mint, long maxt)
      throws LintSourceException;

  /**
   * The time of the newest sample in [mint, maxt] of any matching series, stale markers left out;
   * empty when there is none.
   */
  OptionalLong lastSampleTime(List<LabelMatcher> matchers, long mint, long maxt)
      throws LintSourceException;

  /**
   * The typical (median) distance between consecutive samples of a few matching series in [mint,
   * maxt]; empty when no series has two samples there.
   */
  OptionalLong sampleIntervalMs(List<LabelMatcher> matchers, long mint, long maxt)
      throws LintSourceException;

  /**
   * Evaluates {@code expr} at one instant; a scalar comes back as one sample without labels.
   *
   * @throws LintSourceException of kind {@link LintSourceException.Kind#QUERY} when the expression
   *     fails to evaluate
   */
  List<Sample> query(String expr, long timeMs) throws LintSourceException;

  /** Evaluates {@code expr} at {@code start}, {@code start + step}, ... up to {@code end}. */
  List<Series> queryRange(String expr, long startMs, long endMs, long stepMs)
      throws LintSourceException;

  /** The scrape interval of the targets of {@code job}; empty when the source does not know. */
  OptionalLong scrapeIntervalMs(String job) throws LintSourceException;

  /** The default rule evaluation interval; empty when the source does not know. */
  OptionalLong evaluationIntervalMs() throws LintSourceException;

  /** The time of the oldest sample held; empty when the source does not know or holds none. */
  OptionalLong oldestSampleTime() throws LintSourceException;

  /** How long data is kept; empty when the source does not know. */
  OptionalLong retentionMs() throws LintSourceException;

  /** Releases what the source holds (an HTTP client; never the database it was given). */
  @Override
  default void close() {}
}
