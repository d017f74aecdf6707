package io.cardinal.web.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cardinal.testing.Seeds;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.web.Json;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** JsonBytes writes the same bytes as {@link Json} followed by UTF-8 encoding (seed printed). */
class JsonBytesTest {
  private static final char[] ALPHABET =
      ("abcXYZ09_:/.-=+ \"\\<>&\n\r\t\u0001\u001f\u007f\u00e9\u20ac\u2028\u2029"
              + "\ud83d\ude00\ud800")
          .toCharArray();

  @Test
  void stringsAndLabelsAreEscapedLikeJson() {
    long seed = Seeds.seed("JsonBytesTest");
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < 5000; i++) {
      String[] nv = new String[2 * r.nextInt(0, 5)];
      for (int k = 0; k < nv.length; k++) {
        char[] c = new char[r.nextInt(0, 12)];
        for (int j = 0; j < c.length; j++) {
          // mostly plain ASCII, sometimes a character that needs escaping or is not ASCII
          c[j] =
              r.nextInt(4) == 0
                  ? ALPHABET[r.nextInt(ALPHABET.length)]
                  : (char) r.nextInt(0x20, 0x7f);
        }
        nv[k] = (k % 2 == 0 ? "l" + k : "") + new String(c);
      }
      Labels l = Labels.adopt(nv.clone());
      JsonBytes out = new JsonBytes(8);
      out.labels(l);
      byte[] want = new Json().labels(l).toString().getBytes(StandardCharsets.UTF_8);
      assertEquals(new String(want, StandardCharsets.UTF_8), out.toString(), Seeds.at(seed));
      assertEquals(
          Arrays.toString(want),
          Arrays.toString(Arrays.copyOf(out.array(), out.length())),
          Seeds.at(seed));
    }
  }

  @Test
  void pointsAndGrowth() {
    JsonBytes out = new JsonBytes(1);
    for (int i = 0; i < 1000; i++) {
      out.point(1700006400000L + i * 15_001L, i / 7.0);
    }
    String s = out.toString();
    assertEquals(
        true,
        s.startsWith("[1700006400,\"0\"][1700006415.001,\"0.14285714285714285\"]"),
        s.substring(0, 80));
    JsonBytes x =
        new JsonBytes(1).point(-1500, Double.NaN).point(5, 1e-7).point(0, -1e21).point(1, 1e20);
    assertEquals(
        "[-1.500,\"NaN\"][0.005,\"1e-07\"][0,\"-1e+21\"][0.001,\"100000000000000000000\"]",
        x.toString());
  }
}
