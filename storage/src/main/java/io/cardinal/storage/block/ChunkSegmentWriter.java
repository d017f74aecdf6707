package io.cardinal.storage.block;

import io.cardinal.storage.io.Varints;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Writes a block's {@code chunks/} directory: segment files {@code 000001}, {@code 000002}, ... of
 * at most 512 MiB, each {@code magic 0x85BD40DD <4B> | version 1 <1B> | padding <3B>} followed by
 * chunks {@code len <uvarint> | encoding <1B> | data | CRC32C(encoding, data) <4B>}. A chunk
 * reference is {@code segment index (0-based) << 32 | offset in the file}.
 */
final class ChunkSegmentWriter implements Closeable {
  public static final int MAGIC = 0x85BD40DD;
  public static final int HEADER_SIZE = 8;
  public static final long DEFAULT_SEGMENT_SIZE = 512L << 20;

  private final Path dir;
  private final long segmentSize;
  private final CRC32C crc = new CRC32C();
  private final byte[] scratch = new byte[16];
  private OutputStream out;
  private FileChannel channel;
  private int seq = -1;
  private long pos;
  private long totalBytes;

  public ChunkSegmentWriter(Path dir) throws IOException {
    this(dir, DEFAULT_SEGMENT_SIZE);
  }

  public ChunkSegmentWriter(Path dir, long segmentSize) throws IOException {
    this.dir = dir;
    this.segmentSize = segmentSize;
    Files.createDirectories(dir);
  }

  /** Segment file name for a 0-based index: 000001 for 0, as Prometheus names them. */
  public static String segmentName(int index) {
    return String.format("%06d", index + 1);
  }

  /** Writes one chunk and returns its reference. */
  public long write(byte encoding, byte[] data, int off, int len) throws IOException {
    int lenBytes = Varints.putUvarint(scratch, 0, len);
    long size = lenBytes + 1L + len + 4;
    if (out == null || pos + size > segmentSize && pos > HEADER_SIZE) {
      cut();
    }
    long ref = ((long) seq << 32) | pos;
    out.write(scratch, 0, lenBytes);
    out.write(encoding);
    out.write(data, off, len);
    crc.reset();
    crc.update(encoding);
    crc.update(data, off, len);
    int sum = (int) crc.getValue();
    scratch[0] = (byte) (sum >>> 24);
    scratch[1] = (byte) (sum >>> 16);
    scratch[2] = (byte) (sum >>> 8);
    scratch[3] = (byte) sum;
    out.write(scratch, 0, 4);
    pos += size;
    totalBytes += size;
    return ref;
  }

  public long bytesWritten() {
    return totalBytes;
  }

  private void cut() throws IOException {
    finishSegment();
    seq++;
    Path p = dir.resolve(segmentName(seq));
    channel = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16);
    out.write(
        new byte[] {
          (byte) (MAGIC >>> 24),
          (byte) (MAGIC >>> 16),
          (byte) (MAGIC >>> 8),
          (byte) MAGIC,
          1,
          0,
          0,
          0
        });
    pos = HEADER_SIZE;
    totalBytes += HEADER_SIZE;
  }

  private void finishSegment() throws IOException {
    if (out != null) {
      out.flush();
      channel.force(true);
      out.close();
      out = null;
      channel = null;
    }
  }

  @Override
  public void close() throws IOException {
    finishSegment();
  }
}
