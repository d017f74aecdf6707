package io.cardinal.promql;

import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.promql.ast.VectorSelector;
import io.cardinal.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The series notation of Prometheus's test files (promtool's rule unit tests, PromQL test scripts):
 * {@code metric{label="value"}} for a series, and expanding values such as {@code 0+10x100}, {@code
 * 1-2x4}, {@code 5x3}, {@code _} (missing), {@code _x3}, {@code stale}.
 */
public final class SeriesNotation {
  /** Prometheus's staleness marker, the value {@code stale} expands to. */
  public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  private SeriesNotation() {}

  /**
   * The labels of {@code metric{a="b"}} (or {@code {a="b"}}); only {@code =} matchers make sense.
   *
   * @throws PromQLParseException for a malformed series
   */
  public static Labels labels(String series) {
    if (series.strip().equals("{}")) {
      return Labels.EMPTY;
    }
    Expr e = PromQL.parse(series);
    if (!(e instanceof VectorSelector vs)) {
      throw new PromQLParseException(1, 1, "expected a series, got " + series);
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (LabelMatcher lm : vs.matchers()) {
      if (lm.type() != LabelMatcher.Type.EQ) {
        throw new PromQLParseException(1, 1, "only = matchers describe a series: " + series);
      }
      m.put(lm.name(), lm.value());
    }
    return Labels.fromMap(m);
  }

  /**
   * Expands a values string; {@code null} elements are missing samples, stale ones carry {@link
   * #STALE_NAN_BITS}.
   *
   * @throws IllegalArgumentException naming the token that is not valid notation
   */
  public static List<Double> values(String values) {
    List<Double> out = new ArrayList<>();
    if (values.isBlank()) {
      return out;
    }
    for (String tok : values.strip().split("\\s+")) {
      int x = tok.lastIndexOf('x');
      // "0x10" is 0 repeated ten more times, not hex: the notation wins, as in Prometheus.
      if (x > 0
          && x < tok.length() - 1
          && tok.substring(x + 1).chars().allMatch(Character::isDigit)) {
        String head = tok.substring(0, x);
        int times = Integer.parseInt(tok.substring(x + 1));
        if (head.equals("_")) {
          for (int k = 0; k < times; k++) {
            out.add(null);
          }
          continue;
        }
        if (head.equals("stale")) {
          for (int k = 0; k < times; k++) {
            out.add(Double.longBitsToDouble(STALE_NAN_BITS));
          }
          continue;
        }
        int op = -1;
        for (int k = 1; k < head.length(); k++) {
          char c = head.charAt(k);
          char p = head.charAt(k - 1);
          if ((c == '+' || c == '-') && p != 'e' && p != 'E') {
            op = k;
            break;
          }
        }
        double a;
        double b;
        if (op < 0) {
          a = number(head);
          b = 0;
        } else {
          a = number(head.substring(0, op));
          b = number(head.substring(op + 1));
          if (head.charAt(op) == '-') {
            b = -b;
          }
        }
        for (int k = 0; k <= times; k++) {
          out.add(a + k * b);
        }
        continue;
      }
      switch (tok) {
        case "_" -> out.add(null);
        case "stale" -> out.add(Double.longBitsToDouble(STALE_NAN_BITS));
        default -> out.add(number(tok));
      }
    }
    return out;
  }

  /** A number as the notation writes it: decimal, exponent, hex, Inf, NaN. */
  public static double number(String s) {
    String t = s.strip();
    String l = t.toLowerCase(Locale.ROOT);
    String body = l.startsWith("-") || l.startsWith("+") ? l.substring(1) : l;
    boolean neg = l.startsWith("-");
    if (body.equals("inf") || body.equals("infinity")) {
      return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (body.equals("nan")) {
      return Double.NaN;
    }
    try {
      if (body.startsWith("0x")) {
        long v = Long.parseLong(body.substring(2), 16);
        return neg ? -v : v;
      }
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid number \"" + s + "\"");
    }
  }
}
