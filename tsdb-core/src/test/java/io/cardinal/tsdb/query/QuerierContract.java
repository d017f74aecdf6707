package io.cardinal.tsdb.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadAppender;
import io.cardinal.tsdb.head.HeadOptions;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Querier} promises, run against each implementation by a subclass in its module:
 * the four matcher kinds with Prometheus's semantics (anchored regexes, a missing label is the
 * empty value), sorted results, samples clipped to the queried range, label names and values
 * restricted by matchers, and empty answers where nothing matches.
 */
public abstract class QuerierContract {
  /** One series of the fixture: labels and its samples in time order. */
  public record TestSeries(Labels labels, long[] ts, double[] vs) {
    /** The samples whose timestamp passes {@code keep}, e.g. to split the fixture over sources. */
    public TestSeries filter(LongPredicate keep) {
      int n = 0;
      for (long t : ts) {
        n += keep.test(t) ? 1 : 0;
      }
      long[] t2 = new long[n];
      double[] v2 = new double[n];
      for (int i = 0, j = 0; i < ts.length; i++) {
        if (keep.test(ts[i])) {
          t2[j] = ts[i];
          v2[j++] = vs[i];
        }
      }
      return new TestSeries(labels, t2, v2);
    }
  }

  protected static final long STEP = 15_000;
  protected static final long END = 8 * STEP;

  /** The first sample of the "late" series: nothing of it lies in the early half of the range. */
  protected static final long LATE = 6 * STEP;

  /** Closed after each test, last registered first. */
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  /**
   * A querier over [mint, maxt] of a store holding exactly {@code data}. Register what must be
   * released with {@link #closeLater}.
   */
  protected abstract Querier open(List<TestSeries> data, long mint, long maxt) throws Exception;

  protected final <T extends AutoCloseable> T closeLater(T resource) {
    resources.push(resource);
    return resource;
  }

  @AfterEach
  void release() throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  /** An in-memory head holding {@code data}, for implementations built from one. */
  protected static Head headOf(List<TestSeries> data) {
    Head head = new Head(HeadOptions.defaults());
    HeadAppender app = head.appender();
    for (TestSeries s : data) {
      long ref = 0;
      for (int i = 0; i < s.ts().length; i++) {
        ref = app.append(ref, s.labels(), s.ts()[i], s.vs()[i]);
      }
    }
    app.commit();
    return head;
  }

  protected static List<TestSeries> fixture() {
    List<Labels> ls =
        List.of(
            Labels.of("__name__", "up", "instance", "a:1", "job", "api"),
            Labels.of("__name__", "up", "instance", "b:1", "job", "api"),
            Labels.of("__name__", "up", "env", "prod", "instance", "c:1", "job", "db"),
            Labels.of("__name__", "up", "instance", "d:1", "job", "web"),
            Labels.of("__name__", "requests_total", "job", "api", "path", "/x"),
            Labels.of("__name__", "requests_total", "job", "db", "path", "/y"));
    List<TestSeries> out = new ArrayList<>();
    for (int s = 0; s < ls.size(); s++) {
      out.add(series(ls.get(s), 0, s));
    }
    out.add(series(Labels.of("__name__", "late", "job", "api"), LATE, ls.size()));
    return out;
  }

  private static TestSeries series(Labels l, long from, int id) {
    int n = (int) ((END - from) / STEP) + 1;
    long[] ts = new long[n];
    double[] vs = new double[n];
    for (int i = 0; i < n; i++) {
      ts[i] = from + i * STEP;
      vs[i] = id * 100 + i + 0.5;
    }
    return new TestSeries(l, ts, vs);
  }

  /** "labels t=v t=v ..." per series, in the order the set returned them. */
  public static List<String> dump(SeriesSet set) {
    List<String> out = new ArrayList<>();
    SampleIterator it = null;
    while (set.next()) {
      Series s = set.at();
      StringBuilder sb = new StringBuilder(s.labels().toString());
      it = s.iterator(it);
      while (it.next()) {
        sb.append(' ').append(it.timestamp()).append('=').append(it.value());
      }
      assertEquals(null, it.error(), "iterator error on " + s.labels());
      out.add(sb.toString());
    }
    return out;
  }

