package io.cardinal.scrape;

import io.cardinal.Cardinal;
import io.cardinal.config.Config.ScrapeConfig;
import io.cardinal.config.Relabeler;
import io.cardinal.exposition.EntryType;
import io.cardinal.exposition.ExpositionParseException;
import io.cardinal.exposition.ExpositionParser;
import io.cardinal.exposition.ParsedLabels;
import io.cardinal.tsdb.AppendStatus;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.BatchLimits;
import io.cardinal.tsdb.CommitResult;
import io.cardinal.tsdb.labels.Labels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Scrapes one target every scrape_interval and appends what it exposes.
 *
 * <p>Per scrape: fetch, parse, look each sample up in the {@link ScrapeCache} (target labels,
 * honor_labels and metric_relabel_configs are applied only on a miss), append by reference through
 * the loop's one reused {@link Appender} with the job's {@link BatchLimits}, write stale markers
 * for series the target stopped exposing, commit, then append the synthetic report series ({@code
 * up}, {@code scrape_duration_seconds}, ...) through a second appender without limits, so a full
 * sample_limit never hides {@code up}.
 *
 * <p>A failed scrape (connection error, timeout, bad status, body too large, malformed body) rolls
 * back the batch, marks every series of the last good scrape stale and reports {@code up 0};
 * nothing outside this target is affected. Scrapes of one loop never overlap: the executor runs a
 * loop's task serially and {@link #stop} takes the same lock.
 */
public final class ScrapeLoop {
  /** Prometheus's staleness marker: a NaN with this exact bit pattern. */
  public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  public static final double STALE_NAN = Double.longBitsToDouble(STALE_NAN_BITS);

  /** The synthetic series written after every scrape, in order. */
  static final String[] REPORT_NAMES = {
    "up",
    "scrape_duration_seconds",
    "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling",
    "scrape_series_added",
    "cardinal_scrape_samples_skipped_sample_limit",
    "cardinal_scrape_samples_skipped_series_limit"
  };

  /** Entries not exposed for this many scrapes leave the cache. */
  private static final int CACHE_EVICT_AFTER = 10;

  private final Target target;
  private final ScrapeConfig config;
  private final HttpScraper scraper;
  private final HttpScraper.Session session;
  private final Cardinal db;
  private final ScrapeStats stats;

  /**
   * This loop's summary of {@code prometheus_target_interval_length_seconds}, and its last start.
   */
  private final io.cardinal.exposition.Summary intervalLength;

  private long lastStartNanos;

  /** Samples this target offered that were not stored, per {@link AppendStatus} (by ordinal). */
  private final java.util.concurrent.atomic.AtomicLongArray rejected =
      new java.util.concurrent.atomic.AtomicLongArray(AppendStatus.count());

  private final Appender app;
  private final Appender reportApp;
  private final ScrapeCache cache = new ScrapeCache();
  private final Labels[] reportLabels = new Labels[REPORT_NAMES.length];
  private final long[] reportRefs = new long[REPORT_NAMES.length];
  private final Map<String, Metadata> metadata = new ConcurrentHashMap<>();
  private final Labels.Builder builder = Labels.builder();

  private final io.cardinal.exposition.RawSeriesKey key = new io.cardinal.exposition.RawSeriesKey();

  /**
   * Cache entries in the order of the samples of the last good text-format scrape, and the current
   * scrape's. Targets expose their series in the same order every time, so sample i is first tried
   * against entry i: a match skips scanning the label set, hashing and the table lookup.
   */
  private ScrapeCache.Entry[] prevOrder = new ScrapeCache.Entry[0];

  private int prevCount;
  private ScrapeCache.Entry[] curOrder = new ScrapeCache.Entry[0];
  private long iteration;
  private List<ScrapeCache.Entry> previous = new ArrayList<>();
  private List<ScrapeCache.Entry> current = new ArrayList<>();
  private boolean reportWritten;
  private boolean stopped;
  private volatile String forcedError;
  private ScheduledFuture<?> future;

