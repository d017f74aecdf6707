package io.cardinal.tsdb.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelsTest {
  @Test
  void classicNameRulesWithoutRegex() {
    for (String ok : List.of("a", "_", "job", "A_1", "__name__")) {
      assertTrue(Labels.isValidLabelName(ok), ok);
      assertTrue(Labels.isValidMetricName(ok), ok);
    }
    for (String bad : List.of("", "1a", "a-b", "a b", "é", "a.b")) {
      assertFalse(Labels.isValidLabelName(bad), bad);
      assertFalse(Labels.isValidMetricName(bad), bad);
    }
    assertTrue(Labels.isValidMetricName("job:rate:5m"));
    assertTrue(Labels.isValidMetricName(":a"));
    assertFalse(Labels.isValidLabelName("job:rate"), "a colon is for metric names only");
    assertFalse(Labels.isValidLabelName(null));
  }

  @Test
  void keepAndDropAgreeWithTheBuilder() {
    Labels l = Labels.of("__name__", "m", "b", "2", "a", "1", "c", "3");
    assertEquals(Labels.of("a", "1", "c", "3"), l.keep(List.of("c", "a", "zz")));
    assertEquals(l.toBuilder().keep(List.of("c", "a")).build(), l.keep(List.of("c", "a")));
    assertEquals(Labels.EMPTY, l.keep(List.of("zz")));
    org.junit.jupiter.api.Assertions.assertSame(l, l.keep(List.of("a", "b", "c", "__name__")));
    assertEquals(Labels.of("b", "2"), l.drop(List.of("a", "c"), "__name__"));
    assertEquals(l.toBuilder().delete("a", "__name__").build(), l.drop(List.of("a"), "__name__"));
    org.junit.jupiter.api.Assertions.assertSame(l, l.drop(List.of("zz"), null));
    assertEquals(Labels.EMPTY, l.drop(List.of("a", "b", "c"), "__name__"));
    assertEquals(l.keep(List.of("a", "b")).hashCode(), Labels.of("b", "2", "a", "1").hashCode());
  }

  @Test
  void sortsByNameAndKeepsMetricNameAsOrdinaryLabel() {
    Labels l = Labels.of("job", "node", "__name__", "up", "instance", "a:9100");
    assertEquals(3, l.size());
    assertEquals("__name__", l.name(0));
    assertEquals("instance", l.name(1));
    assertEquals("job", l.name(2));
    assertEquals("up", l.metricName());
    assertEquals("{__name__=\"up\", instance=\"a:9100\", job=\"node\"}", l.toString());
  }

  @Test
  void emptyValuesAreDroppedAndAbsentLabelsReadAsEmpty() {
    Labels l = Labels.of("a", "1", "b", "");
    assertEquals(1, l.size());
    assertFalse(l.has("b"));
    assertEquals("", l.get("b"));
    assertEquals(Labels.of("a", "1"), l);
  }

  @Test
  void duplicateNamesAreRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Labels.of("a", "1", "a", "2"));
    assertTrue(e.getMessage().contains("duplicate label name: a"));
  }

  @Test
  void compareFollowsPrometheusOrder() {
    List<Labels> sorted =
        List.of(
            Labels.of("a", "1"),
            Labels.of("a", "1", "b", "1"),
            Labels.of("a", "2"),
            Labels.of("b", "0"));
    for (int i = 0; i + 1 < sorted.size(); i++) {
      assertTrue(
          sorted.get(i).compareTo(sorted.get(i + 1)) < 0,
          sorted.get(i) + " < " + sorted.get(i + 1));
    }
  }

  @Test
  void hashHasNoCollisionsOverRealisticAndNearIdenticalSets() {
    // Realistic sets (the workload profile) and sets differing in one character at every position,
    // including the positions the four-characters-per-step loop and its tail handle differently.
    com.carrotsearch.hppc.LongHashSet seen = new com.carrotsearch.hppc.LongHashSet();
    int n = 0;
    for (int i = 0; i < 200_000; i++, n++) {
      assertTrue(
          seen.add(io.cardinal.tsdb.workload.LabelProfile.DEFAULT.labels(i).hash64()),
          "collision at series " + i);
    }
    String base = "abcdefghijklmnopqrstu";
    for (int len = 1; len <= base.length(); len++) {
      for (int pos = 0; pos < len; pos++) {
        for (char c = 'A'; c <= 'Z'; c++) {
          char[] v = base.substring(0, len).toCharArray();
          v[pos] = c;
          assertTrue(
              seen.add(Labels.of("k", new String(v)).hash64()), "collision for " + new String(v));
          n++;
        }
      }
    }
    assertEquals(n, seen.size());
  }

  @Test
  void hashFromStringHashesEqualsHash64() {
    for (int i = 0; i < 1000; i++) {
      Labels l = io.cardinal.tsdb.workload.LabelProfile.DEFAULT.labels(i * 7919L);
      long[] h = new long[l.size() * 2];
      for (int k = 0; k < l.size(); k++) {
        h[2 * k] = Labels.stringHash(l.name(k));
        h[2 * k + 1] = Labels.stringHash(l.value(k));
      }
      assertEquals(l.hash64(), Labels.hash64(h, h.length), l.toString());
    }
    assertNotEquals(Labels.stringHash("ab"), Labels.stringHash("ab\u0000"));
  }

  @Test
  void hashSeparatesBoundaries() {
    assertNotEquals(Labels.of("a", "bc").hash64(), Labels.of("ab", "c").hash64());
    assertEquals(Labels.of("x", "1", "y", "2").hash64(), Labels.of("y", "2", "x", "1").hash64());
  }

  @Test
  void quotesValuesLikeGo() {
    assertEquals("{a=\"x\\\"y\\\\z\\n\"}", Labels.of("a", "x\"y\\z\n").toString());
  }

  @Test
  void builderSetsDeletesAndKeeps() {
    Labels l = Labels.of("__name__", "m", "a", "1", "b", "2");
    assertEquals(
        Labels.of("__name__", "m", "a", "9"), l.toBuilder().set("a", "9").delete("b").build());
    assertEquals(Labels.of("a", "1"), l.toBuilder().keep(List.of("a")).build());
    assertEquals(Labels.of("__name__", "m", "b", "2"), l.toBuilder().set("a", "").build());
  }

  @Test
  void ordersByUtf8BytesLikeGo() {
    String bmpHigh = "\uFF21"; // U+FF21, 3 UTF-8 bytes
    String astral = "\uD83D\uDE00"; // U+1F600, 4 UTF-8 bytes: after U+FF21 in byte order
    assertTrue(Labels.compareStrings(bmpHigh, astral) < 0);
    assertTrue(bmpHigh.compareTo(astral) > 0, "String.compareTo disagrees, hence compareStrings");
    assertTrue(Labels.of("a", bmpHigh).compareTo(Labels.of("a", astral)) < 0);
    assertTrue(Labels.compareStrings("a", "b") < 0);
    assertEquals(0, Labels.compareStrings("x", "x"));
  }
}
