package io.cardinal.tsdb.chunk;

/**
 * Where the head puts full chunks. The head keeps only the chunk it is appending to in its own
 * memory; every completed chunk is handed here and referred to by a 64-bit reference (segment or
 * page number in the upper 32 bits, byte offset in the lower 32, as Prometheus's head chunk
 * references).
 *
 * <p>Implementations: {@link InMemoryChunkMapper} (off-heap pages) and, in the storage module, the
 * memory-mapped {@code chunks_head/} files. All methods are thread-safe.
 */
public interface ChunkMapper extends AutoCloseable {

  /** Stores a completed chunk; returns its reference. */
  long write(long seriesRef, long minT, long maxT, byte encoding, byte[] chunk, int off, int len);

  /**
   * Copies the chunk's bytes into {@code into}, growing it as needed, and returns the length.
   *
   * @throws IllegalStateException if the reference is unknown or was truncated away
   */
  int read(long ref, ChunkBuffer into);

  /**
   * A point-in-time reader: every chunk whose reference was obtained before this call stays
   * readable through it, even if {@link #truncateBefore} releases the chunk meanwhile. Queries take
   * one together with their chunk references, so head truncation cannot pull chunks from under
   * them. The default reads live storage; implementations that release memory override it.
   */
  default ChunkReader snapshot() {
    return this::read;
  }

  /** Reads chunks by reference; see {@link #snapshot()}. */
  @FunctionalInterface
  interface ChunkReader {
    int read(long ref, ChunkBuffer into);
  }

  /** Releases storage whose chunks all end before {@code minT}; a chunk in use stays readable. */
  void truncateBefore(long minT);

  /** Bytes currently held (heap, off-heap or mapped), for memory accounting. */
  long bytesUsed();

  @Override
  void close();

  /** A reusable growable byte buffer, so reading a chunk allocates nothing in steady state. */
  final class ChunkBuffer {
    public byte[] bytes = new byte[256];

    public byte[] ensure(int len) {
      if (bytes.length < len) {
        bytes = new byte[Math.max(len, bytes.length * 2)];
      }
      return bytes;
    }
  }
}
