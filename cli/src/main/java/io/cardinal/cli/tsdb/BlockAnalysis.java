package io.cardinal.cli.tsdb;

import io.cardinal.storage.block.Block;
import io.cardinal.storage.block.BlockMeta;
import io.cardinal.storage.block.IndexReader;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.query.ChunkIterator;
import io.cardinal.tsdb.query.ChunkSeries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.roaringbitmap.IntIterator;

/**
 * {@code tsdb analyze DIR}: promtool's block analysis, computed the way promtool computes it (one
 * pass over every series of the block's index), plus the churn figures the capacity report needs.
 *
 * <p>Churn: a series whose first sample comes more than {@link #CHURN_GRACE_MS} after the block
 * starts was created during the block; one whose last sample comes more than that before the block
 * ends was removed (it went stale: Prometheus's lookback window is 5 minutes). Divided by the
 * block's duration this gives series created and removed per hour.
 */
final class BlockAnalysis {
  static final long CHURN_GRACE_MS = 5 * 60_000L;

  record Stat(String key, long value) {}

  final BlockMeta meta;
  long series;
  int labelNames;
  long postings;
  long postingsEntries;
  List<Stat> churnPairs;
  List<Stat> churnNames;
  List<Stat> commonPairs;
  List<Stat> valueLengths;
  List<Stat> labelCardinality;
  List<Stat> metricNames;
  long seriesCreated;
  long seriesRemoved;

  /** Chunks per fullness decile (extended analysis only), and the total. */
  long[] fullness;

  long totalChunks;

  private BlockAnalysis(BlockMeta meta) {
    this.meta = meta;
  }

