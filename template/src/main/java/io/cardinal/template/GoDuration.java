package io.cardinal.template;

/** Go's {@code *time.Duration}, as {@code toDuration} returns it; printed like Go. */
final class GoDuration implements Values.GoTyped, Values.Stringer {
  final long nanos;

  GoDuration(long nanos) {
    this.nanos = nanos;
  }

  @Override
  public String goType() {
    return "*time.Duration";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GoDuration d && d.nanos == nanos;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(nanos);
  }

  @Override
  public String toString() {
    return goString();
  }

  /** Go's {@code Duration.String}: {@code 1h1m1s}, {@code 1.5s}, {@code 500ms}, {@code 0s}. */
  @Override
  public String goString() {
    if (nanos == 0) {
      return "0s";
    }
    boolean neg = nanos < 0;
    // magnitude as unsigned (Long.MIN_VALUE stays representable)
    long u = neg ? -nanos : nanos;
    StringBuilder b = new StringBuilder();
    if (Long.compareUnsigned(u, 1_000_000_000L) < 0) {
      int prec;
      String unit;
      if (u < 1_000L) {
        prec = 0;
        unit = "ns";
      } else if (u < 1_000_000L) {
        prec = 3;
        unit = "\u00b5s";
      } else {
        prec = 6;
        unit = "ms";
      }
      b.append(frac(u, prec)).append(unit);
    } else {
      long secs = Long.divideUnsigned(u, 1_000_000_000L);
      long rem = Long.remainderUnsigned(u, 1_000_000_000L);
      String f = fracPart(rem, 9);
      long s = secs % 60;
      long m = (secs / 60) % 60;
      long h = secs / 3600;
      if (h > 0) {
        b.append(h).append('h');
      }
      if (h > 0 || m > 0) {
        b.append(m).append('m');
      }
      b.append(s).append(f).append('s');
    }
    return (neg ? "-" : "") + b;
  }

  /** {@code v / 10^prec} printed with the fraction's trailing zeros (and a bare point) dropped. */
  private static String frac(long v, int prec) {
    long div = 1;
    for (int i = 0; i < prec; i++) {
      div *= 10;
    }
    return Long.toUnsignedString(Long.divideUnsigned(v, div))
        + fracPart(Long.remainderUnsigned(v, div), prec);
  }

  private static String fracPart(long rem, int prec) {
    if (rem == 0) {
      return "";
    }
    StringBuilder d = new StringBuilder(Long.toString(rem));
    while (d.length() < prec) {
      d.insert(0, '0');
    }
    int e = d.length();
    while (e > 0 && d.charAt(e - 1) == '0') {
      e--;
    }
    return "." + d.substring(0, e);
  }

  double seconds() {
    long s = nanos / 1_000_000_000L;
    long ns = nanos % 1_000_000_000L;
    return s + ns / 1e9;
  }

  double minutes() {
    long m = nanos / 60_000_000_000L;
    long ns = nanos % 60_000_000_000L;
    return m + ns / 60e9;
  }

  double hours() {
    long h = nanos / 3_600_000_000_000L;
    long ns = nanos % 3_600_000_000_000L;
    return h + ns / 3600e9;
  }
}
