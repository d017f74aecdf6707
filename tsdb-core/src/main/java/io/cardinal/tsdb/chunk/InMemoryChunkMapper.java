package io.cardinal.tsdb.chunk;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps completed chunks in off-heap pages, for a head without a data directory.
 *
 * <p>Entry layout inside a page: {@code len <uint16 BE>, encoding <1 byte>, data <len bytes>}.
 * Chunks are append-only; {@link #truncateBefore} drops whole pages whose every chunk ends before
 * the cut. Pages are direct buffers released by the garbage collector once no reader holds them: a
 * query's {@link #snapshot()} keeps the pages it may read alive, so a query that started before a
 * truncation still reads valid memory.
 */
public final class InMemoryChunkMapper implements ChunkMapper {
  static final int DEFAULT_PAGE_SIZE = 4 << 20;

  private final int pageSize;
  private final List<Page> pages = new ArrayList<>();
  // Sequence number of pages.get(0); pages are never renumbered, so references stay stable.
  private long firstSeq;
  // Readers take no lock: they read this immutable view, replaced whenever pages come or go.
  private volatile View view = new View(new Page[0], 0);
  private final AtomicLong bytes = new AtomicLong();

  /** An immutable page list: what {@link #snapshot()} hands out. */
  private static final class View implements ChunkReader {
    final Page[] pages;
    final long firstSeq;

    View(Page[] pages, long firstSeq) {
      this.pages = pages;
      this.firstSeq = firstSeq;
    }

    @Override
    public int read(long ref, ChunkBuffer into) {
      long idx = (ref >>> 32) - firstSeq;
      if (idx < 0 || idx >= pages.length) {
        throw new IllegalStateException("unknown chunk reference " + Long.toHexString(ref));
      }
      ByteBuffer b = pages[(int) idx].buf;
      int at = (int) ref;
      int len = ((b.get(at) & 0xFF) << 8) | (b.get(at + 1) & 0xFF);
      byte[] dst = into.ensure(len);
      b.get(at + 3, dst, 0, len);
      return len;
    }
  }

  private static final class Page {
    final ByteBuffer buf;
    long maxT = Long.MIN_VALUE;

    Page(int size) {
      buf = ByteBuffer.allocateDirect(size);
    }
  }

  public InMemoryChunkMapper() {
    this(DEFAULT_PAGE_SIZE);
  }

  public InMemoryChunkMapper(int pageSize) {
    if (pageSize < 1024 || pageSize > (1 << 30)) {
      throw new IllegalArgumentException("page size out of range: " + pageSize);
    }
    this.pageSize = pageSize;
  }

  @Override
  public synchronized long write(
      long seriesRef, long minT, long maxT, byte encoding, byte[] chunk, int off, int len) {
    if (len > 0xFFFF || len + 3 > pageSize) {
      throw new IllegalArgumentException("chunk of " + len + " bytes does not fit a page");
    }
    Page page = pages.isEmpty() ? null : pages.get(pages.size() - 1);
    if (page == null || page.buf.position() + 3 + len > pageSize) {
      page = new Page(pageSize);
      pages.add(page);
      bytes.addAndGet(pageSize);
      publish();
    }
    ByteBuffer b = page.buf;
    int at = b.position();
    b.put((byte) (len >>> 8)).put((byte) len).put(encoding).put(chunk, off, len);
    page.maxT = Math.max(page.maxT, maxT);
    long seq = firstSeq + pages.size() - 1;
    return (seq << 32) | at;
  }

  @Override
  public int read(long ref, ChunkBuffer into) {
    return view.read(ref, into);
  }

  /** The current page list; pages truncated later stay reachable (and alive) through it. */
  @Override
  public ChunkReader snapshot() {
    return view;
  }

  @Override
  public synchronized void truncateBefore(long minT) {
    int drop = 0;
    // The last page is still being filled; never drop it.
    while (drop < pages.size() - 1 && pages.get(drop).maxT < minT) {
      drop++;
    }
    if (drop == 0) {
      return;
    }
    pages.subList(0, drop).clear();
    firstSeq += drop;
    bytes.addAndGet(-(long) drop * pageSize);
    publish();
  }

  private void publish() {
    view = new View(pages.toArray(new Page[0]), firstSeq);
  }

  @Override
  public long bytesUsed() {
    return bytes.get();
  }

  @Override
  public synchronized void close() {
    pages.clear();
    bytes.set(0);
    publish();
  }
}
