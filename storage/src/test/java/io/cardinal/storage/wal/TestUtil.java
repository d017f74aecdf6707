package io.cardinal.storage.wal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

final class TestUtil {

  private TestUtil() {}

  /**
   * Bitwise CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), independent of java.util.zip.
   */
  static int crc32c(byte[] data, int off, int len) {
    int crc = 0xffffffff;
    for (int i = off; i < off + len; i++) {
      crc ^= data[i] & 0xff;
      for (int k = 0; k < 8; k++) {
        crc = (crc >>> 1) ^ ((crc & 1) != 0 ? 0x82F63B78 : 0);
      }
    }
    return ~crc;
  }

  static byte[] resource(String name) {
    try (InputStream in = TestUtil.class.getResourceAsStream("/wal/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Record position as the reader reports it. */
  record Pos(int segment, long start, long end, byte[] data) {}

  static List<Pos> readAll(SegmentRange... ranges) throws IOException {
    List<Pos> out = new ArrayList<>();
    try (WalReader r = WalReader.open(ranges)) {
      while (r.next()) {
        ByteBuffer b = r.record();
        byte[] d = new byte[b.remaining()];
        b.get(d);
        out.add(new Pos(r.segment(), r.recordStartOffset(), r.recordEndOffset(), d));
      }
    }
    return out;
  }

  static List<byte[]> readAllData(Path dir) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (Pos p : readAll(SegmentRange.all(dir))) {
      out.add(p.data());
    }
    return out;
  }
}
