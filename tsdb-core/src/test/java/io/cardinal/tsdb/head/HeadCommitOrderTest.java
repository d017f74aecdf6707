package io.cardinal.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.Seeds;
import io.cardinal.tsdb.CommitResult;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Appenders racing on the same series: whatever order their commits land in, the log must hold
 * exactly the samples the head applied, in the order it applied them, so a replay of the log
 * rebuilds the same head and rejects nothing.
 */
class HeadCommitOrderTest {

  /** A log that keeps every record in memory, in the order the head logged them. */
  static final class RecordingLog implements HeadLog {
    final List<Object[]> records = new ArrayList<>();

    @Override
    public synchronized void logSeries(long[] refs, Labels[] labels, int n) {
      for (int i = 0; i < n; i++) {
        records.add(new Object[] {refs[i], labels[i]});
      }
    }

    @Override
    public synchronized void logSamples(long[] refs, long[] ts, double[] vs, int n) {
      for (int i = 0; i < n; i++) {
        records.add(new Object[] {refs[i], ts[i], vs[i]});
      }
    }
  }

  @Test
  void logOrderIsApplyOrderUnderRacingCommits() throws Exception {
    long seed = Seeds.seed("HeadCommitOrderTest");
    RecordingLog log = new RecordingLog();
    Head head = new Head(HeadOptions.defaults().withSamplesPerChunk(30).withLog(log));
    int seriesCount = 3;
    AtomicLong[] tickets = new AtomicLong[seriesCount];
    for (int s = 0; s < seriesCount; s++) {
      tickets[s] = new AtomicLong();
    }
    AtomicLong rejectedWhole = new AtomicLong();
    Thread[] writers = new Thread[4];
    for (int w = 0; w < writers.length; w++) {
      Random rnd = new Random(seed + w);
      writers[w] =
          new Thread(
              () -> {
                HeadAppender app = head.appender();
                for (int b = 0; b < 2_000; b++) {
                  int s = rnd.nextInt(seriesCount);
                  long k = tickets[s].getAndIncrement();
                  Labels l = Labels.of("__name__", "m", "s", Integer.toString(s));
                  for (int j = 0; j < 10; j++) {
                    app.append(0, l, (k * 10 + j) * 1000, k * 10 + j);
                  }
                  // Now and then a second, older sample in the same batch: rejected, and never
                  // logged.
                  if (rnd.nextInt(8) == 0) {
                    app.append(0, l, k * 10 * 1000, -1);
                  }
                  CommitResult r = app.commit();
                  if (r.appended() == 0) {
                    rejectedWhole.incrementAndGet();
                  }
                }
              });
    }
    for (Thread t : writers) {
      t.start();
    }
    for (Thread t : writers) {
      t.join();
    }
    assertTrue(
        rejectedWhole.get() > 0, "no commit lost a race; the test proves nothing" + Seeds.at(seed));

    // Replay the log, in its order, into a fresh head: nothing may be rejected, and the result must
    // be the head that was served.
    Head replayed = new Head(HeadOptions.defaults().withSamplesPerChunk(30));
    Map<Long, Labels> labelsByRef = new java.util.HashMap<>();
    HeadAppender app = replayed.appender();
    for (Object[] r : log.records) {
      if (r.length == 2) {
        labelsByRef.putIfAbsent((Long) r[0], (Labels) r[1]);
      } else {
        Labels l = labelsByRef.get((Long) r[0]);
        assertTrue(
            l != null, "a sample logged before its series [ref=" + r[0] + "]" + Seeds.at(seed));
        app.append(0, l, (Long) r[1], (Double) r[2]);
        CommitResult c = app.commit();
        assertEquals(
            0,
            c.rejected(),
            "replay rejected a logged sample " + c + " [t=" + r[1] + "]" + Seeds.at(seed));
      }
    }
    Map<Labels, List<long[]>> served =
        HeadTestSupport.read(head, Long.MIN_VALUE, Long.MAX_VALUE, Matcher.equal("__name__", "m"));
    Map<Labels, List<long[]>> rebuilt =
        HeadTestSupport.read(
            replayed, Long.MIN_VALUE, Long.MAX_VALUE, Matcher.equal("__name__", "m"));
    assertEquals(served.keySet(), rebuilt.keySet());
    for (Labels l : served.keySet()) {
      List<long[]> a = served.get(l);
      List<long[]> b = rebuilt.get(l);
      assertEquals(a.size(), b.size(), "sample count of " + l + Seeds.at(seed));
      for (int i = 0; i < a.size(); i++) {
        assertEquals(a.get(i)[0], b.get(i)[0], "timestamp " + i + " of " + l + Seeds.at(seed));
        assertEquals(a.get(i)[1], b.get(i)[1], "value " + i + " of " + l + Seeds.at(seed));
      }
    }
  }
}
