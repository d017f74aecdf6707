package io.cardinal.template;

import io.cardinal.template.Fn.Failure;
import io.cardinal.template.Fn.T;
import io.cardinal.template.Values.AnyMap;
import io.cardinal.template.Values.QueryResult;
import io.cardinal.template.Values.SafeHtml;
import io.cardinal.template.Values.Sample;
import io.cardinal.template.Values.StringMap;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Prometheus's template functions (template/template.go), with their Go signatures. */
final class PromFunctions {
  private PromFunctions() {}

  private static final String[] SI_UP = {"k", "M", "G", "T", "P", "E", "Z", "Y"};
  private static final String[] SI_DOWN = {"m", "u", "n", "p", "f", "a", "z", "y"};
  private static final String[] IEC = {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};

  static List<Fn> all() {
    return List.of(
        Fn.of("query", PromFunctions::query, T.STRING),
        Fn.of("first", (ex, a) -> first((QueryResult) a[0]), T.QUERY_RESULT),
        Fn.of("label", (ex, a) -> label((String) a[0], (Sample) a[1]), T.STRING, T.SAMPLE),
        Fn.of("value", (ex, a) -> deref((Sample) a[0]).value(), T.SAMPLE),
        Fn.of("strvalue", (ex, a) -> label("__value__", (Sample) a[0]), T.SAMPLE),
        Fn.of(
            "sortByLabel",
            (ex, a) -> sortByLabel((String) a[0], (QueryResult) a[1]),
            T.STRING,
            T.QUERY_RESULT),
        Fn.variadic("args", (ex, a) -> args(a), T.ANY),
        Fn.of(
            "reReplaceAll",
            (ex, a) -> GoText.replaceAll((String) a[0], (String) a[1], (String) a[2]),
            T.STRING,
            T.STRING,
            T.STRING),
        Fn.of("match", (ex, a) -> GoText.match((String) a[0], (String) a[1]), T.STRING, T.STRING),
        Fn.of("safeHtml", (ex, a) -> new SafeHtml((String) a[0]), T.STRING),
        Fn.of("title", (ex, a) -> GoText.title((String) a[0]), T.STRING),
        Fn.of("toUpper", (ex, a) -> GoText.toUpper((String) a[0]), T.STRING),
        Fn.of("toLower", (ex, a) -> GoText.toLower((String) a[0]), T.STRING),
        Fn.of(
            "graphLink",
            (ex, a) -> "/graph?g0.expr=" + GoText.queryEscape((String) a[0]) + "&g0.tab=0",
            T.STRING),
        Fn.of(
            "tableLink",
            (ex, a) -> "/graph?g0.expr=" + GoText.queryEscape((String) a[0]) + "&g0.tab=1",
            T.STRING),
        Fn.of("urlQueryEscape", (ex, a) -> GoText.queryEscape((String) a[0]), T.STRING),
        Fn.of("stripPort", (ex, a) -> stripPort((String) a[0]), T.STRING),
        Fn.of("stripDomain", (ex, a) -> stripDomain((String) a[0]), T.STRING),
        Fn.of("humanize", (ex, a) -> humanize(toFloat(a[0])), T.ANY),
        Fn.of("humanize1024", (ex, a) -> humanize1024(toFloat(a[0])), T.ANY),
        Fn.of("humanizeDuration", (ex, a) -> humanizeDuration(toFloat(a[0])), T.ANY),
        Fn.of("humanizePercentage", (ex, a) -> g4(toFloat(a[0]) * 100) + "%", T.ANY),
        Fn.of("humanizeTimestamp", (ex, a) -> humanizeTimestamp(toFloat(a[0])), T.ANY),
        Fn.of("toTime", (ex, a) -> toTime(toFloat(a[0])), T.ANY),
        Fn.of("toDuration", (ex, a) -> new GoDuration((long) (toFloat(a[0]) * 1e9)), T.ANY),
        Fn.of("parseDuration", (ex, a) -> parseDuration((String) a[0]) / 1e9, T.STRING),
        Fn.of("externalURL", (ex, a) -> ex.ctx.externalUrl()),
        Fn.of("pathPrefix", (ex, a) -> pathOf(ex.ctx.externalUrl())),
        Fn.of("now", (ex, a) -> ex.ctx.evalTimeMs() / 1000.0));
  }

