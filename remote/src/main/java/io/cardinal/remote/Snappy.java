package io.cardinal.remote;

import java.io.IOException;

/**
 * Snappy's block format (not the framed format), which remote write and remote read bodies use,
 * through the xerial binding that storage already uses for the WAL. Decoding checks the declared
 * length against a limit before allocating anything.
 */
public final class Snappy {
  private Snappy() {}

  /** The decoded length is over the limit. */
  public static final class TooLargeException extends IOException {
    TooLargeException(String msg) {
      super(msg);
    }
  }

  public static byte[] encode(byte[] raw) {
    try {
      return org.xerial.snappy.Snappy.compress(raw);
    } catch (IOException e) {
      throw new IllegalStateException("snappy compression failed", e);
    }
  }

  /**
   * Decodes a block; IOException "snappy: corrupt input" (Go's message) for anything that is not
   * one.
   */
  public static byte[] decode(byte[] block, long maxDecodedBytes) throws IOException {
    try {
      if (block.length == 0 || !org.xerial.snappy.Snappy.isValidCompressedBuffer(block)) {
        throw new IOException("snappy: corrupt input");
      }
      int n = org.xerial.snappy.Snappy.uncompressedLength(block);
      if (n < 0 || n > maxDecodedBytes) {
        throw new TooLargeException(
            "decoded body of "
                + Integer.toUnsignedString(n)
                + " bytes exceeds the limit of "
                + maxDecodedBytes
                + " bytes");
      }
      byte[] out = new byte[n];
      int got = org.xerial.snappy.Snappy.uncompress(block, 0, block.length, out, 0);
      if (got != n) {
        throw new IOException("snappy: corrupt input");
      }
      return out;
    } catch (TooLargeException e) {
      throw e;
    } catch (IOException | org.xerial.snappy.SnappyError | IllegalArgumentException e) {
      throw new IOException("snappy: corrupt input", e);
    }
  }
}
