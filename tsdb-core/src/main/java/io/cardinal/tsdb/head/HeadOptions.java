package io.cardinal.tsdb.head;

import io.cardinal.tsdb.chunk.ChunkMapper;
import io.cardinal.tsdb.chunk.InMemoryChunkMapper;

/** Head configuration; Prometheus's defaults. */
public final class HeadOptions {
  /** Prometheus's block and chunk range: 2h. */
  public static final long DEFAULT_CHUNK_RANGE_MS = 2 * 60 * 60 * 1000L;
  public static final int DEFAULT_SAMPLES_PER_CHUNK = 120;
  public static final int DEFAULT_STRIPE_SIZE = 1 << 14;

  long chunkRangeMs = DEFAULT_CHUNK_RANGE_MS;
  int samplesPerChunk = DEFAULT_SAMPLES_PER_CHUNK;
  int maxBytesPerChunk = 1024;
  long maxSeries;
  int stripeSize = DEFAULT_STRIPE_SIZE;
  LabelHasher hasher = LabelHasher.DEFAULT;
  ChunkMapper chunkMapper;
  HeadLog log = HeadLog.NONE;

  public static HeadOptions defaults() {
    return new HeadOptions();
  }

  /** Chunks never cross a multiple of this range (2h by default). */
  public HeadOptions chunkRange(long ms) {
    if (ms <= 0) {
      throw new IllegalArgumentException("chunk range must be positive");
    }
    this.chunkRangeMs = ms;
    return this;
  }

  public HeadOptions samplesPerChunk(int n) {
    if (n < 4) {
      throw new IllegalArgumentException("samples per chunk must be >= 4");
    }
    this.samplesPerChunk = n;
    return this;
  }

  /** The global series limit (--storage.tsdb.head.max-series); 0 means none. */
  public HeadOptions maxSeries(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("max series must be >= 0");
    }
    this.maxSeries = n;
    return this;
  }

  /** Lock stripes for the series map; a power of two. */
  public HeadOptions stripeSize(int n) {
    if (Integer.bitCount(n) != 1) {
      throw new IllegalArgumentException("stripe size must be a power of two");
    }
    this.stripeSize = n;
    return this;
  }

  public HeadOptions hasher(LabelHasher h) {
    this.hasher = h;
    return this;
  }

  public HeadOptions chunkMapper(ChunkMapper m) {
    this.chunkMapper = m;
    return this;
  }

  public HeadOptions log(HeadLog l) {
    this.log = l;
    return this;
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
}
