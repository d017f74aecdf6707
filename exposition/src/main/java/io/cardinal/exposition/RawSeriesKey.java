package io.cardinal.exposition;

import java.util.Arrays;

/**
 * The raw identity of a parsed sample's series, straight from the body bytes: the metric name, then
 * {@code 0xff name 0xfe value} per label in exposition order. Reusable: {@link #fill} grows the
 * buffer only when a longer series appears. Used as the scrape cache key and to find where a
 * series' run of samples ends.
 */
public final class RawSeriesKey {
  private byte[] bytes = new byte[256];
  private int length;

  /** Sets this key to the series of the parser's current sample. */
  public RawSeriesKey fill(ExpositionParser p) {
    ParsedLabels l = p.labels();
    int need = p.nameLength() + 1;
    for (int i = 0; i < l.size(); i++) {
      need += l.nameLength(i) + l.valueLength(i) + 2;
    }
    if (need > bytes.length) {
      bytes = new byte[Math.max(need, bytes.length * 2)];
    }
    int n = 0;
    System.arraycopy(p.buffer(), p.nameOffset(), bytes, n, p.nameLength());
    n += p.nameLength();
    for (int i = 0; i < l.size(); i++) {
      bytes[n++] = (byte) 0xff;
      System.arraycopy(l.nameArray(i), l.nameOffset(i), bytes, n, l.nameLength(i));
      n += l.nameLength(i);
      bytes[n++] = (byte) 0xfe;
      System.arraycopy(l.valueArray(i), l.valueOffset(i), bytes, n, l.valueLength(i));
      n += l.valueLength(i);
    }
    length = n;
    return this;
  }

  /** The key's bytes, valid for {@link #length()} bytes until the next {@link #fill}. */
  public byte[] bytes() {
    return bytes;
  }

  public int length() {
    return length;
  }

  public boolean sameAs(RawSeriesKey o) {
    return Arrays.equals(bytes, 0, length, o.bytes, 0, o.length);
  }
}
