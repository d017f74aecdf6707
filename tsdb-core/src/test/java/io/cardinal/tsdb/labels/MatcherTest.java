package io.cardinal.tsdb.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.Seeds;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MatcherTest {
  @Test
  void regexIsFullyAnchored() {
    Matcher m = Matcher.regex("job", "api");
    assertTrue(m.matches("api"));
    assertFalse(m.matches("api-server"));
    assertFalse(m.matches("my-api"));
    Matcher p = Matcher.regex("job", "a.c|x");
    assertTrue(p.matches("abc"));
    assertFalse(p.matches("abcx"));
  }

  @Test
  void dotMatchesNewlineAsInPrometheus() {
    assertTrue(Matcher.regex("a", "x.y").matches("x\ny"));
  }

  @Test
  void emptyMatchingMatchers() {
    assertTrue(Matcher.equal("a", "").matchesEmpty());
    assertTrue(Matcher.notEqual("a", "x").matchesEmpty());
    assertTrue(Matcher.regex("a", ".*").matchesEmpty());
    assertTrue(Matcher.regex("a", "x|").matchesEmpty());
    assertFalse(Matcher.regex("a", ".+").matchesEmpty());
    assertFalse(Matcher.notRegex("a", ".*").matchesEmpty());
    assertFalse(Matcher.equal("a", "x").matchesEmpty());
  }

  @Test
  void fastPathsAgreeWithTheRegexEngine() {
    String[] inputs = {"", "a", "b", "foo", "foobar", "xfoo", "a|b", ".*", "\n", "fo"};
    String[] patterns = {
      ".*", ".+", "foo", "a|b|foo", "foo.*", "fo+", "(a|b)", "[ab]", "foo.*|a", ""
    };
    for (String re : patterns) {
      Matcher fast = Matcher.regex("l", re);
      com.google.re2j.Pattern slow =
          com.google.re2j.Pattern.compile(re, com.google.re2j.Pattern.DOTALL);
      for (String in : inputs) {
        assertEquals(
            slow.matcher(in).matches(), fast.matches(in), "/" + re + "/ on \"" + in + "\"");
        assertEquals(!slow.matcher(in).matches(), Matcher.notRegex("l", re).matches(in));
      }
    }
  }

  @Test
  void finiteRegexesBecomeSets() {
    assertEquals(Set.of("ns-1", "ns-2", "ns-3"), Matcher.regex("l", "ns-(1|2|3)").setMatches());
    assertEquals(
        Set.of("/api/h0", "/api/h1", "/api/h2", "/api/h3"),
        Matcher.regex("l", "/api/h[0-3]").setMatches());
    assertEquals(
        Set.of("ax", "ay", "bx", "by", "c"), Matcher.regex("l", "(?:a|b)(x|y)|c").setMatches());
    assertEquals(Set.of("a", ""), Matcher.regex("l", "a|").setMatches());
    assertEquals(Set.of("ns-1", "ns-2"), Matcher.notRegex("l", "ns-(1|2)").setNonMatches());
    assertEquals(Set.of("x"), Matcher.notEqual("l", "x").setNonMatches());
    assertNull(Matcher.regex("l", "ns-(1|2)").setNonMatches());
    for (String notFinite :
        new String[] {
          "(?i)ab", "a(b|c)*", "a\\.b", "[^a]", "[a-]", "h[0-9]{2}", "^a$", "x.", "(a|b))?"
        }) {
      try {
        assertNull(Matcher.regex("l", notFinite).setMatches(), notFinite);
      } catch (IllegalArgumentException invalid) {
        // not a regex at all: fine
      }
    }
    // Too many strings: stays a regex.
    assertNull(Matcher.regex("l", "[a-z][a-z]").setMatches());
  }

  /** Random regexes of the literal-only shapes, and near misses, against re2j on random inputs. */
  @Test
  void setRegexesAgreeWithTheRegexEngineOnRandomInputs() {
    long seed = Seeds.seed("MatcherTest");
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    String alphabet = "ab-1/.|";
    int sets = 0;
    for (int k = 0; k < 2_000; k++) {
      String re = randomRegex(r, 3);
      Matcher fast;
      com.google.re2j.Pattern slow;
      try {
        slow = com.google.re2j.Pattern.compile(re, com.google.re2j.Pattern.DOTALL);
      } catch (com.google.re2j.PatternSyntaxException e) {
        continue;
      }
      fast = Matcher.regex("l", re);
      java.util.List<String> inputs = new java.util.ArrayList<>();
      if (fast.setMatches() != null) {
        inputs.addAll(fast.setMatches());
        sets++;
      }
      for (int i = 0; i < 20; i++) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(6);
        for (int j = 0; j < n; j++) {
          sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        inputs.add(sb.toString());
      }
      for (String in : new java.util.ArrayList<>(inputs)) {
        if (!in.isEmpty()) {
          inputs.add(in.substring(1));
          inputs.add(in + "a");
        }
      }
      for (String in : inputs) {
        assertEquals(
            slow.matcher(in).matches(),
            fast.matches(in),
            "/" + re + "/ on \"" + in + "\"" + Seeds.at(seed));
      }
    }
    assertTrue(sets > 300, "the generator made " + sets + " set-shaped regexes" + Seeds.at(seed));
  }

  private static String randomRegex(java.util.SplittableRandom r, int depth) {
    StringBuilder sb = new StringBuilder();
    int items = 1 + r.nextInt(3);
    for (int i = 0; i < items; i++) {
      switch (depth > 0 ? r.nextInt(9) : r.nextInt(4)) {
        case 0, 1 -> sb.append("ab-1".charAt(r.nextInt(4)));
        case 2 -> sb.append('[').append(r.nextBoolean() ? "a-b" : "1ab").append(']');
        case 3 -> sb.append(r.nextInt(10) == 0 ? "." : "/");
        case 4, 5 ->
            sb.append(r.nextBoolean() ? "(" : "(?:")
                .append(randomRegex(r, depth - 1))
                .append('|')
                .append(randomRegex(r, depth - 1))
                .append(')');
        case 6 -> sb.append(randomRegex(r, depth - 1)).append('|');
        case 7 -> sb.append(r.nextInt(3) == 0 ? "*" : r.nextBoolean() ? "[^a]" : "\\.");
        default -> sb.append("(|").append(randomRegex(r, depth - 1)).append(')');
      }
    }
    return sb.toString();
  }

  @Test
  void setMatchesForEqualityAndLiteralAlternation() {
    assertEquals(Set.of("a", "b", "c"), Matcher.regex("l", "a|b|c").setMatches());
    assertEquals(Set.of("x"), Matcher.equal("l", "x").setMatches());
    assertNull(Matcher.regex("l", "a.|b").setMatches());
    assertNull(Matcher.notRegex("l", "a|b").setMatches());
  }

  @Test
  void hostileRegexRunsInLinearTime() {
    String input = "a".repeat(100_000) + "b";
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          assertFalse(Matcher.regex("l", "(a+)+$").matches(input));
          assertFalse(Matcher.regex("l", "(a|aa)+").matches(input));
          assertFalse(Matcher.regex("l", "(.*a){20}").matches("a".repeat(19)));
        });
  }

  @Test
  void invalidRegexIsRejectedWithReason() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Matcher.regex("l", "a("));
    assertTrue(e.getMessage().startsWith("error parsing regexp"), e.getMessage());
    // Perl backreferences are not RE2 syntax.
    assertThrows(IllegalArgumentException.class, () -> Matcher.regex("l", "(a)\\1"));
  }

  @Test
  void rendersLikePromQL() {
    assertEquals("job=~\"a|b\"", Matcher.regex("job", "a|b").toString());
    assertEquals("x!=\"y\"", Matcher.notEqual("x", "y").toString());
  }
}
