package io.cardinal.capacity.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemoryModelTest {
  @Test
  void memoryModelArithmetic() {
    MemoryModel m = MemoryModel.DEFAULT;
    MemoryModel.Plan p = m.plan(1L << 30, false, 1000, 0, 0);
    assertEquals(0.5, p.reservedFraction(), 1e-9);
    assertEquals(536870912, p.usableBytes());
    assertEquals(536870, p.seriesThatFit());
    MemoryModel.Plan heap = m.plan(1L << 30, true, 1000, 1 << 20, 1000);
    assertEquals(0.4, heap.reservedFraction(), 1e-9);
    assertEquals(3000, heap.lingeringSeries());
    assertEquals(
        (long) Math.floor(((long) Math.floor((1L << 30) * 0.6) - (1 << 20)) / 1000.0) - 3000,
        heap.seriesThatFit());
    // With stale-series eviction a removed series stays the idle time plus one 30s check.
    assertEquals(3 * 3600, MemoryModel.lingerSeconds(0, 15, false));
    assertEquals(330, MemoryModel.lingerSeconds(300, 15, true), "pushed: idle + one check");
    assertEquals(45, MemoryModel.lingerSeconds(300, 15, false), "scraped: marker + one check");
    MemoryModel.Plan evicting =
        m.plan(1L << 30, true, 1000, 1 << 20, 1_200_000, MemoryModel.lingerSeconds(300, 15, false));
    assertEquals(15_000, evicting.lingeringSeries());
    assertEquals(heap.seriesThatFit() + 3000 - 15_000, evicting.seriesThatFit());
    assertThrows(IllegalArgumentException.class, () -> m.plan(0, false, 100, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> m.plan(1 << 20, false, 100, 1 << 20, 0));
    assertThrows(IllegalArgumentException.class, () -> m.plan(1 << 30, false, 0, 0, 0));
  }

  @Test
  void nonsenseIsRefusedWithWhy() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> MemoryModel.DEFAULT.plan(1 << 20, false, 100, 1 << 20, 0));
    assertTrue(e.getMessage().contains("not a usable budget"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MemoryModel(0.5, 0.5, 0, 0));
  }
}
