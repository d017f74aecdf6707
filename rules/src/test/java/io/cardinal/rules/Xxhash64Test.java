package io.cardinal.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Xxhash64Test {
  private static long h(String s) {
    return Xxhash64.hash(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void knownVectors() {
    // The reference implementation's published values for seed 0.
    assertEquals(0xEF46DB3751D8E999L, h(""));
    assertEquals(0xD24EC4F1A98C6E5BL, h("a"));
    assertEquals(0x44BC2CF5AD770999L, h("abc"));
    assertEquals(0xFBCEA83C8A378BF1L, h("Nobody inspects the spammish repetition"));
  }

  @Test
  void groupOffsetIsWithinTheInterval() {
    GroupSpec s =
        new GroupSpec(
            "/etc/rules.yml",
            "g",
            15_000,
            null,
            0,
            io.cardinal.tsdb.labels.Labels.EMPTY,
            java.util.List.of());
    Group g = new Group(s, RuleOptions.defaults());
    long interval = 15_000L * 1_000_000L;
    assertEquals(
        Long.remainderUnsigned(Group.hash("/etc/rules.yml", "g"), interval), g.offsetNanos);
    long now = 1_700_000_000_123_456_789L;
    long slot = g.evalTimestampNanos(now);
    assertEquals(true, slot <= now && now - slot < interval);
    assertEquals(g.offsetNanos, Math.floorMod(slot, interval));
  }
}
