package io.cardinal.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.AppendStatus;
import io.cardinal.tsdb.BatchLimits;
import io.cardinal.tsdb.CommitResult;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeadAppendTest {
  static final Labels A = Labels.of("__name__", "m", "i", "a");
  static final Labels B = Labels.of("__name__", "m", "i", "b");
  static final Labels C = Labels.of("__name__", "m", "i", "c");

  @Test
  void samplesBecomeVisibleOnCommitOnly() {
    Head head = Head.inMemory();
    HeadAppender app = head.appender();
    long ref = app.append(0, A, 1000, 1.5);
    assertTrue(ref > 0);
    assertTrue(
        HeadTestSupport.read(head, 0, 10_000, Matcher.equal("__name__", "m")).isEmpty(),
        "uncommitted samples must not be visible");
    CommitResult r = app.commit();
    assertEquals(1, r.appended());
    assertEquals(1, r.seriesCreated());
    Map<Labels, List<long[]>> got =
        HeadTestSupport.read(head, 0, 10_000, Matcher.equal("__name__", "m"));
    assertEquals(1, got.size());
    assertEquals(1000, got.get(A).get(0)[0]);
    assertEquals(1.5, Double.longBitsToDouble(got.get(A).get(0)[1]));
    assertEquals(1, head.metrics().samples(AppendStatus.APPENDED));
  }

  @Test
  void appendByReferenceSkipsLabels() {
    Head head = Head.inMemory();
    HeadAppender app = head.appender();
    long ref = app.append(0, A, 1000, 1);
    app.commit();
    assertEquals(ref, app.append(ref, null, 2000, 2));
    app.commit();
    assertEquals(2, HeadTestSupport.read(head, 0, 10_000, Matcher.equal("i", "a")).get(A).size());
    // A reference that does not exist, with no labels to fall back on.
    assertEquals(AppendStatus.INVALID_SERIES, AppendStatus.of(app.append(999_999, null, 3000, 3)));
  }

  @Test
  void outOfOrderDuplicateAndOutOfBoundsAreRejected() {
    Head head = Head.inMemory();
    HeadAppender app = head.appender();
    app.append(0, A, 10_000, 1);
    app.commit();
    assertEquals(AppendStatus.OUT_OF_ORDER, AppendStatus.of(app.append(0, A, 9_000, 1)));
    assertEquals(AppendStatus.DUPLICATE, AppendStatus.of(app.append(0, A, 10_000, 2)));
    // Same timestamp and value: an idempotent re-send, accepted and not stored twice.
    assertTrue(app.append(0, A, 10_000, 1) > 0);
    CommitResult r = app.commit();
    assertEquals(1, r.count(AppendStatus.OUT_OF_ORDER));
    assertEquals(1, r.count(AppendStatus.DUPLICATE));
    assertEquals(1, HeadTestSupport.read(head, 0, 20_000, Matcher.equal("i", "a")).get(A).size());

    // Move the head far ahead: anything older than maxt - chunkRange/2 is out of bounds.
    long twoHours = HeadOptions.DEFAULT_CHUNK_RANGE_MS;
    app.append(0, B, 10 * twoHours, 1);
    app.commit();
    assertEquals(
        AppendStatus.OUT_OF_BOUNDS,
        AppendStatus.of(app.append(0, C, 10 * twoHours - twoHours / 2 - 1, 1)));
    assertTrue(app.append(0, C, 10 * twoHours - twoHours / 2, 1) > 0);
    r = app.commit();
    assertEquals(1, r.count(AppendStatus.OUT_OF_BOUNDS));
    assertEquals(1, r.appended());
    assertEquals(1, head.metrics().samples(AppendStatus.OUT_OF_BOUNDS));
    assertEquals(1, head.metrics().samples(AppendStatus.OUT_OF_ORDER));
  }

  @Test
  void outOfOrderWithinOneBatchIsCaughtAtCommit() {
    Head head = Head.inMemory();
    HeadAppender app = head.appender();
    long ref = app.append(0, A, 5000, 1);
    app.append(ref, null, 4000, 2); // validated against committed state, which is empty
    CommitResult r = app.commit();
    assertEquals(1, r.appended());
    assertEquals(1, r.count(AppendStatus.OUT_OF_ORDER));
  }

  @Test
  void rollbackDiscardsSamples() {
    Head head = Head.inMemory();
    HeadAppender app = head.appender();
    app.append(0, A, 1000, 1);
    app.rollback();
    assertTrue(HeadTestSupport.read(head, 0, 10_000, Matcher.equal("i", "a")).isEmpty());
    // The series exists (as in Prometheus) and GC removes it since it has no chunks.
    assertEquals(1, head.numSeries());
    assertEquals(1, head.truncate(0));
    assertEquals(0, head.numSeries());
  }

  @Test
  void staleMarkersAreStoredBitExact() {
    Head head = Head.inMemory();
    HeadAppender app = head.appender();
    long stale = 0x7ff0000000000002L;
    long ref = app.append(0, A, 1000, 1);
    app.append(ref, null, 2000, Double.longBitsToDouble(stale));
    app.commit();
    List<long[]> got = HeadTestSupport.read(head, 0, 10_000, Matcher.equal("i", "a")).get(A);
    assertEquals(stale, got.get(1)[1]);
  }

  @Test
  void globalSeriesLimitSkipsOnlyNewSeries() {
    Head head = new Head(HeadOptions.defaults().withMaxSeries(2));
    HeadAppender app = head.appender();
    app.append(0, A, 1000, 1);
    app.append(0, B, 1000, 1);
    long c = app.append(0, C, 1000, 1);
    assertEquals(AppendStatus.SKIPPED_SERIES_LIMIT, AppendStatus.of(c));
    CommitResult r = app.commit();
    assertEquals(2, r.appended());
    assertEquals(1, r.count(AppendStatus.SKIPPED_SERIES_LIMIT));
    assertEquals(2, head.numSeries());
    // At the limit, existing series keep ingesting.
    app.append(0, A, 2000, 2);
    app.append(0, B, 2000, 2);
    app.append(0, C, 2000, 2);
    r = app.commit();
    assertEquals(2, r.appended());
    assertEquals(1, r.count(AppendStatus.SKIPPED_SERIES_LIMIT));
    assertEquals(2, head.metrics().samples(AppendStatus.SKIPPED_SERIES_LIMIT));
    assertNull(HeadTestSupport.series(head, C));
    // Once GC frees room, new series are accepted again.
    head.truncate(3000);
    assertEquals(0, head.numSeries());
    assertTrue(app.append(0, C, 4000, 1) > 0);
    assertEquals(1, app.commit().appended());
  }

  @Test
  void patchedSampleLimitKeepsExistingSeriesAndSkipsNewOnes() {
    Head head = Head.inMemory();
    HeadAppender app = head.appender();
    Labels[] existing = new Labels[3];
    for (int i = 0; i < 3; i++) {
      existing[i] = Labels.of("__name__", "old", "i", "" + i);
      app.append(0, existing[i], 1000, i);
    }
    app.commit();

    app.limits(BatchLimits.sampleLimit(4));
    // Two new series fit under the limit, then existing series still flow, new ones are skipped.
    app.append(0, Labels.of("__name__", "new", "i", "0"), 2000, 1);
    app.append(0, Labels.of("__name__", "new", "i", "1"), 2000, 1);
    for (int i = 0; i < 3; i++) {
      assertTrue(app.append(0, existing[i], 2000, i) > 0, "existing series past the limit");
    }
    assertEquals(
        AppendStatus.SKIPPED_SAMPLE_LIMIT,
        AppendStatus.of(app.append(0, Labels.of("__name__", "new", "i", "2"), 2000, 1)));
    // A series created earlier in this batch exists, so it is accepted past the limit too.
    CommitResult r = app.commit();
    assertEquals(5, r.appended());
    assertEquals(1, r.count(AppendStatus.SKIPPED_SAMPLE_LIMIT));
    assertEquals(2, r.seriesCreated());
    assertEquals(5, head.numSeries());
    // The next batch starts counting from zero again.
    assertTrue(app.append(0, Labels.of("__name__", "new", "i", "2"), 3000, 1) > 0);
    assertEquals(1, app.commit().appended());
  }

  @Test
  void labelLimitsDropTheOffendingSampleOnly() {
    Head head = Head.inMemory();
    HeadAppender app = head.appender().limits(new BatchLimits(0, 3, 8, 4));
    assertEquals(
        AppendStatus.DROPPED_LABEL_LIMIT,
        AppendStatus.of(
            app.append(0, Labels.of("__name__", "m", "a", "1", "b", "2", "c", "3"), 1, 1)));
    assertEquals(
        AppendStatus.DROPPED_LABEL_NAME_LENGTH,
        AppendStatus.of(app.append(0, Labels.of("__name__", "m", "long_name", "1"), 1, 1)));
    assertEquals(
        AppendStatus.DROPPED_LABEL_VALUE_LENGTH,
        AppendStatus.of(app.append(0, Labels.of("__name__", "m", "a", "12345"), 1, 1)));
    assertTrue(app.append(0, Labels.of("__name__", "m", "a", "1234"), 1, 1) > 0);
    CommitResult r = app.commit();
    assertEquals(1, r.appended());
    assertEquals(1, r.count(AppendStatus.DROPPED_LABEL_LIMIT));
    assertEquals(1, r.count(AppendStatus.DROPPED_LABEL_NAME_LENGTH));
    assertEquals(1, r.count(AppendStatus.DROPPED_LABEL_VALUE_LENGTH));
    assertEquals(3, r.rejected());
  }

  @Test
  void hashCollisionsKeepSeriesDistinct() {
    Head head = new Head(HeadOptions.defaults().withHasher(l -> 42L));
    HeadAppender app = head.appender();
    long ra = app.append(0, A, 1000, 1);
    long rb = app.append(0, B, 1000, 2);
    long rc = app.append(0, C, 1000, 3);
    app.commit();
    assertTrue(ra != rb && rb != rc && ra != rc);
    assertEquals(3, head.numSeries());
    // Appending by labels finds the right series in the chain.
    assertEquals(rb, app.append(0, B, 2000, 20));
    app.commit();
    Map<Labels, List<long[]>> got =
        HeadTestSupport.read(head, 0, 10_000, Matcher.equal("__name__", "m"));
    assertEquals(3, got.size());
    assertEquals(1, got.get(A).size());
    assertEquals(2, got.get(B).size());
    assertEquals(20.0, Double.longBitsToDouble(got.get(B).get(1)[1]));
    assertEquals(3.0, Double.longBitsToDouble(got.get(C).get(0)[1]));
    // GC of one colliding series leaves the others reachable.
    HeadAppender app2 = head.appender();
    app2.append(0, A, 5_000_000, 1);
    app2.append(0, C, 5_000_000, 1);
    app2.commit();
    assertEquals(1, head.truncate(3000));
    assertNull(HeadTestSupport.series(head, B));
    assertNotNull(HeadTestSupport.series(head, A));
    assertNotNull(HeadTestSupport.series(head, C));
  }
}