  // ---- queries ----

  private static Object query(Exec ex, Object[] a) throws Failure {
    QueryFunction fn = ex.ctx.query();
    if (fn == null) {
      throw new Failure("no query function configured");
    }
    List<QuerySample> samples;
    try {
      samples = fn.query((String) a[0], ex.ctx.evalTimeMs());
    } catch (Exception e) {
      throw new Failure(String.valueOf(e.getMessage()));
    }
    QueryResult r = new QueryResult();
    if (samples != null) {
      for (QuerySample s : samples) {
        r.add(new Sample(new StringMap(s.labels()), s.value()));
      }
    }
    return r;
  }

  private static Sample first(QueryResult v) throws Failure {
    if (v == null || v.isEmpty()) {
      throw new Failure("first() called on vector with no elements");
    }
    return v.get(0);
  }

  private static Sample deref(Sample s) throws Failure {
    if (s == null) {
      throw new Failure("runtime error: invalid memory address or nil pointer dereference");
    }
    return s;
  }

  private static String label(String label, Sample s) throws Failure {
    String v = deref(s).labels().get(label);
    return v == null ? "" : v;
  }

  private static QueryResult sortByLabel(String label, QueryResult v) {
    if (v != null) {
      Comparator<Sample> byLabel =
          (x, y) -> {
            String a = x.labels().get(label);
            String b = y.labels().get(label);
            return Values.compareStrings(a == null ? "" : a, b == null ? "" : b);
          };
      v.sort(byLabel); // List.sort is stable, as Go's sort.Stable
    }
    return v;
  }

  private static AnyMap args(Object[] a) {
    AnyMap m = new AnyMap();
    for (int i = 0; i < a.length; i++) {
      m.put("arg" + i, a[i]);
    }
    return m;
  }

  // ---- numbers ----

  /** Prometheus's {@code convertToFloat}: float64, int or a string parsed as a float. */
  static double toFloat(Object i) throws Failure {
    if (i instanceof Double d) {
      return d;
    }
    if (i instanceof Long l) {
      return l;
    }
    if (i instanceof String s) {
      try {
        return GoStrconv.parseFloat(s);
      } catch (GoStrconv.NumError e) {
        throw new Failure(e.getMessage());
      }
    }
    throw new Failure("can't convert " + Values.typeName(i) + " to float");
  }

  /** {@code fmt.Sprintf("%.4g", v)}. */
  static String g4(double v) {
    return GoStrconv.formatFloat(v, 'g', 4);
  }

