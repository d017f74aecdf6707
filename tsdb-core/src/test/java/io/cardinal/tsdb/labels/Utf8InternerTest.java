package io.cardinal.tsdb.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.cardinal.testing.Seeds;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Utf8InternerTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void equalBytesGiveTheSameInstanceAndDifferentBytesDifferentStrings() {
    Utf8Interner in = new Utf8Interner(4);
    byte[] a = utf8("xxjob-1yy");
    String first = in.intern(a, 2, 5);
    assertEquals("job-1", first);
    assertSame(first, in.intern(utf8("job-1"), 0, 5));
    assertSame(first, in.intern(ByteBuffer.wrap(a), 2, 5));
    assertEquals("job-2", in.intern(utf8("job-2"), 0, 5));
    assertEquals("", in.intern(new byte[0], 0, 0));
    assertEquals(3, in.size());
  }

  @Test
  void nonAsciiIsDecodedAsUtf8AndInterned() {
    Utf8Interner in = new Utf8Interner();
    for (String s : new String[] {"héllo", "日本語", "emoji \uD83D\uDE00", "\u00ff"}) {
      byte[] b = utf8(s);
      String got = in.intern(b, 0, b.length);
      assertEquals(s, got);
      assertSame(got, in.intern(b, 0, b.length));
      ByteBuffer direct = ByteBuffer.allocateDirect(b.length).put(b).flip();
      assertSame(got, in.intern(direct, 0, b.length));
    }
    // Latin-1 'ÿ' (one char) and its UTF-8 bytes (two) must not be confused with byte 0xFF.
    assertEquals(4, in.size());
  }

  @Test
  void hintIsReturnedOnlyWhenEqual() {
    Utf8Interner in = new Utf8Interner();
    String hint = in.intern(utf8("namespace"), 0, 9);
    ByteBuffer b = ByteBuffer.wrap(utf8("namespace"));
    assertSame(hint, in.intern(b, 0, 9, hint));
    ByteBuffer other = ByteBuffer.wrap(utf8("namespacf"));
    assertEquals("namespacf", in.intern(other, 0, 9, hint));
    assertEquals("names", in.intern(b, 0, 5, hint));
    // A hint with a non-ASCII char never matches bytes by accident; the table still answers.
    String e = "caf\u00e9";
    ByteBuffer eb = ByteBuffer.wrap(utf8(e));
    String canonical = in.intern(eb, 0, eb.limit(), e);
    assertEquals(e, canonical);
    assertSame(canonical, in.intern(eb, 0, eb.limit(), null));
  }

  @Test
  void manyRandomStringsSurviveGrowthAndClear() {
    long seed = Seeds.seed("Utf8InternerTest");
    SplittableRandom r = new SplittableRandom(seed);
    Utf8Interner in = new Utf8Interner(2);
    Map<String, String> canon = new HashMap<>();
    for (int i = 0; i < 50_000; i++) {
      int len = r.nextInt(0, 12);
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < len; k++) {
        sb.append(r.nextInt(10) == 0 ? (char) r.nextInt(0x80, 0x800) : (char) r.nextInt('a', 'e'));
      }
      String s = sb.toString();
      byte[] b = utf8(s);
      String got = in.intern(b, 0, b.length);
      assertEquals(s, got, Seeds.at(seed));
      String prev = canon.putIfAbsent(s, got);
      if (prev != null) {
        assertSame(prev, got, Seeds.at(seed));
      }
    }
    assertEquals(canon.size(), in.size(), Seeds.at(seed));
    in.clear();
    assertEquals(0, in.size());
    assertEquals("abc", in.intern(utf8("abc"), 0, 3));
  }
}
