package io.cardinal.tsdb.head;

import io.cardinal.tsdb.chunk.ChunkEncoding;
import io.cardinal.tsdb.chunk.ChunkMapper;
import io.cardinal.tsdb.chunk.XorChunk;
import io.cardinal.tsdb.chunk.XorIterator;
import io.cardinal.tsdb.query.ChunkIterator;
import java.util.Arrays;

/**
 * A head series' chunks within [mint, maxt], for writing blocks. Chunks wholly inside the range are
 * passed through byte for byte; a chunk that straddles a boundary is re-encoded with only the
 * samples inside (head chunks never cross a chunk-range boundary, so with aligned block ranges this
 * never happens). Snapshots the chunk list under the series lock, like {@link HeadSeriesIterator}.
 */
final class HeadChunkIterator implements ChunkIterator {
  private final ChunkMapper.ChunkBuffer buf = new ChunkMapper.ChunkBuffer();
  private final XorIterator decoder = new XorIterator();
  private final XorChunk recoded = new XorChunk(256);
  private ChunkMapper.ChunkReader reader;
  private long[] metas = new long[3 * 8];
  private int n;
  private byte[] headBytes = new byte[0];
  private int headLen;
  private long headMinT;
  private long headMaxT;
  private long mint;
  private long maxt;
  private int i;
  private byte[] cur;
  private int curLen;
  private long curMin;
  private long curMax;
  private String error;

  void reset(ChunkMapper mapper, MemSeries s, long mint, long maxt) {
    this.mint = mint;
    this.maxt = maxt;
    n = 0;
    i = 0;
    headLen = 0;
    error = null;
    synchronized (s) {
      reader = mapper.snapshot();
      for (int k = 0; k < s.mappedCount; k++) {
        if (s.mappedMaxT(k) >= mint && s.mappedMinT(k) <= maxt) {
          if ((n + 1) * 3 > metas.length) {
            metas = Arrays.copyOf(metas, metas.length * 2);
          }
          metas[3 * n] = s.mappedRef(k);
          metas[3 * n + 1] = s.mappedMinT(k);
          metas[3 * n + 2] = s.mappedMaxT(k);
          n++;
        }
      }
      if (s.hasHeadSamples() && s.headMinT <= maxt && s.lastT >= mint) {
        int len = s.head.byteLength();
        if (headBytes.length < len) {
          headBytes = new byte[Math.max(256, len)];
        }
        System.arraycopy(s.head.bytes(), 0, headBytes, 0, len);
        headLen = len;
        headMinT = s.headMinT;
        headMaxT = s.lastT;
      }
    }
  }

  @Override
  public boolean next() {
    while (true) {
      byte[] b;
      int len;
      long lo;
      long hi;
      if (i < n) {
        try {
          len = reader.read(metas[3 * i], buf);
        } catch (IllegalStateException e) {
          error = e.getMessage();
          return false;
        }
        b = buf.bytes;
        lo = metas[3 * i + 1];
        hi = metas[3 * i + 2];
        i++;
      } else if (i == n && headLen > 0) {
        b = headBytes;
        len = headLen;
        lo = headMinT;
        hi = headMaxT;
        i++;
      } else {
        return false;
      }
      if (lo >= mint && hi <= maxt) {
        cur = b;
        curLen = len;
        curMin = lo;
        curMax = hi;
        return true;
      }
      if (recode(b, len)) {
        return true;
      }
      if (error != null) {
        return false;
      }
    }
  }

  private boolean recode(byte[] b, int len) {
    recoded.reset();
    decoder.reset(b, 0, len);
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    while (decoder.next()) {
      long t = decoder.timestamp();
      if (t < mint || t > maxt) {
        continue;
      }
      recoded.append(t, decoder.value());
      lo = Math.min(lo, t);
      hi = t;
    }
    if (decoder.error() != null) {
      error = decoder.error();
      return false;
    }
    if (recoded.numSamples() == 0) {
      return false;
    }
    cur = recoded.bytes();
    curLen = recoded.byteLength();
    curMin = lo;
    curMax = hi;
    return true;
  }

  @Override
  public long minTime() {
    return curMin;
  }

  @Override
  public long maxTime() {
    return curMax;
  }

  @Override
  public byte encoding() {
    return ChunkEncoding.XOR;
  }

  @Override
  public byte[] bytes() {
    return cur;
  }

  @Override
  public int offset() {
    return 0;
  }

  @Override
  public int length() {
    return curLen;
  }

  @Override
  public String error() {
    return error;
  }
}
