package io.cardinal.scrape;

import io.cardinal.exposition.Summary;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Server-wide scrape counters behind Prometheus's prometheus_target_* metrics. */
public final class ScrapeStats {
  public final LongAdder outOfOrder = new LongAdder();
  public final LongAdder duplicateTimestamp = new LongAdder();
  public final LongAdder outOfBounds = new LongAdder();
  public final LongAdder tooFarInFuture = new LongAdder();
  public final LongAdder exceededSampleLimit = new LongAdder();
  public final LongAdder sampleLimitSkipped = new LongAdder();
  public final LongAdder seriesLimitSkipped = new LongAdder();
  public final LongAdder scrapes = new LongAdder();
  public final LongAdder failedScrapes = new LongAdder();

  /** {@code prometheus_sd_http_failures_total}: failed http_sd refreshes. */
  public final LongAdder httpSdFailures = new LongAdder();

  /** {@code prometheus_sd_dns_lookups_total}. */
  public final LongAdder dnsLookups = new LongAdder();

  /** {@code prometheus_sd_dns_lookup_failures_total}: failed dns_sd refreshes. */
  public final LongAdder dnsLookupFailures = new LongAdder();

  /** Prometheus's quantiles for its scrape summaries, over its ten-minute window. */
  private static final double[] QUANTILES = {0.01, 0.05, 0.5, 0.9, 0.99};

  /**
   * {@code prometheus_target_interval_length_seconds{interval}}: the time between two scrapes of a
   * target, by configured interval.
   */
  public final Map<String, Summary> intervalLength = new ConcurrentHashMap<>();

  /** {@code prometheus_target_sync_length_seconds{scrape_job}}: how long a target sync took. */
  public final Map<String, Summary> syncLength = new ConcurrentHashMap<>();

  static Summary newSummary() {
    return new Summary(600_000, QUANTILES);
  }
}
