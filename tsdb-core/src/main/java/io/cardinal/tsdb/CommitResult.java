package io.cardinal.tsdb;

/**
 * What one batch did: a count per {@link AppendStatus}, plus the series it created. Owned by the
 * appender and overwritten by its next batch; copy what you need to keep.
 */
public final class CommitResult {
  private final long[] counts = new long[AppendStatus.count()];
  private long seriesCreated;

  public long count(AppendStatus s) {
    return counts[s.ordinal()];
  }

  public long appended() {
    return counts[AppendStatus.APPENDED.ordinal()];
  }

  /** Samples offered that were not stored, for any reason. */
  public long rejected() {
    long n = 0;
    for (int i = 1; i < counts.length; i++) {
      n += counts[i];
    }
    return n;
  }

  public long seriesCreated() {
    return seriesCreated;
  }

  /** For {@link Appender} implementations. */
  public void add(AppendStatus s) {
    counts[s.ordinal()]++;
  }

  public void addSeriesCreated() {
    seriesCreated++;
  }

  public void moveAppended(AppendStatus to) {
    counts[AppendStatus.APPENDED.ordinal()]--;
    counts[to.ordinal()]++;
  }

  public void clear() {
    java.util.Arrays.fill(counts, 0);
    seriesCreated = 0;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("CommitResult[");
    sb.append("series_created=").append(seriesCreated);
    for (AppendStatus s : AppendStatus.values()) {
      if (counts[s.ordinal()] != 0) {
        sb.append(", ")
            .append(s.name().toLowerCase(java.util.Locale.ROOT))
            .append('=')
            .append(counts[s.ordinal()]);
      }
    }
    return sb.append(']').toString();
  }
}
