package io.cardinal.scrape;

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
}
