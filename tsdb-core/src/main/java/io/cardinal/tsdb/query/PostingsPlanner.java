package io.cardinal.tsdb.query;

import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.roaringbitmap.FastAggregation;
import org.roaringbitmap.RoaringBitmap;

/**
 * Turns matchers into the set of series IDs they select, over any postings index (the head's, a
 * block's): one algorithm for every index, so the head and blocks cannot disagree about what a
 * selector means.
 *
 * <p>Prometheus's rules: a series is selected when every matcher matches its value of the matcher's
 * label, "" when it has none; so a matcher that matches "" also selects series without the label.
 *
 * <p>Plan: matchers that select values (do not match "") go first, those with a finite set of
 * values ({@code =}, literal-set regexes) before those that must try every value, since they read
 * only the lists they need and usually shrink the result the most; matchers that match "" go last
 * and subtract the series they reject. Once the running result is down to {@link #FILTER_BELOW}
 * series, the remaining matchers are checked on those series' labels instead: reading the list of,
 * say, {@code env="dev"} to subtract it from two candidates costs thousands of IDs for nothing.
 */
public final class PostingsPlanner {
  /** At or below this many candidate series, the remaining matchers are checked on labels. */
  public static final int FILTER_BELOW = 16;

  /** Up to this many postings lists are merged pairwise; see {@link #union}. */
  static final int FEW_LISTS = 8;

  private PostingsPlanner() {}

  /**
   * A postings index as the planner reads it.
   *
   * @param <E> what reading the index may throw (a block's index checks its checksums as it reads)
   */
  public interface Source<E extends Exception> {
    /**
     * Adds to {@code out} the postings lists of those of {@code values} that label {@code name}
     * has.
     */
    void postings(String name, Set<String> values, List<RoaringBitmap> out) throws E;

    /**
     * Adds to {@code out} the postings lists of every value {@code v} of label {@code m.name()}
     * with {@code m.matches(v) == want}.
     */
    void postings(Matcher m, boolean want, List<RoaringBitmap> out) throws E;

    /** Every series of the index. */
    RoaringBitmap allPostings() throws E;

    /**
     * The labels of series {@code id}, or null if it is gone (it is then left out of the result).
     */
    Labels labels(int id) throws E;

    /**
     * True if every bitmap this source hands out is a new one the planner may change. If false they
     * may be the index's own lists, and the planner copies before it changes any.
     */
    boolean freshLists();
  }

  /**
   * Series IDs matching every matcher (every series when there are none), as a bitmap the caller
   * owns.
   */
  public static <E extends Exception> RoaringBitmap postings(Source<E> src, Matcher... matchers)
      throws E {
    boolean fresh = src.freshLists();
    Matcher[] order = matchers.clone();
    Arrays.sort(order, Comparator.comparingInt(PostingsPlanner::cost));
    List<RoaringBitmap> lists = new ArrayList<>();
    RoaringBitmap result = null;
    // Whether result is ours to change; while it is a source's live list, operations make new
    // bitmaps.
    boolean owned = false;
    int next = 0;
    for (; next < order.length; next++) {
      if (result != null && result.getCardinality() <= FILTER_BELOW) {
        break;
      }
      Matcher m = order[next];
      boolean want = !m.matchesEmpty();
      lists.clear();
      Set<String> set = want ? m.setMatches() : m.setNonMatches();
      if (set != null) {
        src.postings(m.name(), set, lists);
      } else {
        src.postings(m, want, lists);
      }
      if (want) {
        if (result == null) {
          result = union(lists, fresh);
          owned = fresh || lists.size() != 1;
        } else if (lists.isEmpty()) {
          return new RoaringBitmap();
        } else {
          RoaringBitmap sel = union(lists, fresh);
          if (owned) {
            result.and(sel);
          } else {
            result = RoaringBitmap.and(result, sel);
            owned = true;
          }
        }
      } else {
        if (result == null) {
          result = src.allPostings();
          owned = fresh;
        }
        if (!lists.isEmpty()) {
          RoaringBitmap rejected = union(lists, fresh);
          if (owned) {
            result.andNot(rejected);
          } else {
            result = RoaringBitmap.andNot(result, rejected);
            owned = true;
          }
        }
      }
      if (result.isEmpty()) {
        return owned ? result : new RoaringBitmap();
      }
    }
    if (result == null) {
      result = src.allPostings();
      owned = fresh;
    }
    if (!owned) {
      result = result.clone();
    }
    if (next < order.length) {
      filter(src, result, order, next);
    }
    return result;
  }

  /** Sort key: set matchers, then other selecting matchers, then ones matching "". */
  private static int cost(Matcher m) {
    if (m.matchesEmpty()) {
      return 2;
    }
    return m.setMatches() != null ? 0 : 1;
  }

  /** Removes from {@code ids} the series whose labels fail any of {@code ms[from..]}. */
  private static <E extends Exception> void filter(
      Source<E> src, RoaringBitmap ids, Matcher[] ms, int from) throws E {
    for (int id : ids.toArray()) {
      Labels l = src.labels(id);
      boolean ok = l != null;
      for (int k = from; ok && k < ms.length; k++) {
        ok = ms[k].matches(l.get(ms[k].name()));
      }
      if (!ok) {
        ids.remove(id);
      }
    }
  }

  /**
   * The union of {@code lists}; a single list comes back as it is, so it is the caller's to change
   * only if the lists are fresh.
   */
  private static RoaringBitmap union(List<RoaringBitmap> lists, boolean fresh) {
    // Lists of different values interleave: merging them whole is linear, adding them ID by ID is
    // not.
    // A few lists merge pairwise (arrays stay arrays); many go through the lazy union, which works
    // in
    // 65,536-bit bitmaps and pays for converting them back only once.
    if (lists.isEmpty()) {
      return new RoaringBitmap();
    }
    if (lists.size() == 1) {
      return lists.get(0);
    }
    if (lists.size() > FEW_LISTS) {
      return FastAggregation.or(lists.iterator());
    }
    RoaringBitmap out = fresh ? lists.get(0) : RoaringBitmap.or(lists.get(0), lists.get(1));
    for (int i = fresh ? 1 : 2; i < lists.size(); i++) {
      out.or(lists.get(i));
    }
    return out;
  }
}
