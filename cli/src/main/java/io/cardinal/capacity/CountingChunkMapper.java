package io.cardinal.capacity;

import io.cardinal.tsdb.chunk.ChunkMapper;
import io.cardinal.tsdb.chunk.InMemoryChunkMapper;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A chunk mapper for the calibration run: keeps full chunks off-heap like the in-memory mapper and
 * counts the bytes they would take in the server's memory-mapped {@code chunks_head/} files
 * (docs/format/head_chunks.md: series ref, mint, maxt, encoding, length, data, CRC32C). The
 * in-memory mapper's own figure counts whole 4 MiB pages, too coarse to take a slope from.
 */
final class CountingChunkMapper implements ChunkMapper {
  /**
   * series ref 8 + mint 8 + maxt 8 + encoding 1 + CRC32C 4; the length uvarint is added per chunk.
   */
  static final int HEAD_CHUNK_OVERHEAD = 29;

  private final InMemoryChunkMapper delegate = new InMemoryChunkMapper();
  private final AtomicLong bytes = new AtomicLong();

  @Override
  public long write(
      long seriesRef, long minT, long maxT, byte encoding, byte[] chunk, int off, int len) {
    bytes.addAndGet(HEAD_CHUNK_OVERHEAD + uvarintSize(len) + len);
    return delegate.write(seriesRef, minT, maxT, encoding, chunk, off, len);
  }

  private static int uvarintSize(int v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  @Override
  public int read(long ref, ChunkBuffer into) {
    return delegate.read(ref, into);
  }

  @Override
  public ChunkReader snapshot() {
    return delegate.snapshot();
  }

  @Override
  public void truncateBefore(long minT) {
    delegate.truncateBefore(minT);
  }

  /** Bytes of the chunks as head chunk files hold them. */
  @Override
  public long bytesUsed() {
    return bytes.get();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
