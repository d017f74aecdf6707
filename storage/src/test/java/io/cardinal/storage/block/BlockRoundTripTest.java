package io.cardinal.storage.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.Seeds;
import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadAppender;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockRoundTripTest {
  static final long H2 = 2 * 3600_000L;

  static Map<String, List<Long>> dump(Querier q, long mint, long maxt, Matcher... ms) {
    Map<String, List<Long>> out = new LinkedHashMap<>();
    SeriesSet set = q.select(true, mint, maxt, ms);
    SampleIterator it = null;
    while (set.next()) {
      it = set.at().iterator(it);
      List<Long> samples = new java.util.ArrayList<>();
      while (it.next()) {
        samples.add(it.timestamp());
        samples.add(Double.doubleToRawLongBits(it.value()));
      }
      assertNull(it.error());
      out.put(set.at().labels().toString(), samples);
    }
    return out;
  }

  static Head randomHead(long seed, int series, long from, long to) {
    SplittableRandom r = new SplittableRandom(seed);
    Head head = new Head(io.cardinal.tsdb.head.HeadOptions.defaults());
    HeadAppender app = head.appender();
    long[] refs = new long[series];
    for (long t = from; t < to; t += 15_000) {
      for (int s = 0; s < series; s++) {
        if (r.nextInt(20) == 0) {
          continue; // gaps
        }
        Labels l =
            Labels.of("__name__", "m" + (s % 3), "i", "" + s, "z", s % 2 == 0 ? "even" : "odd");
        double v =
            r.nextInt(4) == 0
                ? Double.longBitsToDouble(0x7ff0000000000002L)
                : r.nextInt(1000) / 10.0;
        refs[s] = app.append(refs[s], l, t + r.nextInt(100), v);
      }
      app.commit();
    }
    return head;
  }

  @Test
  void headRangeWrittenAsBlockReadsBackIdentically(@TempDir Path dir) throws Exception {
    long seed = Seeds.seed("BlockRoundTripTest");
    Head head = randomHead(seed, 40, 0, 2 * H2);
    BlockMeta meta =
        BlockWriter.write(
            dir, head.chunkSeries(0, H2 - 1), head.symbols(), BlockWriter.Spec.fresh(0, H2));
    assertNotNull(meta);
    assertTrue(Files.isDirectory(dir.resolve(meta.ulid)));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count(), "no temporary directory left behind");
    }
    try (Block b = Block.open(dir.resolve(meta.ulid))) {
      assertEquals(meta.ulid, b.meta().ulid);
      assertEquals(40, b.meta().numSeries);
      Matcher all = Matcher.regex("__name__", ".+");
      Map<String, List<Long>> want = dump(head.querier(0, H2 - 1), 0, H2 - 1, all);
      Map<String, List<Long>> got = dump(b.querier(0, H2 - 1), 0, H2 - 1, all);
      assertEquals(want, got, Seeds.at(seed));
      long samples = want.values().stream().mapToLong(l -> l.size() / 2).sum();
      assertEquals(samples, b.meta().numSamples);
      // Matchers behave as on the head, including empty-matching ones.
      Matcher[] ms = {
        Matcher.equal("__name__", "m1"), Matcher.notEqual("z", "odd"), Matcher.regex("i", "1.*")
      };
      assertEquals(
          dump(head.querier(0, H2 - 1), 0, H2 - 1, ms),
          dump(b.querier(0, H2 - 1), 0, H2 - 1, ms),
          Seeds.at(seed));
      assertEquals(head.querier(0, H2).labelValues("z"), b.querier(0, H2).labelValues("z"));
      assertEquals(List.of("__name__", "i", "z"), b.querier(0, H2).labelNames());
      // A sub-range reads only the samples inside it.
      Map<String, List<Long>> sub = dump(b.querier(0, H2), 1_000_000, 2_000_000, all);
      for (List<Long> l : sub.values()) {
        for (int i = 0; i < l.size(); i += 2) {
          assertTrue(
              l.get(i) >= 1_000_000 && l.get(i) <= 2_000_000, "t=" + l.get(i) + Seeds.at(seed));
        }
      }
    }
  }

  @Test
  void chunkSegmentsAreCutAtTheSizeLimit(@TempDir Path dir) throws Exception {
    Head head = randomHead(3, 50, 0, H2);
    BlockMeta meta =
        BlockWriter.write(
            dir, head.chunkSeries(0, H2 - 1), head.symbols(), BlockWriter.Spec.fresh(0, H2), 4096);
    Path chunks = dir.resolve(meta.ulid).resolve("chunks");
    try (Stream<Path> s = Files.list(chunks)) {
      assertTrue(s.count() > 3, "several segments");
    }
    assertTrue(Files.exists(chunks.resolve("000001")));
    try (Block b = Block.open(dir.resolve(meta.ulid))) {
      Matcher all = Matcher.regex("__name__", ".+");
      assertEquals(
          dump(head.querier(0, H2 - 1), 0, H2 - 1, all),
          dump(b.querier(0, H2 - 1), 0, H2 - 1, all));
    }
  }

  @Test
  void emptyRangeWritesNoBlock(@TempDir Path dir) throws Exception {
    Head head = randomHead(5, 3, 0, 1000);
    assertNull(
        BlockWriter.write(
            dir, head.chunkSeries(H2, 2 * H2), head.symbols(), BlockWriter.Spec.fresh(H2, 2 * H2)));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(0, s.count());
    }
  }

  @Test
  void tombstonesHideDeletedSamples(@TempDir Path dir) throws Exception {
    Head head = randomHead(9, 2, 0, 600_000);
    BlockMeta meta =
        BlockWriter.write(
            dir, head.chunkSeries(0, H2 - 1), head.symbols(), BlockWriter.Spec.fresh(0, H2));
    Path bdir = dir.resolve(meta.ulid);
    int seriesId;
    try (Block b = Block.open(bdir)) {
      seriesId = b.index().postings(Matcher.equal("i", "0")).first();
    }
    Tombstones.write(
        bdir.resolve("tombstones"), Map.of((long) seriesId, List.of(new long[] {0, 300_000})));
    try (Block b = Block.open(bdir)) {
      Map<String, List<Long>> got = dump(b.querier(0, H2), 0, H2, Matcher.equal("i", "0"));
      List<Long> samples = got.values().iterator().next();
      assertTrue(samples.get(0) > 300_000, "first sample after the deleted interval");
      assertEquals(1, b.tombstones().seriesCount());
    }
  }

  @Test
  void ulidsSortByTimeAndRoundTrip() {
    String a = Ulid.next(1_000);
    String b = Ulid.next(2_000);
    assertTrue(a.compareTo(b) < 0);
    assertTrue(Ulid.isValid(a));
    assertEquals(2_000, Ulid.timeMs(b));
    assertEquals("00000000000000000000000000", Ulid.encode(0, new byte[10]));
  }

  @Test
  void metaJsonIsLaidOutLikePrometheus(@TempDir Path dir) throws Exception {
    BlockMeta m =
        new BlockMeta(
            "01M7YWF0ZEW8T448JJ0NS2HNDF",
            1,
            2,
            5,
            3,
            3,
            0,
            1,
            List.of("01M7YWF0ZEW8T448JJ0NS2HNDF"),
            List.of());
    String want =
        "{\n\t\"ulid\": \"01M7YWF0ZEW8T448JJ0NS2HNDF\",\n\t\"minTime\": 1,\n\t\"maxTime\": 2,\n"
            + "\t\"stats\": {\n\t\t\"numSamples\": 5,\n\t\t\"numSeries\": 3,\n\t\t\"numChunks\": 3\n\t},\n"
            + "\t\"compaction\": {\n\t\t\"level\": 1,\n\t\t\"sources\": [\n\t\t\t\"01M7YWF0ZEW8T448JJ0NS2HNDF\"\n\t\t]\n\t},\n"
            + "\t\"version\": 1\n}\n";
    assertEquals(want, m.toJson());
    // The golden meta.json Prometheus wrote has the same layout.
    String golden =
        Files.readString(Path.of("src/test/resources/golden/01M7YWF0ZEW8T448JJ0NS2HNDF/meta.json"));
    assertEquals(
        golden.strip(),
        BlockMeta.read(Path.of("src/test/resources/golden/01M7YWF0ZEW8T448JJ0NS2HNDF"))
            .toJson()
            .strip());
  }
}
