package io.cardinal.tsdb.head;

import io.cardinal.tsdb.chunk.ChunkMapper;
import io.cardinal.tsdb.chunk.XorIterator;
import io.cardinal.tsdb.query.SampleIterator;
import java.util.Arrays;

/**
 * Iterates a head series' samples within [mint, maxt]. On reset it snapshots, under the series
 * lock, the list of full chunks in range and a copy of the open chunk's bytes, so appends that
 * continue meanwhile (and reuse the open chunk's buffer) cannot disturb it. Reusable across series.
 */
final class HeadSeriesIterator implements SampleIterator {
  private final XorIterator chunkIt = new XorIterator();
  private final ChunkMapper.ChunkBuffer buf = new ChunkMapper.ChunkBuffer();
  private ChunkMapper.ChunkReader mapper;
  private long[] mappedRefs = new long[8];
  private int mappedN;
  private byte[] headBytes = new byte[0];
  private int headLen;
  private long mint;
  private long maxt;
  private int chunk;
  private boolean inChunk;
  private boolean done;
  private boolean hasCur;
  private String error;

  void reset(ChunkMapper mapper, MemSeries s, long mint, long maxt) {
    this.mint = mint;
    this.maxt = maxt;
    mappedN = 0;
    headLen = 0;
    chunk = 0;
    inChunk = false;
    done = false;
    hasCur = false;
    error = null;
    synchronized (s) {
      // Taken under the series lock with the chunk list: every reference below stays readable.
      this.mapper = mapper.snapshot();
      for (int i = 0; i < s.mappedCount; i++) {
        if (s.mappedMaxT(i) >= mint && s.mappedMinT(i) <= maxt) {
          if (mappedN == mappedRefs.length) {
            mappedRefs = Arrays.copyOf(mappedRefs, mappedN * 2);
          }
          mappedRefs[mappedN++] = s.mappedRef(i);
        }
      }
      if (s.hasHeadSamples() && s.headMinT <= maxt && s.lastT >= mint) {
        int len = s.head.byteLength();
        if (headBytes.length < len) {
          headBytes = new byte[Math.max(len, 256)];
        }
        System.arraycopy(s.head.bytes(), 0, headBytes, 0, len);
        headLen = len;
      }
    }
  }

  private boolean openNextChunk() {
    while (true) {
      if (chunk < mappedN) {
        long ref = mappedRefs[chunk++];
        try {
          int len = mapper.read(ref, buf);
          chunkIt.reset(buf.bytes, 0, len);
        } catch (IllegalStateException e) {
          error = e.getMessage();
          return false;
        }
        return true;
      }
      if (chunk == mappedN && headLen > 0) {
        chunk++;
        chunkIt.reset(headBytes, 0, headLen);
        return true;
      }
      return false;
    }
  }

  @Override
  public boolean next() {
    hasCur = advance();
    return hasCur;
  }

  private boolean advance() {
    if (done) {
      return false;
    }
    while (true) {
      if (!inChunk) {
        if (!openNextChunk()) {
          done = true;
          return false;
        }
        inChunk = true;
      }
      if (chunkIt.next()) {
        long t = chunkIt.timestamp();
        if (t < mint) {
          continue;
        }
        if (t > maxt) {
          done = true;
          return false;
        }
        return true;
      }
      if (chunkIt.error() != null) {
        error = chunkIt.error();
        done = true;
        return false;
      }
      inChunk = false;
    }
  }

  @Override
  public boolean seek(long t) {
    if (hasCur && chunkIt.timestamp() >= t) {
      return true;
    }
    while (next()) {
      if (chunkIt.timestamp() >= t) {
        return true;
      }
    }
    return false;
  }

  @Override
  public long timestamp() {
    return chunkIt.timestamp();
  }

  @Override
  public double value() {
    return chunkIt.value();
  }

  @Override
  public String error() {
    return error;
  }
}