  /**
   * What a correct querier returns: the matching fixture series in label order, clipped to [mint,
   * maxt].
   */
  private static List<String> expected(List<TestSeries> data, long mint, long maxt, Matcher... ms) {
    List<TestSeries> hits = new ArrayList<>();
    for (TestSeries s : data) {
      boolean all = true;
      for (Matcher m : ms) {
        String v = s.labels().get(m.name());
        all &= m.matches(v == null ? "" : v);
      }
      TestSeries clipped = s.filter(t -> t >= mint && t <= maxt);
      if (all && clipped.ts().length > 0) {
        hits.add(clipped);
      }
    }
    hits.sort((a, b) -> a.labels().compareTo(b.labels()));
    List<String> out = new ArrayList<>();
    for (TestSeries s : hits) {
      StringBuilder sb = new StringBuilder(s.labels().toString());
      for (int i = 0; i < s.ts().length; i++) {
        sb.append(' ').append(s.ts()[i]).append('=').append(s.vs()[i]);
      }
      out.add(sb.toString());
    }
    return out;
  }

  private List<String> check(
      Querier q, List<TestSeries> data, long mint, long maxt, Matcher... ms) {
    List<String> want = expected(data, mint, maxt, ms);
    List<String> got = dump(q.select(true, mint, maxt, ms));
    assertEquals(want, got, "select " + List.of(ms) + " over [" + mint + ", " + maxt + "]");
    return got;
  }

  @Test
  void equalitySelectsExactlyTheMatchingSeriesSortedWithAllSamples() throws Exception {
    List<TestSeries> data = fixture();
    Querier q = closeLater(open(data, 0, END));
    List<String> got = check(q, data, 0, END, Matcher.equal("__name__", "up"));
    assertEquals(4, got.size());
    check(q, data, 0, END, Matcher.equal("__name__", "up"), Matcher.equal("job", "api"));
  }

  @Test
  void notEqualAndMissingLabelsCountAsEmpty() throws Exception {
    List<TestSeries> data = fixture();
    Querier q = closeLater(open(data, 0, END));
    assertEquals(
        2,
        check(q, data, 0, END, Matcher.equal("__name__", "up"), Matcher.notEqual("job", "api"))
            .size());
    // A series without "env" has env="" as far as matchers go.
    assertEquals(
        3,
        check(q, data, 0, END, Matcher.equal("__name__", "up"), Matcher.equal("env", "")).size());
    assertEquals(
        1,
        check(q, data, 0, END, Matcher.equal("__name__", "up"), Matcher.notEqual("env", ""))
            .size());
  }

  @Test
  void regexesAreAnchoredAndNegatedRegexesExclude() throws Exception {
    List<TestSeries> data = fixture();
    Querier q = closeLater(open(data, 0, END));
    assertEquals(
        3,
        check(q, data, 0, END, Matcher.equal("__name__", "up"), Matcher.regex("job", "api|db"))
            .size());
    assertEquals(
        0,
        check(q, data, 0, END, Matcher.equal("__name__", "up"), Matcher.regex("job", "ap")).size());
    assertEquals(
        2,
        check(q, data, 0, END, Matcher.equal("__name__", "up"), Matcher.notRegex("job", "a.*"))
            .size());
    assertEquals(
        5,
        check(q, data, 0, END, Matcher.notRegex("job", "db"), Matcher.regex("__name__", ".+"))
            .size());
  }

  @Test
  void everySeriesComesBackInLabelOrderAndUnsortedSelectsTheSameSet() throws Exception {
    List<TestSeries> data = fixture();
    Querier q = closeLater(open(data, 0, END));
    List<String> sorted = check(q, data, 0, END, Matcher.regex("__name__", ".+"));
    assertEquals(data.size(), sorted.size());
    List<String> unsorted = dump(q.select(false, 0, END, Matcher.regex("__name__", ".+")));
    assertEquals(new HashSet<>(sorted), new HashSet<>(unsorted));
    assertEquals(sorted.size(), unsorted.size(), "no series twice");
  }

