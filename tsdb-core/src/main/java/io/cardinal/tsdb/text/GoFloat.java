package io.cardinal.tsdb.text;

/**
 * Go's float formatting, which Prometheus's text outputs use everywhere (the exposition format,
 * PromQL's printer, promtool's dumps): one implementation for every module.
 */
public final class GoFloat {
  private GoFloat() {}

  /**
   * Go's {@code strconv.FormatFloat(v, 'g', -1, 64)} ({@code %g}, {@code fmt.Sprint}): the shortest
   * decimal that reads back as the same double, in exponent form when the decimal exponent is below
   * -4 or at least 6 ({@code 1e+06}, {@code 1.2345e-05}, {@code 123456}); {@code +Inf}, {@code
   * -Inf}, {@code NaN}, {@code -0}. The digits come from {@link GoFloatShortest} because {@link
   * Double#toString} is not always shortest on Java 17.
   */
  public static String formatG(double v) {
    if (v == 0) {
      return (Double.doubleToRawLongBits(v) < 0) ? "-0" : "0";
    }
    // Fast path: integers below 1e6 print as themselves.
    if (v < 1e6 && v > -1e6 && v == Math.rint(v)) {
      return Long.toString((long) v);
    }
    return GoFloatShortest.format(v, 'g');
  }
}
