package io.cardinal.storage.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.Seeds;
import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadAppender;
import io.cardinal.tsdb.head.HeadOptions;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * {@link IndexReader#postings} against the definition: a series is selected when every matcher
 * matches its value of the matcher's label ("" when it has none). Random label sets and matchers,
 * with enough series that IDs span several RoaringBitmap containers, and unions of many interleaved
 * lists.
 */
class IndexPostingsTest {
  static final long H2 = 2 * 3600_000L;

  @Test
  void postingsMatchABruteForceFilterOnRandomMatchers(@TempDir Path dir) throws Exception {
    long seed = Seeds.seed("IndexPostingsTest");
    SplittableRandom r = new SplittableRandom(seed);
    int n = 25_000;
    Head head = new Head(HeadOptions.defaults());
    HeadAppender app = head.appender();
    List<Labels> all = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      List<String> kv =
          new ArrayList<>(
              List.of(
                  "__name__",
                  "metric_" + r.nextInt(40),
                  "instance",
                  "host-" + r.nextInt(300),
                  "job",
                  "job-" + r.nextInt(7)));
      if (r.nextInt(3) > 0) {
        kv.add("env");
        kv.add(r.nextBoolean() ? "prod" : r.nextBoolean() ? "dev" : "staging");
      }
      kv.add("id");
      kv.add(Integer.toString(s));
      Labels l = Labels.of(kv.toArray(String[]::new));
      all.add(l);
      app.append(0, l, 1000, s);
    }
    app.commit();
    BlockMeta meta =
        BlockWriter.write(
            dir, head.chunkSeries(0, H2 - 1), head.symbols(), BlockWriter.Spec.fresh(0, H2));
    try (Block b = Block.open(dir.resolve(meta.ulid))) {
      assertEquals(n, b.index().postings().getCardinality());
      assertTrue(b.index().postings().last() >= 1 << 16, "IDs span more than one container");
      for (int q = 0; q < 120; q++) {
        Matcher[] ms = randomMatchers(r);
        TreeSet<String> want = new TreeSet<>();
        for (Labels l : all) {
          boolean ok = true;
          for (Matcher m : ms) {
            ok &= m.matches(l.get(m.name()));
          }
          if (ok) {
            want.add(l.toString());
          }
        }
        // Twice: the cached list of all series must come out of the first query unchanged.
        for (int k = 0; k < 2; k++) {
          RoaringBitmap ids = b.index().postings(ms);
          TreeSet<String> got = new TreeSet<>();
          IndexReader.SeriesEntry e = new IndexReader.SeriesEntry();
          for (IntIterator it = ids.getIntIterator(); it.hasNext(); ) {
            b.index().series(it.next(), e);
            got.add(e.labels.toString());
          }
          if (!want.equals(got)) {
            TreeSet<String> missing = new TreeSet<>(want);
            missing.removeAll(got);
            TreeSet<String> extra = new TreeSet<>(got);
            extra.removeAll(want);
            throw new AssertionError(
                "matchers="
                    + List.of(ms)
                    + " pass "
                    + k
                    + ": "
                    + missing.size()
                    + " missing (first "
                    + (missing.isEmpty() ? "-" : missing.first())
                    + "), "
                    + extra.size()
                    + " extra (first "
                    + (extra.isEmpty() ? "-" : extra.first())
                    + ")"
                    + Seeds.at(seed));
          }
        }
      }
      assertEquals(
          n, b.index().postings().getCardinality(), "all postings unchanged by the queries");
    }
  }

  private static Matcher[] randomMatchers(SplittableRandom r) {
    int k = 1 + r.nextInt(3);
    Matcher[] ms = new Matcher[k];
    for (int i = 0; i < k; i++) {
      ms[i] =
          switch (r.nextInt(10)) {
            case 0 -> Matcher.equal("__name__", "metric_" + r.nextInt(45));
            case 1 ->
                Matcher.regex("__name__", "metric_(" + r.nextInt(10) + "|" + r.nextInt(40) + ").*");
            case 2 -> Matcher.notEqual("env", r.nextBoolean() ? "dev" : "prod");
            case 3 -> Matcher.regex("instance", "host-" + r.nextInt(30) + ".*");
            case 4 -> Matcher.notRegex("job", "job-[" + r.nextInt(7) + "-6]");
            case 5 -> Matcher.regex("env", r.nextBoolean() ? "" : "|dev");
            case 6 -> Matcher.equal("env", "");
              // A handful of candidates: the remaining matchers are then checked on labels
              // (FILTER_BELOW).
            case 7 ->
                Matcher.regex(
                    "id", r.nextInt(25_000) + "|" + r.nextInt(25_000) + "|1" + r.nextInt(2_000));
            case 8 -> Matcher.equal("instance", "host-" + r.nextInt(300));
            default -> Matcher.notEqual("job", "job-" + r.nextInt(7));
          };
    }
    return ms;
  }
}
