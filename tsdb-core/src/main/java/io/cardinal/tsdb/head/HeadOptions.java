package io.cardinal.tsdb.head;

import io.cardinal.tsdb.chunk.ChunkMapper;
import io.cardinal.tsdb.chunk.InMemoryChunkMapper;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Head configuration, immutable: each {@code with…} returns a copy. {@link #defaults()} are
 * Prometheus's. The write-ahead log is not an option: storage attaches it once replay is done
 * ({@link HeadRestorer#attachLog}), and {@link #withLog} is for heads that log from the start.
 */
public final class HeadOptions {
  /** Prometheus's block and chunk range: 2h. */
  public static final long DEFAULT_CHUNK_RANGE_MS = 2 * 60 * 60 * 1000L;

  public static final int DEFAULT_SAMPLES_PER_CHUNK = 120;
  public static final int DEFAULT_STRIPE_SIZE = 1 << 14;

  /**
   * Prometheus cuts a chunk at 1 KiB whatever its sample count, so badly compressible series stay
   * small.
   */
  public static final int DEFAULT_MAX_BYTES_PER_CHUNK = 1024;

  /**
   * How far ahead of the clock a sample may be: 10 minutes, what Prometheus allows a scraped sample
   * and Mimir's creation grace period. Well under half the chunk range, so the newest sample the
   * head accepts can never push its appendable window past the present.
   */
  public static final long DEFAULT_MAX_FUTURE_MS = 10 * 60 * 1000L;

  private static final HeadOptions DEFAULTS =
      new HeadOptions(
          DEFAULT_CHUNK_RANGE_MS,
          DEFAULT_SAMPLES_PER_CHUNK,
          DEFAULT_MAX_BYTES_PER_CHUNK,
          0,
          DEFAULT_STRIPE_SIZE,
          LabelHasher.DEFAULT,
          null,
          HeadLog.NONE,
          DEFAULT_MAX_FUTURE_MS,
          System::currentTimeMillis);

  // Package-private and final: the append path reads them without an accessor call.
  final long chunkRangeMs;
  final int samplesPerChunk;
  final int maxBytesPerChunk;
  final long maxSeries;
  final int stripeSize;
  final LabelHasher hasher;
  final ChunkMapper chunkMapper;
  final HeadLog log;
  final long maxFutureMs;
  final LongSupplier clock;

  private HeadOptions(
      long chunkRangeMs,
      int samplesPerChunk,
      int maxBytesPerChunk,
      long maxSeries,
      int stripeSize,
      LabelHasher hasher,
      ChunkMapper chunkMapper,
      HeadLog log,
      long maxFutureMs,
      LongSupplier clock) {
    if (chunkRangeMs <= 0) {
      throw new IllegalArgumentException(
          "chunk range must be positive [chunkRangeMs=" + chunkRangeMs + "]");
    }
    if (samplesPerChunk < 4) {
      throw new IllegalArgumentException(
          "samples per chunk must be >= 4 [samplesPerChunk=" + samplesPerChunk + "]");
    }
    if (maxSeries < 0) {
      throw new IllegalArgumentException("max series must be >= 0 [maxSeries=" + maxSeries + "]");
    }
    if (Integer.bitCount(stripeSize) != 1) {
      throw new IllegalArgumentException(
          "stripe size must be a power of two [stripeSize=" + stripeSize + "]");
    }
    if (hasher == null || log == null || clock == null) {
      throw new IllegalArgumentException("hasher, log and clock must not be null");
    }
    if (maxFutureMs < 0) {
      throw new IllegalArgumentException(
          "future window must be >= 0 [maxFutureMs=" + maxFutureMs + "]");
    }
    this.chunkRangeMs = chunkRangeMs;
    this.samplesPerChunk = samplesPerChunk;
    this.maxBytesPerChunk = maxBytesPerChunk;
    this.maxSeries = maxSeries;
    this.stripeSize = stripeSize;
    this.hasher = hasher;
    this.chunkMapper = chunkMapper;
    this.log = log;
    this.maxFutureMs = maxFutureMs;
    this.clock = clock;
  }

  public static HeadOptions defaults() {
    return DEFAULTS;
  }

  /** Chunks never cross a multiple of this range (2h by default). */
  public HeadOptions withChunkRange(Duration range) {
    return with(c -> c.chunkRangeMs = range.toMillis());
  }

  /** The sample count a chunk aims at (120); Prometheus's cutting rules derive from it. */
  public HeadOptions withSamplesPerChunk(int n) {
    return with(c -> c.samplesPerChunk = n);
  }

  /** The global series limit ({@code --storage.tsdb.head.max-series}); 0 means none. */
  public HeadOptions withMaxSeries(long n) {
    return with(c -> c.maxSeries = n);
  }

  /** Lock stripes for the series map; a power of two. */
  public HeadOptions withStripeSize(int n) {
    return with(c -> c.stripeSize = n);
  }

  /** How series are keyed; tests install colliding hashers. */
  public HeadOptions withHasher(LabelHasher h) {
    return with(c -> c.hasher = h);
  }

  /** Where full chunks go (storage's memory-mapped files); in memory when unset. */
  public HeadOptions withChunkMapper(ChunkMapper m) {
    return with(c -> c.chunkMapper = m);
  }

  /** A log every commit writes to before it becomes visible, from the first commit on. */
  public HeadOptions withLog(HeadLog l) {
    return with(c -> c.log = l);
  }

  public Duration chunkRange() {
    return Duration.ofMillis(chunkRangeMs);
  }

  public long chunkRangeMs() {
    return chunkRangeMs;
  }

  public long maxSeries() {
    return maxSeries;
  }

  ChunkMapper mapperOrDefault() {
    return chunkMapper != null ? chunkMapper : new InMemoryChunkMapper();
  }

  /**
   * Samples later than the clock plus {@code window} are refused as {@link
   * io.cardinal.tsdb.AppendStatus#TOO_FAR_IN_FUTURE} (10 minutes by default; {@link Duration#ZERO}
   * accepts any time). Without a bound one sample from a broken clock, or a timestamp that
   * overflowed, moves the head's newest time to the end of time, and every later sample of every
   * series is then too old to store.
   */
  public HeadOptions withMaxFuture(Duration window) {
    return with(c -> c.maxFutureMs = window.toMillis());
  }

  /**
   * The wall clock in epoch milliseconds that {@link #withMaxFuture} measures against; tests fix
   * it.
   */
  public HeadOptions withClock(LongSupplier clock) {
    return with(c -> c.clock = clock);
  }

  /** {@link #withMaxFuture}'s window; zero when any time is accepted. */
  public Duration maxFuture() {
    return Duration.ofMillis(maxFutureMs);
  }

  /**
   * The latest sample time accepted now: the clock plus the window, or Long.MAX_VALUE without one.
   */
  public long maxValidTime() {
    if (maxFutureMs == 0) {
      return Long.MAX_VALUE;
    }
    long now = clock.getAsLong();
    long bound = now + maxFutureMs;
    return bound < now ? Long.MAX_VALUE : bound;
  }

  /** Every wither is one field changed on a copy; the constructor validates the result. */
  private HeadOptions with(java.util.function.Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return c.build();
  }

  private static final class Copy {
    long chunkRangeMs;
    int samplesPerChunk;
    int maxBytesPerChunk;
    long maxSeries;
    int stripeSize;
    LabelHasher hasher;
    ChunkMapper chunkMapper;
    HeadLog log;
    long maxFutureMs;
    LongSupplier clock;

    Copy(HeadOptions o) {
      chunkRangeMs = o.chunkRangeMs;
      samplesPerChunk = o.samplesPerChunk;
      maxBytesPerChunk = o.maxBytesPerChunk;
      maxSeries = o.maxSeries;
      stripeSize = o.stripeSize;
      hasher = o.hasher;
      chunkMapper = o.chunkMapper;
      log = o.log;
      maxFutureMs = o.maxFutureMs;
      clock = o.clock;
    }

    HeadOptions build() {
      return new HeadOptions(
          chunkRangeMs,
          samplesPerChunk,
          maxBytesPerChunk,
          maxSeries,
          stripeSize,
          hasher,
          chunkMapper,
          log,
          maxFutureMs,
          clock);
    }
  }
}
