package io.cardinal.tsdb.query;

/**
 * Iterates encoded chunks of one series in time order. The bytes returned by {@link #bytes()} are
 * valid until the next call to {@link #next()}.
 */
public interface ChunkIterator {
  boolean next();

  long minTime();

  long maxTime();

  byte encoding();

  /**
   * The chunk's encoded bytes (XOR layout including its 2-byte header) at [offset, offset+length).
   */
  byte[] bytes();

  int offset();

  int length();

  /** Null, or why iteration stopped early. */
  default String error() {
    return null;
  }
}