  ScrapeLoop(
      Target target, ScrapeConfig config, HttpScraper scraper, Cardinal db, ScrapeStats stats) {
    this.target = target;
    this.config = config;
    this.scraper = scraper;
    this.session = scraper.newSession();
    this.db = db;
    this.stats = stats;
    this.intervalLength =
        stats.intervalLength.computeIfAbsent(
            io.cardinal.config.Durations.format(config.scrapeIntervalMs()),
            k -> ScrapeStats.newSummary());
    this.app = db.appender();
    this.app.limits(
        new BatchLimits(
            config.sampleLimit(),
            config.labelLimit(),
            config.labelNameLengthLimit(),
            config.labelValueLengthLimit()));
    this.reportApp = db.appender();
    for (int i = 0; i < REPORT_NAMES.length; i++) {
      reportLabels[i] = withTargetLabels(Labels.of(Labels.METRIC_NAME, REPORT_NAMES[i]), false);
    }
  }

  /** Why a scraped sample can be refused by the head, each counted per target. */
  public static final List<AppendStatus> REJECTIONS =
      List.of(
          AppendStatus.OUT_OF_ORDER,
          AppendStatus.DUPLICATE,
          AppendStatus.OUT_OF_BOUNDS,
          AppendStatus.TOO_FAR_IN_FUTURE,
          AppendStatus.SKIPPED_SAMPLE_LIMIT,
          AppendStatus.SKIPPED_SERIES_LIMIT,
          AppendStatus.DROPPED_LABEL_LIMIT,
          AppendStatus.DROPPED_LABEL_NAME_LENGTH,
          AppendStatus.DROPPED_LABEL_VALUE_LENGTH,
          AppendStatus.INVALID_SERIES);

  /** Samples of this target refused for reason {@code st} since the loop started. */
  public long rejected(AppendStatus st) {
    return rejected.get(st.ordinal());
  }

  public Target target() {
    return target;
  }

  /** Metric family metadata from the target's TYPE/HELP/UNIT lines. */
  public Map<String, Metadata> metadata() {
    return metadata;
  }

  /**
   * Starts scraping at Prometheus-style offset: the target's hash spreads targets over the
   * interval.
   */
  synchronized void start(ScheduledExecutorService executor) {
    long interval = config.scrapeIntervalMs();
    long now = System.currentTimeMillis();
    long base = interval - Math.floorMod(now, interval);
    long offset = Long.remainderUnsigned(target.hash(), interval);
    long first = base + offset;
    if (first >= interval) {
      first -= interval;
    }
    future = executor.scheduleAtFixedRate(this::runOnce, first, interval, TimeUnit.MILLISECONDS);
  }

  /** Marks the loop failed without scraping (target_limit exceeded), or clears that with null. */
  void forceError(String error) {
    forcedError = error;
  }

