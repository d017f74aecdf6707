package io.cardinal.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The commit observer sees each applied batch once, new series first, and nothing rejected. */
class CommitObserverTest {
  @Test
  void seesAppliedSamplesAndNewSeriesOfEachCommit() {
    Head head = new Head(HeadOptions.defaults());
    List<String> seen = new ArrayList<>();
    head.setCommitObserver(
        (newRefs, newLabels, newCount, refs, ts, vs, n) -> {
          for (int i = 0; i < newCount; i++) {
            seen.add("new " + newRefs[i] + " " + newLabels[i]);
          }
          for (int i = 0; i < n; i++) {
            seen.add(refs[i] + "@" + ts[i] + "=" + vs[i]);
          }
        });
    Appender app = head.appender();
    long a = app.append(0, Labels.of("__name__", "a"), 1000, 1);
    app.append(a, null, 2000, 2);
    app.commit();
    assertEquals(List.of("new " + a + " {__name__=\"a\"}", a + "@1000=1.0", a + "@2000=2.0"), seen);
    seen.clear();
    // An out-of-order sample is rejected at append and never observed; an existing series is not
    // new again.
    assertTrue(app.append(a, null, 1500, 9) < 0);
    app.append(a, null, 3000, 3);
    app.commit();
    assertEquals(List.of(a + "@3000=3.0"), seen);
    seen.clear();
    head.setCommitObserver(null);
    app.append(a, null, 4000, 4);
    app.commit();
    assertEquals(List.of(), seen);
  }
}
