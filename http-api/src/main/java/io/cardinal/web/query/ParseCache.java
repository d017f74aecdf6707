package io.cardinal.web.query;

import io.cardinal.promql.PromQL;
import io.cardinal.promql.ast.Expr;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parsed queries by their text, least recently used first out. Dashboards send the same query
 * strings on every refresh, and the ASTs are immutable records, so one parse serves every later
 * request with the same text (parameters such as time, step and timeout are not part of the AST).
 * Only successful parses are kept; texts longer than {@code maxQueryChars} are parsed every time.
 */
final class ParseCache {
  private final int maxEntries;
  private final int maxQueryChars;
  private final Map<String, Expr> map;

  ParseCache(int maxEntries, int maxQueryChars) {
    this.maxEntries = maxEntries;
    this.maxQueryChars = maxQueryChars;
    this.map =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Expr> eldest) {
            return size() > ParseCache.this.maxEntries;
          }
        };
  }

  /** {@link PromQL#parse}, from the cache when the same text was parsed before. */
  Expr parse(String query) {
    return parse(query, Long.MAX_VALUE);
  }

  /** {@link #parse(String)}, giving up at {@code deadlineNanos} when not cached. */
  Expr parse(String query, long deadlineNanos) {
    if (query.length() > maxQueryChars) {
      return PromQL.parse(query, deadlineNanos);
    }
    synchronized (map) {
      Expr e = map.get(query);
      if (e != null) {
        return e;
      }
    }
    Expr e = PromQL.parse(query, deadlineNanos); // throws on errors, which are not cached
    synchronized (map) {
      map.put(query, e);
    }
    return e;
  }

  int size() {
    synchronized (map) {
      return map.size();
    }
  }
}
