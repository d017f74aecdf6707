package io.cardinal.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.Series;
import io.cardinal.tsdb.query.SeriesSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeadQueryAndGcTest {
  private static Head headWith(String... labelSets) {
    Head head = Head.inMemory();
    HeadAppender app = head.appender();
    for (String ls : labelSets) {
      app.append(0, Labels.of(ls.split(",")), 1000, 1);
    }
    app.commit();
    return head;
  }

  private static List<String> selectNames(Head head, Matcher... ms) {
    List<String> out = new ArrayList<>();
    SeriesSet set = head.querier(0, 10_000).select(true, 0, 10_000, ms);
    while (set.next()) {
      out.add(set.at().labels().toString());
    }
    return out;
  }

  @Test
  void matchersFollowPrometheusSemantics() {
    Head head =
        headWith(
            "__name__,up,job,api",
            "__name__,up,job,db",
            "__name__,up",
            "__name__,other,job,api,x,1");
    assertEquals(
        List.of("{__name__=\"other\", job=\"api\", x=\"1\"}", "{__name__=\"up\", job=\"api\"}"),
        selectNames(head, Matcher.equal("job", "api")));
    // job="" matches series without the label.
    assertEquals(
        List.of("{__name__=\"up\"}"),
        selectNames(head, Matcher.equal("__name__", "up"), Matcher.equal("job", "")));
    // != matches series without the label too.
    assertEquals(
        List.of("{__name__=\"up\"}", "{__name__=\"up\", job=\"db\"}"),
        selectNames(head, Matcher.equal("__name__", "up"), Matcher.notEqual("job", "api")));
    assertEquals(
        List.of("{__name__=\"up\", job=\"api\"}", "{__name__=\"up\", job=\"db\"}"),
        selectNames(head, Matcher.equal("__name__", "up"), Matcher.regex("job", "a.*|d.")));
    assertEquals(
        List.of("{__name__=\"up\"}", "{__name__=\"up\", job=\"db\"}"),
        selectNames(head, Matcher.equal("__name__", "up"), Matcher.notRegex("job", "ap.")));
    assertEquals(
        List.of("{__name__=\"up\", job=\"api\"}", "{__name__=\"up\", job=\"db\"}"),
        selectNames(head, Matcher.equal("__name__", "up"), Matcher.regex("job", ".+")));
    assertEquals(List.of(), selectNames(head, Matcher.equal("job", "nope")));
    assertEquals(4, selectNames(head, Matcher.regex("__name__", ".+")).size());
  }

  @Test
  void labelNamesAndValuesOptionallyRestricted() {
    Head head = headWith("__name__,up,job,api", "__name__,up,job,db", "__name__,other,x,1");
    var q = head.querier(0, 10_000);
    assertEquals(List.of("__name__", "job", "x"), q.labelNames());
    assertEquals(List.of("__name__", "job"), q.labelNames(Matcher.equal("__name__", "up")));
    assertEquals(List.of("api", "db"), q.labelValues("job"));
    assertEquals(List.of("other", "up"), q.labelValues("__name__"));
    assertEquals(List.of("other"), q.labelValues("__name__", Matcher.equal("x", "1")));
    assertEquals(List.of(), q.labelValues("nope"));
  }

  @Test
  void timeRangeFiltersSamplesAndSeries() {
    Head head = Head.inMemory();
    HeadAppender app = head.appender();
    Labels a = Labels.of("__name__", "a");
    Labels b = Labels.of("__name__", "b");
    long ra = 0;
    for (long t = 0; t < 1_000_000; t += 10_000) {
      ra = app.append(ra, a, t, t);
    }
    app.append(0, b, 5_000_000, 1);
    app.commit();
    Map<Labels, List<long[]>> got =
        HeadTestSupport.read(head, 200_000, 300_000, Matcher.regex("__name__", "a|b"));
    assertEquals(1, got.size(), "b has no samples in range");
    assertEquals(11, got.get(a).size());
    assertEquals(200_000, got.get(a).get(0)[0]);
    assertEquals(300_000, got.get(a).get(10)[0]);
  }

  @Test
  void iteratorSeekAndReuseAcrossSeries() {
    Head head = Head.inMemory();
    HeadAppender app = head.appender();
    for (int s = 0; s < 3; s++) {
      Labels l = Labels.of("__name__", "m", "s", "" + s);
      long ref = 0;
      for (long t = 0; t < 3_600_000; t += 15_000) {
        ref = app.append(ref, l, t, s * 1000 + t / 15_000);
      }
    }
    app.commit();
    SeriesSet set =
        head.querier(0, Long.MAX_VALUE)
            .select(true, 0, Long.MAX_VALUE, Matcher.equal("__name__", "m"));
    SampleIterator it = null;
    int s = 0;
    while (set.next()) {
      Series series = set.at();
      SampleIterator next = series.iterator(it);
      if (it != null) {
        assertTrue(next == it, "iterator reused");
      }
      it = next;
      assertTrue(it.seek(1_800_000));
      assertEquals(1_800_000, it.timestamp());
      assertEquals(s * 1000 + 120, it.value());
      assertTrue(it.seek(1_000)); // does not move back
      assertEquals(1_800_000, it.timestamp());
      int rest = 1;
      while (it.next()) {
        rest++;
      }
      assertEquals(120, rest);
      s++;
    }
    assertEquals(3, s);
  }

  @Test
  void gcDropsOldChunksAndOrphanedSeriesAndCleansPostingsAndSymbols() {
    Head head = Head.inMemory();
    HeadAppender app = head.appender();
    long h2 = HeadOptions.DEFAULT_CHUNK_RANGE_MS;
    Labels old = Labels.of("__name__", "build_info", "version", "1.0");
    Labels cur = Labels.of("__name__", "build_info", "version", "1.1");
    long ro = 0;
    long rc = 0;
    for (long t = 0; t < h2; t += 15_000) {
      ro = app.append(ro, old, t, 1);
    }
    for (long t = h2; t < 2 * h2; t += 15_000) {
      rc = app.append(rc, cur, t, 1);
    }
    app.commit();
    assertEquals(2, head.numSeries());
    assertEquals(List.of("1.0", "1.1"), head.querier(0, Long.MAX_VALUE).labelValues("version"));

    assertEquals(1, head.truncate(h2));
    assertEquals(1, head.numSeries());
    assertEquals(
        List.of("1.1"), head.querier(0, Long.MAX_VALUE).labelValues("version"), "symbol 1.0 freed");
    assertEquals(h2, head.minTime());
    assertFalse(
        HeadTestSupport.read(head, 0, Long.MAX_VALUE, Matcher.equal("version", "1.0"))
            .containsKey(old));
    assertEquals(
        480,
        HeadTestSupport.read(head, 0, Long.MAX_VALUE, Matcher.equal("version", "1.1"))
            .get(cur)
            .size());
    assertEquals(1, head.metrics().seriesRemoved.sum());
    // Samples before the truncation point are out of bounds now.
    assertEquals(
        io.cardinal.tsdb.AppendStatus.OUT_OF_BOUNDS,
        io.cardinal.tsdb.AppendStatus.of(app.append(0, old, h2 - 1, 1)));
    app.rollback();
    // A stale reference to the removed series falls back to its labels and recreates it.
    long again = app.append(ro, old, 2 * h2, 1);
    assertTrue(again > 0 && again != ro);
    app.commit();
    assertEquals(2, head.numSeries());
  }

  @Test
  void churnCountsSeriesCreatedAfterTheNearestMarkPerMetric() {
    Head head = headWith("__name__,a,x,1", "__name__,b,x,1");
    head.markCreation(10_000);
    HeadAppender app = head.appender();
    for (int i = 0; i < 3; i++) {
      app.append(0, Labels.of("__name__", "a", "x", "n" + i), 2000, 1);
    }
    app.append(0, Labels.of("__name__", "b", "x", "n"), 2000, 1);
    // A sample of a series that existed at the mark does not make it new.
    app.append(0, Labels.of("__name__", "b", "x", "1"), 2000, 1);
    app.commit();
    head.markCreation(20_000);
    app.append(0, Labels.of("__name__", "c"), 3000, 1);
    app.commit();

    TsdbStatus since10 = head.status(10, 15_000);
    assertEquals(10_000, since10.seriesCreatedSince, "the newest mark at or before the start");
    assertEquals(5, since10.seriesCreated);
    assertEquals(
        List.of(
            new TsdbStatus.Stat("a", 3), new TsdbStatus.Stat("b", 1), new TsdbStatus.Stat("c", 1)),
        since10.seriesCreatedByMetricName);
    TsdbStatus since20 = head.status(10, 25_000);
    assertEquals(20_000, since20.seriesCreatedSince);
    assertEquals(List.of(new TsdbStatus.Stat("c", 1)), since20.seriesCreatedByMetricName);
    TsdbStatus beforeAll = head.status(1, 0);
    assertEquals(10_000, beforeAll.seriesCreatedSince, "no older mark: the oldest one");
    assertEquals(List.of(new TsdbStatus.Stat("a", 3)), beforeAll.seriesCreatedByMetricName);
    assertEquals(Long.MIN_VALUE, headWith("__name__,a").status(10, 0).seriesCreatedSince);
    assertEquals(1, headWith("__name__,a").status(10, 0).seriesCreated, "no mark: all are new");
  }

  @Test
  void statusReportsCardinality() {
    Head head =
        headWith(
            "__name__,a,x,1",
            "__name__,a,x,2",
            "__name__,a,x,3",
            "__name__,b,x,1",
            "__name__,b,y,1");
    TsdbStatus st = head.status(10);
    assertEquals(5, st.numSeries);
    assertEquals(5, st.chunkCount);
    assertEquals(new TsdbStatus.Stat("a", 3), st.seriesCountByMetricName.get(0));
    assertEquals(new TsdbStatus.Stat("b", 2), st.seriesCountByMetricName.get(1));
    assertEquals(new TsdbStatus.Stat("x", 3), st.labelValueCountByLabelName.get(0));
    assertEquals(new TsdbStatus.Stat("__name__=a", 3), st.seriesCountByLabelValuePair.get(0));
    assertEquals(2 + 3 + 1, st.numLabelPairs);
    assertEquals(1000, st.minTime);
    assertEquals(1, head.status(1).seriesCountByMetricName.size());
  }

  @Test
  void iteratorStartedBeforeTruncationStillReadsItsChunks() {
    // Small pages so truncation really releases pages holding the chunks being read.
    Head head =
        new Head(
            HeadOptions.defaults()
                .withChunkMapper(new io.cardinal.tsdb.chunk.InMemoryChunkMapper(4096)));
    HeadAppender app = head.appender();
    Labels l = Labels.of("__name__", "m");
    Labels other = Labels.of("__name__", "other");
    long ref = 0;
    long h2 = HeadOptions.DEFAULT_CHUNK_RANGE_MS;
    for (long t = 0; t < 3 * h2; t += 15_000) {
      ref = app.append(ref, l, t, t);
      app.append(0, other, t, t);
    }
    app.commit();
    SeriesSet set =
        head.querier(0, Long.MAX_VALUE)
            .select(false, 0, Long.MAX_VALUE, Matcher.equal("__name__", "m"));
    assertTrue(set.next());
    SampleIterator it = set.at().iterator(null);
    head.truncate(2 * h2);
    long expectT = 0;
    while (it.next()) {
      assertEquals(expectT, it.timestamp());
      expectT += 15_000;
    }
    assertEquals(null, it.error());
    assertEquals(3 * h2, expectT, "all samples read although their pages were truncated meanwhile");
  }
}