  @Test
  void samplesAreClippedToTheQueriedRange() throws Exception {
    List<TestSeries> data = fixture();
    long mint = 2 * STEP;
    long maxt = 4 * STEP;
    Querier q = closeLater(open(data, mint, maxt));
    List<String> got = check(q, data, mint, maxt, Matcher.regex("__name__", ".+"));
    // The late series has nothing in range, so it is not returned at all.
    assertFalse(got.stream().anyMatch(s -> s.startsWith("{__name__=\"late\"")), got.toString());
    assertEquals(data.size() - 1, got.size());
  }

  @Test
  void aRangeCoveringOnlyTheLateSeriesReturnsOnlyIt() throws Exception {
    List<TestSeries> data = fixture();
    Querier q = closeLater(open(data, END + 1, END + 10 * STEP));
    assertEquals(
        List.of(), dump(q.select(true, END + 1, END + 10 * STEP, Matcher.regex("__name__", ".+"))));
    Querier late = closeLater(open(data, LATE, END));
    assertEquals(data.size(), check(late, data, LATE, END, Matcher.regex("__name__", ".+")).size());
  }

  @Test
  void labelNamesAreSortedAndRestrictedByMatchers() throws Exception {
    List<TestSeries> data = fixture();
    Querier q = closeLater(open(data, 0, END));
    assertEquals(List.of("__name__", "env", "instance", "job", "path"), q.labelNames());
    assertEquals(
        List.of("__name__", "job", "path"),
        q.labelNames(Matcher.equal("__name__", "requests_total")));
    assertEquals(
        List.of("__name__", "env", "instance", "job"), q.labelNames(Matcher.equal("env", "prod")));
  }

  @Test
  void labelValuesAreSortedAndRestrictedByMatchers() throws Exception {
    List<TestSeries> data = fixture();
    Querier q = closeLater(open(data, 0, END));
    assertEquals(List.of("api", "db", "web"), q.labelValues("job"));
    assertEquals(
        List.of("api", "db"), q.labelValues("job", Matcher.equal("__name__", "requests_total")));
    assertEquals(List.of("a:1", "b:1"), q.labelValues("instance", Matcher.regex("job", "a.*")));
    assertEquals(
        List.of("c:1", "d:1"),
        q.labelValues("instance", Matcher.notEqual("job", "api"), Matcher.equal("__name__", "up")));
    List<String> names = new ArrayList<>(q.labelValues("__name__"));
    List<String> copy = new ArrayList<>(names);
    Collections.sort(copy, Labels::compareStrings);
    assertEquals(copy, names, "sorted");
    assertEquals(List.of("late", "requests_total", "up"), names);
  }

  @Test
  void nothingMatchingGivesEmptyAnswers() throws Exception {
    List<TestSeries> data = fixture();
    Querier q = closeLater(open(data, 0, END));
    Matcher none = Matcher.equal("__name__", "absent");
    SeriesSet set = q.select(true, 0, END, none);
    assertFalse(set.next());
    assertEquals(
        List.of(),
        dump(q.select(false, 0, END, Matcher.equal("job", "api"), Matcher.equal("path", "/y"))));
    assertEquals(List.of(), q.labelNames(none));
    assertEquals(List.of(), q.labelValues("job", none));
    assertEquals(List.of(), q.labelValues("no_such_label"));
    assertTrue(q.labelValues("job", Matcher.regex("job", "zzz.*")).isEmpty());
  }

  @Test
  void anEmptyStoreAnswersEmpty() throws Exception {
    Querier q = closeLater(open(List.of(), 0, END));
    assertEquals(List.of(), dump(q.select(true, 0, END, Matcher.regex("__name__", ".+"))));
    assertEquals(List.of(), q.labelNames());
    assertEquals(List.of(), q.labelValues("job"));
  }
}
