package io.cardinal.storage.wal.record;

import java.nio.ByteBuffer;

/** The first byte of a WAL record (Prometheus {@code tsdb/record}). */
public enum RecordType {
  /** A type this implementation does not know (or an empty record); Prometheus uses 255. */
  UNKNOWN(255),
  SERIES(1),
  SAMPLES(2),
  TOMBSTONES(3),
  EXEMPLARS(4),
  MMAP_MARKERS(5),
  METADATA(6),
  HISTOGRAM_SAMPLES(7),
  FLOAT_HISTOGRAM_SAMPLES(8),
  CUSTOM_BUCKETS_HISTOGRAM_SAMPLES(9),
  CUSTOM_BUCKETS_FLOAT_HISTOGRAM_SAMPLES(10);

  private static final RecordType[] BY_CODE = new RecordType[256];

  static {
    for (int i = 0; i < BY_CODE.length; i++) {
      BY_CODE[i] = UNKNOWN;
    }
    for (RecordType t : values()) {
      if (t != UNKNOWN) {
        BY_CODE[t.code] = t;
      }
    }
  }

  private final int code;

  RecordType(int code) {
    this.code = code;
  }

  /** The byte value on disk. */
  public int code() {
    return code;
  }

  /** Type for a byte value; {@link #UNKNOWN} for unassigned values. */
  public static RecordType ofCode(int code) {
    return BY_CODE[code & 0xff];
  }

  /** Type of the record at {@code rec.position()}; {@link #UNKNOWN} if empty. */
  public static RecordType of(ByteBuffer rec) {
    return rec.remaining() < 1 ? UNKNOWN : ofCode(rec.get(rec.position()));
  }
}
