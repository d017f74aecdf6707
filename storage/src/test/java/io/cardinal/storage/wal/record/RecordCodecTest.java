package io.cardinal.storage.wal.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.Seeds;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

  private final RecordDecoder dec = new RecordDecoder();

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  private static ByteBuffer buf(byte[] b) {
    return ByteBuffer.wrap(b);
  }

  @Test
  void seriesGoldenBytes() {
    Encbuf out = new Encbuf();
    RecordEncoder.series(out, 7, LabelPairs.of("__name__", "up", "job", "a"));
    byte[] expected =
        hex(
            "01"
                + "0000000000000007"
                + "02"
                + "08 5f5f6e616d655f5f"
                + "02 7570"
                + "03 6a6f62"
                + "01 61");
    assertArrayEquals(expected, out.toByteArray());
    List<RefSeries> s = new ArrayList<>();
    dec.series(buf(expected), s);
    assertEquals(List.of(new RefSeries(7, LabelPairs.of("__name__", "up", "job", "a"))), s);
  }

  /**
   * The interning decoder (replay's path: hints from the previous series by bytes within a record,
   * by string across records) returns exactly what the plain decoder returns, and equal strings as
   * one instance, for neighbours that share, change, or differ in count of labels.
   */
  @Test
  void interningSeriesDecoderMatchesThePlainDecoderAcrossRecords() {
    long seed = Seeds.seed("RecordCodecTest.interningSeriesDecoder");
    Random r = new Random(seed);
    String[] values = {"a", "b", "caf\u00e9", "\u65e5\u672c", "job-1", "job-10", "", "x"};
    RecordDecoder plain = new RecordDecoder();
    RecordDecoder interning = new RecordDecoder();
    io.cardinal.tsdb.labels.Utf8Interner strings = new io.cardinal.tsdb.labels.Utf8Interner(2);
    java.util.Map<String, String> canon = new java.util.HashMap<>();
    for (int rec = 0; rec < 50; rec++) {
      Encbuf out = new Encbuf();
      int n = 1 + r.nextInt(20);
      long[] refs = new long[n];
      LabelPairs[] ls = new LabelPairs[n];
      for (int i = 0; i < n; i++) {
        refs[i] = rec * 100L + i;
        int count = 1 + r.nextInt(3);
        String[] nv = new String[2 * count];
        for (int k = 0; k < count; k++) {
          nv[2 * k] = "l" + k + (r.nextInt(8) == 0 ? "\u00e9" : "");
          nv[2 * k + 1] = values[r.nextInt(values.length)];
        }
        ls[i] = LabelPairs.of(nv);
      }
      RecordEncoder.series(out, refs, ls, n);
      byte[] bytes = out.toByteArray();
      List<RefSeries> want = new ArrayList<>();
      plain.series(buf(bytes), want);
      List<RefSeries> got = new ArrayList<>();
      interning.series(
          buf(bytes),
          strings,
          (ref, nv, hashes) -> {
            for (int i = 0; i < nv.length; i++) {
              String x = nv[i];
              canon.putIfAbsent(x, x);
              assertTrue(canon.get(x) == x, "one instance per string" + Seeds.at(seed));
              assertEquals(
                  io.cardinal.tsdb.labels.Labels.stringHash(x),
                  hashes[i],
                  "hash of " + x + Seeds.at(seed));
            }
            got.add(new RefSeries(ref, LabelPairs.of(nv)));
          });
      assertEquals(want, got, "record " + rec + Seeds.at(seed));
    }
  }

  @Test
  void samplesGoldenBytes() {
    Encbuf out = new Encbuf();
    RecordEncoder.samples(
        out, new long[] {1, 2, 0}, new long[] {1000, 1015, 990}, new double[] {1.0, 2.5, -0.0}, 3);
    byte[] expected =
        hex(
            "02"
                + "0000000000000001"
                + "00000000000003e8"
                + "00 00 3ff0000000000000" // delta ref 0, delta t 0
                + "02 1e 4004000000000000" // +1 -> zigzag 2, +15 -> 30
                + "01 13 8000000000000000"); // -1 -> zigzag 1, -10 -> 19
    assertArrayEquals(expected, out.toByteArray());
    SampleBatch b = new SampleBatch(1);
    dec.samples(buf(expected), b);
    assertEquals(3, b.size());
    assertEquals(2, b.ref(1));
    assertEquals(990, b.t(2));
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(b.v(2)));
  }

  @Test
  void emptySamplesRecordIsTypeByteOnly() {
    Encbuf out = new Encbuf();
    RecordEncoder.samples(out, new long[0], new long[0], new double[0], 0);
    assertArrayEquals(new byte[] {2}, out.toByteArray());
    SampleBatch b = new SampleBatch();
    b.add(1, 1, 1);
    dec.samples(out.view(), b);
    assertEquals(0, b.size());
  }

  @Test
  void tombstonesAndMmapMarkersGoldenBytes() {
    Encbuf out = new Encbuf();
    RecordEncoder.tombstones(out, new long[] {5}, new long[] {-1}, new long[] {100}, 1);
    assertArrayEquals(hex("03 0000000000000005 01 c801"), out.toByteArray());
    TombstoneBatch t = new TombstoneBatch();
    dec.tombstones(out.view(), t);
    assertEquals(1, t.size());
    assertEquals(-1, t.mint(0));
    assertEquals(100, t.maxt(0));

    out.reset();
    RecordEncoder.mmapMarkers(out, new long[] {9}, new long[] {0x0000000100000020L}, 1);
    assertArrayEquals(hex("05 0000000000000009 0000000100000020"), out.toByteArray());
    MmapMarkerBatch m = new MmapMarkerBatch();
    dec.mmapMarkers(out.view(), m);
    assertEquals(0x0000000100000020L, m.chunkRef(0));
  }

  @Test
  void exemplarsRoundTrip() {
    Encbuf out = new Encbuf();
    RecordEncoder.exemplars(
        out,
        new long[] {3, 1},
        new long[] {50, 40},
        new double[] {1.5, 2},
        new LabelPairs[] {LabelPairs.of("trace_id", "abc"), LabelPairs.of()},
        2);
    assertEquals(RecordType.EXEMPLARS, RecordType.of(out.view()));
    ExemplarBatch e = new ExemplarBatch();
    dec.exemplars(out.view(), e);
    assertEquals(2, e.size());
    assertEquals(1, e.ref(1));
    assertEquals(40, e.t(1));
    assertEquals(LabelPairs.of("trace_id", "abc"), e.labels(0));
    assertEquals(0, e.labels(1).size());
  }

  @Test
  void randomizedRoundTripOfAllTypes() {
    long seed = Seeds.seed("RecordCodecTest.randomizedRoundTripOfAllTypes");
    Random rnd = new Random(seed);
    Encbuf out = new Encbuf(16);
    for (int iter = 0; iter < 200; iter++) {
      int n = rnd.nextInt(50);
      long[] refs = new long[n];
      long[] ts = new long[n];
      double[] vs = new double[n];
      LabelPairs[] ls = new LabelPairs[n];
      for (int i = 0; i < n; i++) {
        refs[i] = rnd.nextInt(4) == 0 ? rnd.nextLong() : rnd.nextInt(1000);
        ts[i] = rnd.nextInt(4) == 0 ? rnd.nextLong() : 1_700_000_000_000L + rnd.nextInt(100_000);
        vs[i] = rnd.nextInt(10) == 0 ? Double.NaN : rnd.nextGaussian() * 1e6;
        String[] nv = new String[2 * rnd.nextInt(4)];
        for (int k = 0; k < nv.length; k++) {
          nv[k] = randomString(rnd);
        }
        ls[i] = LabelPairs.of(nv);
      }
      out.reset();
      int s0 = RecordEncoder.samples(out, refs, ts, vs, n);
      int s1 = RecordEncoder.series(out, refs, ls, n);
      int s2 = RecordEncoder.tombstones(out, refs, ts, refs, n);
      int end = out.length();
      ByteBuffer all = ByteBuffer.wrap(out.toByteArray());

      SampleBatch sb = new SampleBatch();
      dec.samples(all.duplicate().position(s0).limit(s1), sb);
      assertEquals(n, sb.size(), Seeds.at(seed));
      for (int i = 0; i < n; i++) {
        assertEquals(refs[i], sb.ref(i), Seeds.at(seed));
        assertEquals(ts[i], sb.t(i), Seeds.at(seed));
        assertEquals(
            Double.doubleToRawLongBits(vs[i]), Double.doubleToRawLongBits(sb.v(i)), Seeds.at(seed));
      }
      List<RefSeries> series = new ArrayList<>();
      dec.series(all.duplicate().position(s1).limit(s2), series);
      assertEquals(n, series.size());
      for (int i = 0; i < n; i++) {
        assertEquals(refs[i], series.get(i).ref());
        assertEquals(ls[i], series.get(i).labels(), Seeds.at(seed));
      }
      TombstoneBatch tb = new TombstoneBatch();
      dec.tombstones(all.duplicate().position(s2).limit(end), tb);
      assertEquals(n, tb.size());
    }
  }

  private static String randomString(Random rnd) {
    StringBuilder sb = new StringBuilder();
    int len = rnd.nextInt(20);
    for (int i = 0; i < len; i++) {
      switch (rnd.nextInt(4)) {
        case 0:
          sb.append((char) ('a' + rnd.nextInt(26)));
          break;
        case 1:
          sb.append('é');
          break;
        case 2:
          sb.append('\u6f22');
          break;
        default:
          sb.appendCodePoint(0x1F600 + rnd.nextInt(50));
          break;
      }
    }
    return sb.toString();
  }

  @Test
  void everyTruncationOfASamplesRecordIsReported() {
    Encbuf out = new Encbuf();
    RecordEncoder.samples(out, new long[] {1, 2}, new long[] {10, 20000}, new double[] {1, 2}, 2);
    byte[] full = out.toByteArray();
    SampleBatch b = new SampleBatch();
    for (int len = 2; len < full.length; len++) {
      if (len == 17 || len == 27) {
        // Cuts at a sample boundary are valid records (17: base row only, accepted as
        // empty as upstream does; 27: base row and first sample).
        dec.samples(ByteBuffer.wrap(full, 0, len).slice(), b);
        assertEquals((len - 17) / 10, b.size());
        continue;
      }
      ByteBuffer cut = ByteBuffer.wrap(full, 0, len).slice();
      RecordFormatException e =
          assertThrows(RecordFormatException.class, () -> dec.samples(cut, b), "length " + len);
      assertEquals(RecordFormatException.Code.TRUNCATED, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("recordType=SAMPLES"), e.getMessage());
    }
  }

  @Test
  void truncatedSeriesRecordNamesFieldAndOffset() {
    Encbuf out = new Encbuf();
    RecordEncoder.series(out, 1, LabelPairs.of("job", "node"));
    byte[] full = out.toByteArray();
    ByteBuffer cut = ByteBuffer.wrap(full, 0, full.length - 2).slice();
    RecordFormatException e =
        assertThrows(RecordFormatException.class, () -> dec.series(cut, new ArrayList<>()));
    assertEquals(RecordFormatException.Code.TRUNCATED, e.code());
    assertTrue(e.getMessage().contains("field=labelValue"), e.getMessage());
    assertTrue(e.getMessage().contains("offset=" + (full.length - 5)), e.getMessage());
  }

  @Test
  void garbledLabelCountIsInvalidLength() {
    byte[] rec = hex("01 0000000000000001 ffffffff0f");
    RecordFormatException e =
        assertThrows(RecordFormatException.class, () -> dec.series(buf(rec), new ArrayList<>()));
    assertEquals(RecordFormatException.Code.INVALID_LENGTH, e.code());
  }

  @Test
  void overflowingVarintIsReported() {
    byte[] rec = hex("03 0000000000000001 ffffffffffffffffff7f 00");
    RecordFormatException e =
        assertThrows(
            RecordFormatException.class, () -> dec.tombstones(buf(rec), new TombstoneBatch()));
    assertEquals(RecordFormatException.Code.INVALID_VARINT, e.code());
  }

  @Test
  void wrongTypeIsReported() {
    RecordFormatException e =
        assertThrows(
            RecordFormatException.class,
            () -> dec.samples(buf(new byte[] {1, 0}), new SampleBatch()));
    assertEquals(RecordFormatException.Code.WRONG_TYPE, e.code());
    assertEquals(RecordType.UNKNOWN, RecordType.of(buf(new byte[] {42})));
    assertEquals(RecordType.UNKNOWN, RecordType.of(buf(new byte[0])));
    assertEquals(RecordType.HISTOGRAM_SAMPLES, RecordType.of(buf(new byte[] {7})));
  }

  @Test
  void decbufKeepsFirstError() {
    Decbuf d = new Decbuf().reset(buf(new byte[] {1, 2, 3}));
    assertEquals(0, d.be64("a"));
    assertEquals(0, d.u8("b")); // would succeed, but the first error sticks
    assertEquals(3, d.remaining());
    assertTrue(d.err().getMessage().contains("field=a"));
  }

  @Test
  void varintEdgeValuesMatchGoEncoding() {
    Encbuf e = new Encbuf();
    e.putUvarint(-1L);
    assertArrayEquals(hex("ffffffffffffffffff01"), e.toByteArray());
    e.reset().putVarint(Long.MIN_VALUE);
    assertArrayEquals(hex("ffffffffffffffffff01"), e.toByteArray());
    e.reset().putVarint(-64);
    assertArrayEquals(hex("7f"), e.toByteArray());
    Decbuf d = new Decbuf().reset(buf(hex("ffffffffffffffffff01")));
    assertEquals(Long.MIN_VALUE, d.varint("x"));
    assertTrue(d.ok());
  }
}
