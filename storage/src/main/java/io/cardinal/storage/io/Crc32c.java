package io.cardinal.storage.io;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C of a section, the checksum every Cardinal file format stores after its sections. One
 * instance per thread is reused so hot paths (chunk writes and reads) do not allocate.
 */
public final class Crc32c {
  private static final ThreadLocal<CRC32C> CRC = ThreadLocal.withInitial(CRC32C::new);

  private Crc32c() {}

  /** Checksum of {@code b[off, off+len)}. */
  public static int of(byte[] b, int off, int len) {
    CRC32C c = CRC.get();
    c.reset();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  /**
   * Checksum of the buffer's bytes from position to limit; the buffer's position moves to its
   * limit.
   */
  public static int of(ByteBuffer b) {
    CRC32C c = CRC.get();
    c.reset();
    c.update(b);
    return (int) c.getValue();
  }
}
