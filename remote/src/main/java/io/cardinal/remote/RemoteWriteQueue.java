package io.cardinal.remote;

import io.cardinal.config.Config.QueueConfig;
import io.cardinal.config.Config.RemoteWriteConfig;
import io.cardinal.config.Config.TlsConfig;
import io.cardinal.config.HttpAuth;
import io.cardinal.config.Relabeler;
import io.cardinal.remote.prompb.Prompb;
import io.cardinal.storage.wal.Checkpoint;
import io.cardinal.storage.wal.Segments;
import io.cardinal.storage.wal.WalReplay;
import io.cardinal.storage.wal.WalWatcher;
import io.cardinal.storage.wal.record.LabelPairs;
import io.cardinal.storage.wal.record.RecordDecoder;
import io.cardinal.storage.wal.record.RecordType;
import io.cardinal.storage.wal.record.RefSeries;
import io.cardinal.storage.wal.record.SampleBatch;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code remote_write} destination: a WAL watcher thread that follows the database's WAL from
 * the position it had when the queue started, and shards that batch and send the samples it reads.
 *
 * <h2>Reading</h2>
 *
 * At start the watcher reads the newest checkpoint and every segment after it for their series
 * records only (samples referenced later need their series' labels), up to the end of the WAL: that
 * is the start position. From there it reads series and samples as the database commits them
 * ({@link WalWatcher}). Each series' labels get the external labels it lacks, then {@code
 * write_relabel_configs}; a series dropped by relabelling has its samples counted as dropped
 * ({@code dropped_series}). Nothing is read faster than it can be queued: when the shards are full
 * the watcher waits, and the samples wait in the WAL, so an endpoint that is down loses nothing
 * that was committed while it was down (as long as WAL truncation does not delete segments the
 * watcher has not reached: see remote.md).
 *
 * <h2>Sending</h2>
 *
 * Samples are spread over shards by series (a series always goes to the same shard, so its samples
 * are sent in order). A shard sends when it has {@code max_samples_per_send} samples or its oldest
 * sample has waited {@code batch_send_deadline}. Answers: 2xx delivered; 5xx, network errors and
 * (with {@code retry_on_http_429}) 429 are retried with exponential backoff from {@code
 * min_backoff} to {@code max_backoff} (or the server's {@code Retry-After}) until they succeed; any
 * other status gives the batch up, counted by reason. While a batch is retried its shard sends
 * nothing else, and the watcher stops reading once the shard is full.
 *
 * <p>The number of shards starts at {@code min_shards} and is re-evaluated every {@link
 * #reshardIntervalMs}: doubled (up to {@code max_shards}) while the shards are busy sending most of
 * the time or more than half full, halved (down to {@code min_shards}) while they are mostly idle,
 * never while sends are failing. Resharding drains the old shards first, so per-series order is
 * kept.
 */
public final class RemoteWriteQueue implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemoteWriteQueue.class);
  static final String USER_AGENT = "Cardinal/" + io.cardinal.scrape.BuildInfo.VERSION;

  private final RemoteWriteConfig config;
  private final QueueConfig qc;
  private final Labels externalLabels;
  private final Path walDir;
  private final QueueMetrics metrics;
  private final AtomicLong highestIn;
  private final HttpClient client;
  private final URI uri;
  private final LongSupplier clock;
  private final Thread watcher;
  private volatile boolean closing;
  private volatile long flushDeadlineNanos = Long.MAX_VALUE;

  /** How often the shard count is re-evaluated. */
  volatile long reshardIntervalMs = 10_000;

  /** How long the watcher sleeps when the WAL has nothing new. */
  volatile long pollIntervalMs = 20;

  // Watcher state (watcher thread only).
  private final Map<Long, SeriesRef> series = new HashMap<>();
  private final RecordDecoder decoder = new RecordDecoder();
  private final SampleBatch samples = new SampleBatch(1024);
  private final List<RefSeries> refSeries = new ArrayList<>();
  private int lastCheckpoint = -1;
  private int pendingGc = -1;
  private boolean reloadCheckpoint;
  private boolean caughtUp;
  private Shard[] shards = new Shard[0];
  private long lastReshardNanos = System.nanoTime();
  private long lastCheckpointCheckNanos;

  /** Set when the queue has read the WAL up to where it was at start; samples after it are sent. */
  private volatile boolean started;

  private volatile int startSegment = -1;
  private volatile long startOffset = -1;

  /** Nanos of the last recoverable send failure (no resharding shortly after one). */
  private volatile long lastRecoverableFailureNanos;

  /** A series as this queue sends it. */
  static final class SeriesRef {
    final Labels labels;
    final List<Prompb.Label> pb;
    final int shardHash;
    int seenSegment;

    SeriesRef(Labels labels, int seenSegment) {
      this.labels = labels;
      this.seenSegment = seenSegment;
      if (labels == null) {
        pb = null;
        shardHash = 0;
      } else {
        List<Prompb.Label> l = new ArrayList<>(labels.size());
        for (int i = 0; i < labels.size(); i++) {
          l.add(
              Prompb.Label.newBuilder().setName(labels.name(i)).setValue(labels.value(i)).build());
        }
        pb = List.copyOf(l);
        long h = labels.hash64();
        shardHash = (int) (h ^ (h >>> 32)) & Integer.MAX_VALUE;
      }
    }
  }

  RemoteWriteQueue(
      RemoteWriteConfig config,
      Labels externalLabels,
      Path walDir,
      QueueMetrics metrics,
      AtomicLong highestIn,
      LongSupplier clock)
      throws IOException {
    this.config = config;
    this.qc = config.queueConfig();
    this.externalLabels = externalLabels;
    this.walDir = walDir;
    this.metrics = metrics;
    this.highestIn = highestIn;
    this.clock = clock;
    this.uri = URI.create(config.url());
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofMillis(config.remoteTimeoutMs()))
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (uri.getScheme().equals("https") || !config.tlsConfig().equals(TlsConfig.DEFAULT)) {
      b.sslContext(io.cardinal.config.TlsContexts.of(config.tlsConfig()));
      if (!config.tlsConfig().serverName().isEmpty()) {
        javax.net.ssl.SSLParameters p = new javax.net.ssl.SSLParameters();
        p.setServerNames(List.of(new javax.net.ssl.SNIHostName(config.tlsConfig().serverName())));
        b.sslParameters(p);
      }
    }
    this.client = b.build();
    metrics.minShards = qc.minShards();
    metrics.maxShards = qc.maxShards();
    metrics.shardCapacity = qc.capacity();
    this.watcher = new Thread(this::watch, "remote-write-" + config.name());
    this.watcher.setDaemon(true);
  }

  public RemoteWriteConfig config() {
    return config;
  }

  QueueMetrics metrics() {
    return metrics;
  }

  void start() {
    watcher.start();
  }

  /** True once the watcher has read the WAL up to its start position. */
  public boolean started() {
    return started;
  }

  /**
   * The WAL position samples are sent from: {segment, offset}; {-1, -1} before {@link #started()}.
   */
  public long[] startPosition() {
    return new long[] {startSegment, startOffset};
  }

  // ------------------------------------------------------------------ watcher

  private void watch() {
    try {
      readStart();
      if (closing) {
        return;
      }
      reshard(qc.minShards());
      WalWatcher tail = new WalWatcher(walDir, startSegment, startOffset);
      try (tail) {
        caughtUp = true;
        started = true;
        log.info(
            "msg=\"Remote write queue started\" remote_name={} url={} wal_segment={} offset={}",
            config.name(),
            config.url(),
            startSegment,
            startOffset);
        WalWatcher.Listener listener = listener();
        long lastError = 0;
        while (!closing) {
          int n;
          try {
            n = tail.poll(listener, 256);
            afterPoll(tail);
          } catch (IOException e) {
            if (closing) {
              break;
            }
            // The WAL could not be read right now (a file being replaced, ...): say so, wait, go
            // on.
            if (System.nanoTime() - lastError > 60_000_000_000L) {
              lastError = System.nanoTime();
              log.error(
                  "msg=\"Remote write cannot read the WAL; retrying\" remote_name={} err=\"{}\"",
                  config.name(),
                  e.toString());
            }
            n = 0;
            Thread.sleep(1000);
          }
          if (n == 0 && !closing) {
            Thread.sleep(pollIntervalMs);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      log.error(
          "msg=\"Remote write WAL watcher stopped\" remote_name={} err=\"{}\"",
          config.name(),
          e.toString());
    } finally {
      stopShards();
    }
  }

  /** Reads the checkpoint and all segments for their series, up to the current end of the WAL. */
  private void readStart() throws IOException, InterruptedException {
    int first = 0;
    for (int attempt = 0; ; attempt++) {
      try {
        WalReplay.Plan plan = WalReplay.plan(walDir);
        if (plan.checkpoint().isPresent()) {
          readCheckpoint(plan.checkpoint().get());
        }
        first = plan.firstSegment();
        break;
      } catch (IOException e) {
        // A checkpoint deleted while we read it (a newer one replaced it): read the newer one.
        if (attempt >= 5) {
          throw e;
        }
      }
    }
    int[] segs = Files.isDirectory(walDir) ? Segments.list(walDir) : new int[0];
    for (int s : segs) {
      if (s >= first) {
        first = s;
        break;
      }
    }
    WalWatcher tail = new WalWatcher(walDir, first, 0);
    try (tail) {
      WalWatcher.Listener l = listener();
      while (!closing && tail.poll(l, 4096) > 0) {
        // series only while catching up
      }
      startSegment = tail.segment();
      startOffset = tail.offset() == Long.MAX_VALUE ? 0 : tail.offset();
      if (tail.offset() == Long.MAX_VALUE) {
        // The newest segment ends in a corrupt record: start with the next segment.
        startSegment = tail.segment() + 1;
      }
    }
  }

  private void readCheckpoint(Checkpoint.Ref cp) throws IOException {
    WalReplay.readCheckpoint(
        cp,
        (rec, at) -> {
          if (RecordType.of(rec) == RecordType.SERIES) {
            series(rec, cp.index());
          }
        });
    lastCheckpoint = Math.max(lastCheckpoint, cp.index());
  }

  private WalWatcher.Listener listener() {
    return new WalWatcher.Listener() {
      @Override
      public void record(ByteBuffer rec, int segment) throws IOException {
        RecordType type = RecordType.of(rec);
        if (type == RecordType.SERIES) {
          series(rec, segment);
        } else if (type == RecordType.SAMPLES && caughtUp) {
          samples(rec);
        }
      }

      @Override
      public void gap(int from, int to) {
        metrics.walSegmentsSkipped.add(to - from + 1);
        log.error(
            "msg=\"WAL segments were deleted before remote write read them; their samples are not sent\" "
                + "remote_name={} segments={}..{}",
            config.name(),
            from,
            to);
        reloadCheckpoint = true;
      }

      @Override
      public void corrupt(int segment, long offset, String why) {
        metrics.walCorruptRecords.increment();
        log.error(
            "msg=\"Unreadable WAL record skipped by remote write\" remote_name={} segment={} offset={} err=\"{}\"",
            config.name(),
            segment,
            offset,
            why);
      }
    };
  }

  private void series(ByteBuffer rec, int segment) {
    refSeries.clear();
    decoder.series(rec, refSeries);
    for (RefSeries rs : refSeries) {
      SeriesRef cur = series.get(rs.ref());
      if (cur != null) {
        cur.seenSegment = Math.max(cur.seenSegment, segment);
        continue;
      }
      series.put(rs.ref(), new SeriesRef(sendLabels(rs.labels()), segment));
    }
  }

  /**
   * The labels this queue sends for a series: external labels it lacks, then write_relabel_configs.
   */
  private Labels sendLabels(LabelPairs pairs) {
    String[] nv = new String[pairs.size() * 2];
    for (int i = 0; i < pairs.size(); i++) {
      nv[2 * i] = pairs.name(i);
      nv[2 * i + 1] = pairs.value(i);
    }
    Labels l;
    try {
      l = Labels.of(nv);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (!externalLabels.isEmpty()) {
      Labels.Builder b = null;
      for (int i = 0; i < externalLabels.size(); i++) {
        if (!l.has(externalLabels.name(i))) {
          if (b == null) {
            b = l.toBuilder();
          }
          b.set(externalLabels.name(i), externalLabels.value(i));
        }
      }
      if (b != null) {
        l = b.build();
      }
    }
    l = Relabeler.process(l, config.writeRelabelConfigs());
    return l == null || l.isEmpty() ? null : l;
  }

  private void samples(ByteBuffer rec) throws IOException {
    samples.clear();
    decoder.samples(rec, samples);
    long now = clock.getAsLong();
    long minT = qc.sampleAgeLimitMs() > 0 ? now - qc.sampleAgeLimitMs() : Long.MIN_VALUE;
    long maxT = Long.MIN_VALUE;
    for (int i = 0; i < samples.size(); i++) {
      long t = samples.t(i);
      maxT = Math.max(maxT, t);
      SeriesRef s = series.get(samples.ref(i));
      if (s == null) {
        metrics.drop("unknown_series_ref", 1);
        continue;
      }
      if (s.labels == null) {
        metrics.drop("dropped_series", 1);
        continue;
      }
      if (t < minT) {
        metrics.drop("too_old", 1);
        continue;
      }
      if (!enqueue(s, t, samples.v(i))) {
        return;
      }
    }
    if (maxT != Long.MIN_VALUE) {
      highestIn.accumulateAndGet(maxT, Math::max);
    }
  }

  private boolean enqueue(SeriesRef s, long t, double v) throws IOException {
    Shard[] sh = shards;
    try {
      if (!sh[s.shardHash % sh.length].put(s, t, v)) {
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    metrics.pending.incrementAndGet();
    return true;
  }

  private void afterPoll(WalWatcher tail) throws IOException, InterruptedException {
    long now = System.nanoTime();
    if (reloadCheckpoint || now - lastCheckpointCheckNanos > 1_000_000_000L) {
      lastCheckpointCheckNanos = now;
      Optional<Checkpoint.Ref> cp = Optional.empty();
      try {
        cp = Checkpoint.last(walDir);
      } catch (IOException e) {
        // a checkpoint being replaced; next time
      }
      if (cp.isPresent() && (cp.get().index() > lastCheckpoint || reloadCheckpoint)) {
        try {
          readCheckpoint(cp.get());
          pendingGc = cp.get().index();
          reloadCheckpoint = false;
        } catch (IOException e) {
          log.debug(
              "msg=\"checkpoint changed while reading it; retrying\" err=\"{}\"", e.toString());
        }
      }
    }
    // Series the checkpoint did not keep are gone from the head; forget them once the tail is past
    // it.
    if (pendingGc >= 0 && tail.segment() > pendingGc) {
      int cut = pendingGc;
      pendingGc = -1;
      for (Iterator<SeriesRef> it = series.values().iterator(); it.hasNext(); ) {
        if (it.next().seenSegment < cut) {
          it.remove();
        }
      }
    }
    if (now - lastReshardNanos > reshardIntervalMs * 1_000_000L) {
      lastReshardNanos = now;
      int desired = desiredShards();
      metrics.desiredShards.set(desired);
      if (desired != shards.length) {
        reshard(desired);
      }
    }
  }

  /** The shard count the last interval asks for (see the class comment). */
  private int desiredShards() {
    int n = shards.length;
    long busy = 0;
    long queued = 0;
    for (Shard s : shards) {
      busy += s.busyNanos.getAndSet(0);
      queued += s.size();
    }
    if (System.nanoTime() - lastRecoverableFailureNanos < reshardIntervalMs * 1_000_000L) {
      return n;
    }
    double utilization = busy / (double) (reshardIntervalMs * 1_000_000L * Math.max(1, n));
    if (utilization > 0.7 || queued > (long) qc.capacity() * n / 2) {
      return Math.min(qc.maxShards(), Math.max(n + 1, n * 2));
    }
    if (utilization < 0.2 && queued < qc.capacity() / 10) {
      return Math.max(qc.minShards(), (n + 1) / 2);
    }
    return n;
  }

  /** Drains the current shards (their samples are sent, in order) and starts {@code n} new ones. */
  private void reshard(int n) throws InterruptedException {
    Shard[] old = shards;
    for (Shard s : old) {
      s.stop();
    }
    for (Shard s : old) {
      s.thread.join();
    }
    Shard[] next = new Shard[n];
    for (int i = 0; i < n; i++) {
      next[i] = new Shard(i);
    }
    shards = next;
    for (Shard s : next) {
      s.thread.start();
    }
    metrics.shards.set(n);
    metrics.desiredShards.set(n);
    if (old.length > 0) {
      log.info(
          "msg=\"Remote write resharded\" remote_name={} from={} to={}",
          config.name(),
          old.length,
          n);
    }
  }

  private void stopShards() {
    for (Shard s : shards) {
      s.stop();
    }
    for (Shard s : shards) {
      try {
        long left = flushDeadlineNanos - System.nanoTime();
        s.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        if (s.thread.isAlive()) {
          s.thread.interrupt();
          s.thread.join(5_000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Stops reading and sends what is queued for at most {@code flushTimeoutMs}; what is still queued
   * then is counted as dropped ({@code shutdown}).
   */
  public void close(long flushTimeoutMs) {
    flushDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(flushTimeoutMs);
    closing = true;
    watcher.interrupt();
    try {
      watcher.join(flushTimeoutMs + 10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(60_000);
  }

  // ------------------------------------------------------------------ shards

  /** One shard: a bounded FIFO of samples and the thread that batches and sends them. */
  final class Shard {
    final Thread thread;
    final AtomicLong busyNanos = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final SeriesRef[] ser = new SeriesRef[qc.capacity()];
    private final long[] ts = new long[qc.capacity()];
    private final double[] vs = new double[qc.capacity()];
    private final long[] enq = new long[qc.capacity()];
    private int head;
    private int size;
    private boolean stopping;

    Shard(int index) {
      thread = new Thread(this::run, "remote-write-" + config.name() + "-shard-" + index);
      thread.setDaemon(true);
    }

    int size() {
      lock.lock();
      try {
        return size;
      } finally {
        lock.unlock();
      }
    }

    /** Queues a sample, waiting while the shard is full; false when the queue is closing. */
    boolean put(SeriesRef s, long t, double v) throws InterruptedException {
      lock.lock();
      try {
        while (size == ser.length) {
          if (closing) {
            return false;
          }
          notFull.await(100, TimeUnit.MILLISECONDS);
        }
        int i = (head + size) % ser.length;
        ser[i] = s;
        ts[i] = t;
        vs[i] = v;
        enq[i] = System.nanoTime();
        size++;
        if (size == 1 || size >= qc.maxSamplesPerSend()) {
          notEmpty.signal();
        }
        return true;
      } finally {
        lock.unlock();
      }
    }

    void stop() {
      lock.lock();
      try {
        stopping = true;
        notEmpty.signalAll();
      } finally {
        lock.unlock();
      }
    }

    private void run() {
      int max = qc.maxSamplesPerSend();
      SeriesRef[] bs = new SeriesRef[max];
      long[] bt = new long[max];
      double[] bv = new double[max];
      while (true) {
        int n;
        try {
          n = take(bs, bt, bv);
        } catch (InterruptedException e) {
          abandonQueued();
          return;
        }
        if (n == 0) {
          return;
        }
        long t0 = System.nanoTime();
        send(bs, bt, bv, n);
        busyNanos.addAndGet(System.nanoTime() - t0);
        java.util.Arrays.fill(bs, 0, n, null);
        if (Thread.currentThread().isInterrupted()) {
          abandonQueued();
          return;
        }
      }
    }

    /**
     * Takes the next batch: full, or due by batch_send_deadline, or whatever is left when stopping.
     */
    private int take(SeriesRef[] bs, long[] bt, double[] bv) throws InterruptedException {
      lock.lock();
      try {
        while (size == 0) {
          if (stopping) {
            return 0;
          }
          notEmpty.await();
        }
        long deadlineNanos = TimeUnit.MILLISECONDS.toNanos(qc.batchSendDeadlineMs());
        while (size < bs.length && !stopping) {
          long wait = enq[head] + deadlineNanos - System.nanoTime();
          if (wait <= 0) {
            break;
          }
          notEmpty.awaitNanos(wait);
        }
        int n = Math.min(size, bs.length);
        for (int k = 0; k < n; k++) {
          int i = (head + k) % ser.length;
          bs[k] = ser[i];
          bt[k] = ts[i];
          bv[k] = vs[i];
          ser[i] = null;
        }
        head = (head + n) % ser.length;
        size -= n;
        notFull.signalAll();
        return n;
      } finally {
        lock.unlock();
      }
    }

    private void abandonQueued() {
      lock.lock();
      try {
        if (size > 0) {
          metrics.drop("shutdown", size);
          metrics.pending.addAndGet(-size);
          size = 0;
        }
      } finally {
        lock.unlock();
      }
    }
  }

  // ------------------------------------------------------------------ sending

  /** Sends one batch until it is delivered or given up on. */
  private void send(SeriesRef[] bs, long[] bt, double[] bv, int n) {
    Map<SeriesRef, Prompb.TimeSeries.Builder> bySeries = new LinkedHashMap<>();
    long maxT = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      bySeries
          .computeIfAbsent(bs[i], s -> Prompb.TimeSeries.newBuilder().addAllLabels(s.pb))
          .addSamples(Prompb.Sample.newBuilder().setTimestamp(bt[i]).setValue(bv[i]));
      maxT = Math.max(maxT, bt[i]);
    }
    Prompb.WriteRequest.Builder req = Prompb.WriteRequest.newBuilder();
    for (Prompb.TimeSeries.Builder ts : bySeries.values()) {
      req.addTimeseries(ts);
    }
    byte[] body = Snappy.encode(req.build().toByteArray());
    long backoff = qc.minBackoffMs();
    while (true) {
      metrics.requests.increment();
      String failure;
      long retryAfterMs = -1;
      try {
        HttpResponse<String> resp =
            client.send(request(body), HttpResponse.BodyHandlers.ofString());
        int code = resp.statusCode();
        if (code / 100 == 2) {
          metrics.sent(n, maxT);
          metrics.pending.addAndGet(-n);
          return;
        }
        metrics.requestsFailed.increment();
        String msg = firstLine(resp.body());
        if (code / 100 != 5 && !(code == 429 && qc.retryOnHttp429())) {
          metrics.fail("http_" + code, n);
          metrics.pending.addAndGet(-n);
          log.error(
              "msg=\"non-recoverable error while sending remote write; samples dropped\" remote_name={} "
                  + "count={} status={} err=\"{}\"",
              config.name(),
              n,
              code,
              msg);
          return;
        }
        retryAfterMs = retryAfter(resp.headers().firstValue("Retry-After").orElse(null));
        failure = "server returned HTTP status " + code + ": " + msg;
      } catch (IOException e) {
        metrics.requestsFailed.increment();
        failure = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        giveUp(n);
        return;
      }
      lastRecoverableFailureNanos = System.nanoTime();
      // The server's Retry-After wins over the backoff, as in Prometheus.
      long sleep = retryAfterMs >= 0 ? retryAfterMs : backoff;
      if (closing
          && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(sleep) > flushDeadlineNanos) {
        giveUp(n);
        return;
      }
      metrics.samplesRetried.add(n);
      log.warn(
          "msg=\"Failed to send batch, retrying\" remote_name={} count={} backoff_ms={} err=\"{}\"",
          config.name(),
          n,
          sleep,
          failure);
      try {
        Thread.sleep(sleep);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        giveUp(n);
        return;
      }
      backoff = Math.min(backoff * 2, qc.maxBackoffMs());
    }
  }

  private void giveUp(int n) {
    metrics.drop("shutdown", n);
    metrics.pending.addAndGet(-n);
  }

  private HttpRequest request(byte[] body) throws IOException {
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofMillis(config.remoteTimeoutMs()))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Encoding", "snappy")
            .header("Content-Type", "application/x-protobuf")
            .header("User-Agent", USER_AGENT)
            .header("X-Prometheus-Remote-Write-Version", "0.1.0");
    for (Map.Entry<String, String> h : config.headers().entrySet()) {
      rb.header(h.getKey(), h.getValue());
    }
    String auth = HttpAuth.header(config.basicAuth(), config.authorization());
    if (auth != null) {
      rb.header("Authorization", auth);
    }
    return rb.build();
  }

  /** Retry-After in milliseconds (delta seconds only), or -1. */
  static long retryAfter(String v) {
    if (v == null) {
      return -1;
    }
    try {
      long s = Long.parseLong(v.trim());
      return s < 0 ? -1 : s * 1000;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String l = nl < 0 ? s : s.substring(0, nl);
    return l.length() > 512 ? l.substring(0, 512) + "..." : l;
  }
}
