package io.cardinal.tsdb.chunk;

/** Chunk encodings with Prometheus's numeric values (chunkenc.Encoding). */
public final class ChunkEncoding {
  private ChunkEncoding() {}

  public static final byte NONE = 0;
  public static final byte XOR = 1;
  public static final byte HISTOGRAM = 2;
  public static final byte FLOAT_HISTOGRAM = 3;
}