  static BlockAnalysis of(Block block, boolean extended) throws IOException {
    BlockMeta meta = block.meta();
    BlockAnalysis a = new BlockAnalysis(meta);
    IndexReader ir = block.index();
    a.series = meta.numSeries;
    List<String> names = ir.labelNames();
    a.labelNames = names.size();
    long range = meta.maxTime - meta.minTime;
    Map<String, long[]> namesUncovered = new HashMap<>();
    Map<String, long[]> pairs = new HashMap<>(); // key -> {uncovered, count}
    IndexReader.SeriesEntry e = new IndexReader.SeriesEntry();
    IntIterator ids = ir.postings().getIntIterator();
    while (ids.hasNext()) {
      ir.series(ids.next(), e);
      int nc = e.chunks.size();
      if (nc == 0) {
        continue;
      }
      long first = e.chunks.minTime(0);
      long last = e.chunks.maxTime(nc - 1);
      long uncovered = range - (last - first);
      if (first > meta.minTime + CHURN_GRACE_MS) {
        a.seriesCreated++;
      }
      if (last < meta.maxTime - 1 - CHURN_GRACE_MS) {
        a.seriesRemoved++;
      }
      Labels l = e.labels;
      for (int i = 0; i < l.size(); i++) {
        String key = l.name(i) + "=" + l.value(i);
        namesUncovered.computeIfAbsent(l.name(i), k -> new long[1])[0] += uncovered;
        long[] p = pairs.computeIfAbsent(key, k -> new long[2]);
        p[0] += uncovered;
        p[1]++;
        a.postingsEntries++;
      }
    }
    a.postings = pairs.size();
    a.churnPairs = new ArrayList<>();
    a.commonPairs = new ArrayList<>();
    for (Map.Entry<String, long[]> en : pairs.entrySet()) {
      a.churnPairs.add(new Stat(en.getKey(), (long) ((double) en.getValue()[0] / range)));
      a.commonPairs.add(new Stat(en.getKey(), en.getValue()[1]));
    }
    a.churnNames = new ArrayList<>();
    for (Map.Entry<String, long[]> en : namesUncovered.entrySet()) {
      a.churnNames.add(new Stat(en.getKey(), (long) ((double) en.getValue()[0] / range)));
    }
    a.valueLengths = new ArrayList<>();
    a.labelCardinality = new ArrayList<>();
    for (String n : names) {
      List<String> values = ir.labelValues(n);
      long len = 0;
      for (String v : values) {
        len += utf8Length(v);
      }
      a.valueLengths.add(new Stat(n, len));
      a.labelCardinality.add(new Stat(n, values.size()));
    }
    a.metricNames = new ArrayList<>();
    for (String v : ir.labelValues(Labels.METRIC_NAME)) {
      long[] p = pairs.get(Labels.METRIC_NAME + "=" + v);
      a.metricNames.add(new Stat(v, p == null ? 0 : p[1]));
    }
    if (extended) {
      a.fullness = new long[10];
      try {
        Iterator<ChunkSeries> it = block.streamChunkSeries();
        ChunkIterator ci = null;
        while (it.hasNext()) {
          ci = it.next().chunks(ci);
          while (ci.next()) {
            byte[] b = ci.bytes();
            int n = ((b[ci.offset()] & 0xFF) << 8) | (b[ci.offset() + 1] & 0xFF);
            int bucket = (int) Math.ceil(10.0 * Math.min(n, 120) / 120.0) - 1;
            a.fullness[Math.max(0, bucket)]++;
            a.totalChunks++;
          }
          if (ci.error() != null) {
            throw new IOException(ci.error());
          }
        }
      } catch (UncheckedIOException ex) {
        throw ex.getCause();
      }
    }
    return a;
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** Churn per hour of block time. */
  double createdPerHour() {
    return perHour(seriesCreated);
  }

  double removedPerHour() {
    return perHour(seriesRemoved);
  }

  private double perHour(long n) {
    long range = meta.maxTime - meta.minTime;
    return range <= 0 ? 0 : n * 3_600_000.0 / range;
  }

  /** promtool's text, then Cardinal's churn section. */
  String render(int limit) {
    StringBuilder sb = new StringBuilder();
    sb.append("Block ID: ").append(meta.ulid).append('\n');
    sb.append("Duration: ").append(GoFormat.duration(meta.maxTime - meta.minTime)).append('\n');
    sb.append("Series: ").append(series).append('\n');
    sb.append("Label names: ").append(labelNames).append('\n');
    sb.append("Postings (unique label pairs): ").append(postings).append('\n');
    sb.append("Postings entries (total label pairs): ").append(postingsEntries).append('\n');
    section(sb, "Label pairs most involved in churning", churnPairs, limit);
    section(sb, "Label names most involved in churning", churnNames, limit);
    section(sb, "Most common label pairs", commonPairs, limit);
    section(sb, "Label names with highest cumulative label value length", valueLengths, limit);
    section(sb, "Highest cardinality labels", labelCardinality, limit);
    section(sb, "Highest cardinality metric names", metricNames, limit);
    if (fullness != null) {
      sb.append("\nCompaction analysis:\n");
      sb.append("Fullness: Amount of samples in chunks (100% is 120 samples)\n");
      for (int i = 0; i < fullness.length; i++) {
        long pct = totalChunks == 0 ? 0 : 100 * fullness[i] / totalChunks;
        sb.append(String.format("%7d%%: %s%n", (i + 1) * 10, "#".repeat((int) pct)));
      }
    }
    sb.append("\nSeries churn (first or last sample more than 5m inside the block):\n");
    sb.append(
        String.format("%s created/h (%d series)%n", oneDecimal(createdPerHour()), seriesCreated));
    sb.append(
        String.format("%s removed/h (%d series)%n", oneDecimal(removedPerHour()), seriesRemoved));
    return sb.toString();
  }

  static String oneDecimal(double v) {
    return String.format(java.util.Locale.ROOT, "%.1f", v);
  }

  /** Sorted by value, highest first; ties by key so that the output is stable. */
  static List<Stat> top(List<Stat> stats, int limit) {
    List<Stat> s = new ArrayList<>(stats);
    s.sort(
        (x, y) ->
            x.value() != y.value()
                ? Long.compare(y.value(), x.value())
                : x.key().compareTo(y.key()));
    return s.subList(0, Math.min(Math.max(limit, 0), s.size()));
  }

  private static void section(StringBuilder sb, String title, List<Stat> stats, int limit) {
    sb.append('\n').append(title).append(":\n");
    for (Stat st : top(stats, limit)) {
      sb.append(st.value()).append(' ').append(st.key()).append('\n');
    }
  }
}