  static String humanize(double v) {
    if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
      return g4(v);
    }
    String prefix = "";
    if (Math.abs(v) >= 1) {
      for (String p : SI_UP) {
        if (Math.abs(v) < 1000) {
          break;
        }
        prefix = p;
        v /= 1000;
      }
      return g4(v) + prefix;
    }
    for (String p : SI_DOWN) {
      if (Math.abs(v) >= 1) {
        break;
      }
      prefix = p;
      v *= 1000;
    }
    return g4(v) + prefix;
  }

  static String humanize1024(double v) {
    if (Math.abs(v) <= 1 || Double.isNaN(v) || Double.isInfinite(v)) {
      return g4(v);
    }
    String prefix = "";
    for (String p : IEC) {
      if (Math.abs(v) < 1024) {
        break;
      }
      prefix = p;
      v /= 1024;
    }
    return g4(v) + prefix;
  }

  static String humanizeDuration(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return g4(v);
    }
    if (v == 0) {
      return g4(v) + "s";
    }
    if (Math.abs(v) >= 1) {
      String sign = "";
      if (v < 0) {
        sign = "-";
        v = -v;
      }
      long duration = (long) v;
      long seconds = duration % 60;
      long minutes = (duration / 60) % 60;
      long hours = (duration / 60 / 60) % 24;
      long days = duration / 60 / 60 / 24;
      if (days != 0) {
        return sign + days + "d " + hours + "h " + minutes + "m " + seconds + "s";
      }
      if (hours != 0) {
        return sign + hours + "h " + minutes + "m " + seconds + "s";
      }
      if (minutes != 0) {
        return sign + minutes + "m " + seconds + "s";
      }
      return sign + g4(v) + "s";
    }
    String prefix = "";
    for (String p : SI_DOWN) {
      if (Math.abs(v) >= 1) {
        break;
      }
      prefix = p;
      v *= 1000;
    }
    return g4(v) + prefix + "s";
  }

  /** Prometheus's {@code floatToTime}: seconds to a time, at millisecond precision. */
  private static GoTime floatToTime(double v) throws Failure {
    double ts = v * 1e9;
    if (ts > 0x1p63 || ts < -0x1p63) {
      throw new Failure(
          GoFmt.sprint(v)
              + " cannot be represented as a nanoseconds timestamp since it overflows int64");
    }
    long ms = ((long) ts) / 1_000_000L;
    return GoTime.of(ms / 1000, (ms % 1000) * 1_000_000L);
  }

  private static String humanizeTimestamp(double v) throws Failure {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return g4(v);
    }
    return floatToTime(v).goString();
  }

  private static GoTime toTime(double v) throws Failure {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      throw new Failure("value is NaN or Inf");
    }
    return floatToTime(v);
  }

  // ---- strings ----

  private static String stripPort(String hostPort) {
    String[] hp = GoNet.splitHostPort(hostPort);
    return hp == null ? hostPort : hp[0];
  }

  private static String stripDomain(String hostPort) {
    String[] hp = GoNet.splitHostPort(hostPort);
    String host = hp == null ? hostPort : hp[0];
    String port = hp == null ? "" : hp[1];
    if (GoNet.isIp(host)) {
      return hostPort;
    }
    int dot = host.indexOf('.');
    if (dot >= 0) {
      host = host.substring(0, dot);
    }
    if (!port.isEmpty()) {
      return GoNet.joinHostPort(host, port);
    }
    return host;
  }

  private static final Map<String, long[]> UNITS =
      Map.of(
          "ms", new long[] {7, 1_000_000L},
          "s", new long[] {6, 1_000_000_000L},
          "m", new long[] {5, 60_000_000_000L},
          "h", new long[] {4, 3_600_000_000_000L},
          "d", new long[] {3, 86_400_000_000_000L},
          "w", new long[] {2, 604_800_000_000_000L},
          "y", new long[] {1, 31_536_000_000_000_000L});

  /** Prometheus's {@code model.ParseDuration}, in nanoseconds. */
  static long parseDuration(String orig) throws Failure {
    if (orig.equals("0")) {
      return 0;
    }
    if (orig.isEmpty()) {
      throw new Failure("empty duration string");
    }
    String invalid = "not a valid duration string: " + GoStrconv.quote(orig);
    String s = orig;
    long dur = 0;
    long lastUnitPos = 0;
    while (!s.isEmpty()) {
      int i = 0;
      while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      if (i == 0) {
        throw new Failure(invalid);
      }
      long v;
      try {
        v = Long.parseUnsignedLong(s.substring(0, i));
      } catch (NumberFormatException e) {
        throw new Failure(invalid);
      }
      s = s.substring(i);
      int j = 0;
      while (j < s.length() && (s.charAt(j) < '0' || s.charAt(j) > '9')) {
        j++;
      }
      if (j == 0) {
        throw new Failure(invalid);
      }
      String u = s.substring(0, j);
      s = s.substring(j);
      long[] unit = UNITS.get(u);
      if (unit == null) {
        throw new Failure(
            "unknown unit " + GoStrconv.quote(u) + " in duration " + GoStrconv.quote(orig));
      }
      if (unit[0] <= lastUnitPos) {
        throw new Failure(invalid);
      }
      lastUnitPos = unit[0];
      if (Long.compareUnsigned(v, Long.divideUnsigned(1L << 63, unit[1])) > 0) {
        throw new Failure("duration out of range");
      }
      long add = v * unit[1];
      if (add < 0 || dur + add < 0) {
        throw new Failure("duration out of range");
      }
      dur += add;
    }
    return dur;
  }

  private static String pathOf(String url) {
    if (url == null || url.isEmpty()) {
      return "";
    }
    try {
      String p = new URI(url).getPath();
      return p == null ? "" : p;
    } catch (URISyntaxException e) {
      return "";
    }
  }
}
