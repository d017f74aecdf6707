package io.cardinal.tsdb.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    String[] patterns = {".*", ".+", "foo", "a|b|foo", "foo.*", "fo+", "(a|b)", "[ab]", "foo.*|a", ""};
    for (String re : patterns) {
      Matcher fast = Matcher.regex("l", re);
      com.google.re2j.Pattern slow = com.google.re2j.Pattern.compile(re, com.google.re2j.Pattern.DOTALL);
      for (String in : inputs) {
        assertEquals(slow.matcher(in).matches(), fast.matches(in), "/" + re + "/ on \"" + in + "\"");
        assertEquals(!slow.matcher(in).matches(), Matcher.notRegex("l", re).matches(in));
      }
    }
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
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      assertFalse(Matcher.regex("l", "(a+)+$").matches(input));
      assertFalse(Matcher.regex("l", "(a|aa)+").matches(input));
      assertFalse(Matcher.regex("l", "(.*a){20}").matches("a".repeat(19)));
    });
  }

  @Test
  void invalidRegexIsRejectedWithReason() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Matcher.regex("l", "a("));
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
