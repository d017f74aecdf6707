package io.cardinal.storage.block;

import java.io.Closeable;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Reads chunks from a block's {@code chunks/} segments, memory-mapped. Every chunk read is checked
 * against its CRC32C; a mismatch or an out-of-range reference names the file and offset.
 */
final class ChunkSegmentReader implements Closeable {
  private final Path[] files;
  private final MappedByteBuffer[] segments;

  public ChunkSegmentReader(Path dir) throws IOException {
    List<Path> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().matches("\\d+")).sorted().forEach(names::add);
    }
    files = names.toArray(new Path[0]);
    segments = new MappedByteBuffer[files.length];
    for (int i = 0; i < files.length; i++) {
      try (FileChannel ch = FileChannel.open(files[i])) {
        long size = ch.size();
        if (size < ChunkSegmentWriter.HEADER_SIZE) {
          throw BlockCorruptionException.at(
              files[i], 0, "chunk segment of " + size + " bytes is shorter than its 8-byte header");
        }
        MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        int magic = m.getInt(0);
        if (magic != ChunkSegmentWriter.MAGIC) {
          throw BlockCorruptionException.at(
              files[i],
              0,
              String.format(
                  "bad chunk segment magic %08x, expected %08x", magic, ChunkSegmentWriter.MAGIC));
        }
        if (m.get(4) != 1) {
          throw BlockCorruptionException.at(
              files[i], 4, "unsupported chunk segment version " + m.get(4));
        }
        segments[i] = m;
      }
    }
  }

  /** A reusable view of one chunk. */
  public static final class Chunk {
    public byte encoding;
    public byte[] data = new byte[256];
    public int length;
    final CRC32C crc = new CRC32C();
  }

  /** Reads the chunk at {@code ref} into {@code into}. */
  public void read(long ref, Chunk into) throws BlockCorruptionException {
    int seg = (int) (ref >>> 32);
    int off = (int) ref;
    if (seg < 0 || seg >= segments.length) {
      throw BlockCorruptionException.at(
          files.length > 0 ? files[0].getParent() : Path.of("chunks"),
          off,
          "chunk reference to segment "
              + seg
              + " but the block has "
              + segments.length
              + " segments");
    }
    MappedByteBuffer m = segments[seg];
    int limit = m.capacity();
    if (off < ChunkSegmentWriter.HEADER_SIZE || off >= limit) {
      throw BlockCorruptionException.at(
          files[seg], off, "chunk offset outside the segment of " + limit + " bytes");
    }
    long len = 0;
    int shift = 0;
    int p = off;
    while (true) {
      if (p >= limit || shift > 28) {
        throw BlockCorruptionException.at(files[seg], off, "truncated or invalid chunk length");
      }
      int b = m.get(p++) & 0xFF;
      len |= (long) (b & 0x7F) << shift;
      if (b < 0x80) {
        break;
      }
      shift += 7;
    }
    if (p + 1 + len + 4 > limit) {
      throw BlockCorruptionException.at(
          files[seg],
          off,
          "chunk of " + len + " bytes runs past the end of the segment (" + limit + " bytes)");
    }
    into.encoding = m.get(p);
    if (into.data.length < len) {
      into.data = new byte[(int) Math.max(len, into.data.length * 2L)];
    }
    m.get(p + 1, into.data, 0, (int) len);
    into.length = (int) len;
    CRC32C crc = into.crc;
    crc.reset();
    crc.update(into.encoding);
    crc.update(into.data, 0, (int) len);
    int stored = m.getInt(p + 1 + (int) len);
    if (stored != (int) crc.getValue()) {
      throw BlockCorruptionException.checksum(
          files[seg], off, "chunk", stored, (int) crc.getValue());
    }
  }

  public int segmentCount() {
    return segments.length;
  }

  @Override
  public void close() {
    // Mappings are released by the garbage collector; nothing to free eagerly.
  }
}