  /** Stops scraping and marks every series of this target stale, including the report series. */
  void stop() {
    if (future != null) {
      future.cancel(false);
    }
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
      session.close();
      long t = System.currentTimeMillis();
      staleAll(t);
      app.commit();
      if (reportWritten) {
        for (int i = 0; i < REPORT_NAMES.length; i++) {
          reportApp.append(reportRefs[i], reportLabels[i], t, STALE_NAN);
        }
        reportApp.commit();
      }
    }
  }

  private void runOnce() {
    try {
      scrapeOnce();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      target.recordFailure(System.currentTimeMillis(), 0, "internal error: " + e);
    }
  }

  /** One scrape; public for tests that drive a loop by hand. */
  synchronized void scrapeOnce() throws InterruptedException {
    if (stopped) {
      return;
    }
    long start = System.currentTimeMillis();
    long startNanos = System.nanoTime();
    if (lastStartNanos != 0) {
      intervalLength.observe((startNanos - lastStartNanos) / 1e9);
    }
    lastStartNanos = startNanos;
    String error = forcedError;
    CommitResult result = null;
    int scraped = 0;
    int postRelabel = 0;
    if (error == null) {
      try {
        HttpScraper.Body body = session.fetch(target.url(), config.scrapeTimeoutMs());
        try {
          iteration++;
          int[] counts = appendBody(body, start);
          scraped = counts[0];
          postRelabel = counts[1];
          result = app.commit();
        } finally {
          session.release(); // the body's buffer is reused by the next scrape of any loop
        }
      } catch (HttpScraper.ScrapeException e) {
        error = e.getMessage();
      } catch (ExpositionParseException e) {
        app.rollback();
        error = e.getMessage();
      }
    }
    long sampleLimitSkipped = 0;
    long seriesLimitSkipped = 0;
    long seriesAdded = 0;
    if (error != null) {
      staleAll(start);
      app.commit();
      stats.failedScrapes.increment();
    } else {
      sampleLimitSkipped = result.count(AppendStatus.SKIPPED_SAMPLE_LIMIT);
      seriesLimitSkipped = result.count(AppendStatus.SKIPPED_SERIES_LIMIT);
      seriesAdded = result.seriesCreated();
      stats.outOfOrder.add(result.count(AppendStatus.OUT_OF_ORDER));
      stats.duplicateTimestamp.add(result.count(AppendStatus.DUPLICATE));
      stats.outOfBounds.add(result.count(AppendStatus.OUT_OF_BOUNDS));
      stats.tooFarInFuture.add(result.count(AppendStatus.TOO_FAR_IN_FUTURE));
      for (AppendStatus st : REJECTIONS) {
        long c = result.count(st);
        if (c > 0) {
          rejected.addAndGet(st.ordinal(), c);
        }
      }
      stats.sampleLimitSkipped.add(sampleLimitSkipped);
      stats.seriesLimitSkipped.add(seriesLimitSkipped);
      if (sampleLimitSkipped > 0) {
        stats.exceededSampleLimit.increment();
      }
      if (iteration % CACHE_EVICT_AFTER == 0) {
        cache.evictBefore(iteration - CACHE_EVICT_AFTER);
      }
    }
    stats.scrapes.increment();
    double duration = (System.nanoTime() - startNanos) / 1e9;
    double[] values = {
      error == null ? 1 : 0,
      duration,
      scraped,
      postRelabel,
      seriesAdded,
      sampleLimitSkipped,
      seriesLimitSkipped
    };
    for (int i = 0; i < values.length; i++) {
      long r = reportApp.append(reportRefs[i], reportLabels[i], start, values[i]);
      if (r > 0) {
        reportRefs[i] = r;
      }
    }
    reportApp.commit();
    reportWritten = true;
    if (error == null) {
      target.recordSuccess(start, duration, postRelabel, sampleLimitSkipped, seriesLimitSkipped);
    } else {
      target.recordFailure(start, duration, error);
    }
  }

  /** Parses and appends one body; returns {scraped, post-relabel} sample counts. */
  private int[] appendBody(HttpScraper.Body body, long ts) throws ExpositionParseException {
    ExpositionParser p =
        ExpositionParser.forContentType(body.contentType(), body.bytes(), 0, body.length());
    p.deferLabels(true); // a cache hit needs only the series bytes, value and timestamp
    boolean ordered = p.format() == io.cardinal.exposition.ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
    ScrapeCache.Entry[] prev = prevOrder;
    int prevN = ordered ? prevCount : 0;
    int scraped = 0;
    int post = 0;
    current.clear();
    while (true) {
      if (scraped < prevN) {
        p.expectSeries(prev[scraped].key);
      }
      EntryType e = p.next();
      if (e == EntryType.EOF) {
        break;
      }
      switch (e) {
        case TYPE -> updateMetadata(p.name(), m -> m.withType(p.metricType().openMetricsName()));
        case HELP -> updateMetadata(p.name(), m -> m.withHelp(p.help()));
        case UNIT -> updateMetadata(p.name(), m -> m.withUnit(p.unit()));
        case SAMPLE -> {
          ScrapeCache.Entry ce = null;
          byte[] kb;
          int ko;
          int kl;
          if (p.seriesMatchedExpectation()) {
            ce = prev[scraped];
            kb = null;
            ko = 0;
            kl = 0;
          } else if (p.seriesOffset() >= 0) {
            kb = p.buffer();
            ko = p.seriesOffset();
            kl = p.seriesLength();
          } else {
            key.fill(p);
            kb = key.bytes();
            ko = 0;
            kl = key.length();
          }
          if (ce == null) {
            long h = ScrapeCache.hash(kb, ko, kl);
            ce = cache.get(h, kb, ko, kl);
            if (ce == null) {
              p.ensureLabels(); // a miss: validate and split the labels (a hit's bytes were
              // validated before)
              ce = cache.put(h, kb, ko, kl, finalLabels(p));
            }
          }
          if (ordered) {
            if (scraped == curOrder.length) {
              curOrder = Arrays.copyOf(curOrder, Math.max(64, scraped * 2));
            }
            curOrder[scraped] = ce;
          }
          scraped++;
          if (ce.labels == null) {
            ce.lastSeen = iteration;
            continue;
          }
          post++;
          boolean explicit = config.honorTimestamps() && p.hasTimestamp();
          long t = explicit ? p.timestampMillis() : ts;
          long r = app.append(ce.ref, ce.labels, t, p.value());
          if (r > 0 && r != ce.ref) {
            ce.ref = r;
            Labels canonical = db.seriesLabels(r);
            if (canonical != null) {
              ce.labels = canonical;
            }
          }
          if (ce.lastSeen != iteration) {
            ce.lastSeen = iteration;
            // track_timestamps_staleness: series with their own timestamps get stale markers too.
            ce.tracked = !explicit || config.transfer().trackTimestampsStaleness();
            if (ce.tracked) {
              current.add(ce);
            }
          }
        }
        default -> {}
      }
    }
    // Series exposed last time and not now get a stale marker. The cache is keyed by the series as
    // exposed, so one series written two ways (label order, blanks) has two entries: an entry not
    // seen
    // is only stale when no entry seen this time has the same reference.
    java.util.Set<Long> seenRefs = null;
    for (ScrapeCache.Entry ce : previous) {
      if (ce.lastSeen != iteration && ce.ref > 0) {
        if (seenRefs == null) {
          seenRefs = new java.util.HashSet<>(current.size() * 2);
          for (ScrapeCache.Entry c : current) {
            seenRefs.add(c.ref);
          }
        }
        if (!seenRefs.contains(ce.ref)) {
          app.append(ce.ref, ce.labels, ts, STALE_NAN);
        }
      }
    }
    List<ScrapeCache.Entry> tmp = previous;
    previous = current;
    current = tmp;
    current.clear();
    // This scrape's order is the next scrape's guess; the old guess is dropped (no stale
    // references).
    Arrays.fill(prevOrder, 0, prevCount, null);
    if (ordered) {
      ScrapeCache.Entry[] t = prevOrder;
      prevOrder = curOrder;
      prevCount = scraped;
      curOrder = t;
    } else {
      prevCount = 0;
    }
    return new int[] {scraped, post};
  }

  private void staleAll(long t) {
    for (ScrapeCache.Entry ce : previous) {
      if (ce.ref > 0) {
        app.append(ce.ref, ce.labels, t, STALE_NAN);
      }
    }
    previous.clear();
  }

  private void updateMetadata(String family, java.util.function.UnaryOperator<Metadata> f) {
    metadata.compute(
        family,
        (k, old) -> {
          Metadata next = f.apply(old == null ? Metadata.EMPTY : old);
          return next.equals(old) ? old : next;
        });
  }

  /** Cache miss: the sample's labels with target labels applied and metric_relabel_configs run. */
  private Labels finalLabels(ExpositionParser p) {
    ParsedLabels l = p.labels();
    String[] pairs = new String[2 + 2 * l.size()];
    pairs[0] = Labels.METRIC_NAME;
    pairs[1] = new String(p.buffer(), p.nameOffset(), p.nameLength(), StandardCharsets.UTF_8);
    for (int i = 0; i < l.size(); i++) {
      pairs[2 + 2 * i] = l.name(i);
      pairs[3 + 2 * i] = l.value(i);
    }
    Labels raw;
    try {
      raw = Labels.of(pairs);
    } catch (IllegalArgumentException e) {
      return null; // duplicate label names: never stored
    }
    Labels lset = withTargetLabels(raw, config.honorLabels());
    lset = Relabeler.process(lset, config.metricRelabelConfigs());
    if (lset == null || lset.isEmpty() || !lset.has(Labels.METRIC_NAME)) {
      return null;
    }
    return lset;
  }

  /**
   * honor_labels true: the scraped value wins and target labels only fill gaps. false: target
   * labels win and a clashing scraped label is kept as {@code exported_<name>} (prefixed again
   * while that is taken).
   */
  private Labels withTargetLabels(Labels scraped, boolean honor) {
    Labels tl = target.labels();
    builder.reset(scraped);
    for (int i = 0; i < tl.size(); i++) {
      String name = tl.name(i);
      String existing = scraped.has(name) ? scraped.get(name) : null;
      if (honor) {
        if (existing == null) {
          builder.set(name, tl.value(i));
        }
        continue;
      }
      if (existing != null) {
        String exported = name;
        do {
          exported = "exported_" + exported;
        } while (scraped.has(exported) || tl.has(exported));
        builder.set(exported, existing);
      }
      builder.set(name, tl.value(i));
    }
    return builder.build();
  }

  @Override
  public String toString() {
    return "ScrapeLoop["
        + target.url()
        + " "
        + Arrays.toString(new String[] {target.labels().toString()})
        + "]";
  }
}
