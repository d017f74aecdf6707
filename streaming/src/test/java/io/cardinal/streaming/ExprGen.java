package io.cardinal.streaming;

import java.util.List;
import java.util.Random;

/** Random rule expressions over the streamable shapes, as PromQL text. */
final class ExprGen {
  private final Random rnd;

  ExprGen(Random rnd) {
    this.rnd = rnd;
  }

  private <T> T pick(List<T> xs) {
    return xs.get(rnd.nextInt(xs.size()));
  }

  static final List<String> COUNTERS =
      List.of("req_total", "req_total{job=\"x\"}", "req_total{inst!=\"2\"}", "err_total");
  static final List<String> GAUGES =
      List.of(
          "temp",
          "temp{job=~\"x|z\"}",
          "mem",
          "{__name__=~\"temp|mem\"}",
          "mem{k!=\"\"}",
          "temp{inst=~\"1|3\"}");
  static final List<String> RANGES = List.of("30s", "1m", "2m", "5m");
  static final List<String> COUNTER_FNS = List.of("rate", "increase", "irate", "resets");
  static final List<String> GAUGE_FNS =
      List.of(
          "delta",
          "idelta",
          "changes",
          "sum_over_time",
          "avg_over_time",
          "min_over_time",
          "max_over_time",
          "count_over_time",
          "present_over_time",
          "last_over_time",
          "stddev_over_time",
          "stdvar_over_time");
  static final List<String> AGGS =
      List.of("sum", "avg", "min", "max", "count", "group", "stddev", "stdvar");
  static final List<String> GROUPINGS =
      List.of(
          "", " by (job)", " by (job, inst)", " without (inst)", " by (__name__)", " without ()");
  static final List<String> ARITH = List.of("+", "-", "*", "/", "%", "^", "atan2");
  static final List<String> CMP = List.of("==", "!=", ">", "<", ">=", "<=");
  static final List<String> MATCHING =
      List.of(
          "",
          " on (job, inst)",
          " ignoring (k)",
          " on (job) group_left",
          " on (job) group_left (k)",
          " on (inst) group_right",
          " ignoring (inst) group_left",
          " on ()");

  String rule() {
    return switch (rnd.nextInt(10)) {
      case 0 -> nOfM();
      case 1 -> vector(2) + " " + pick(CMP) + " " + number();
      default -> vector(3);
    };
  }

  /** The "N of the last M intervals" shape. */
  String nOfM() {
    String inner = vector(1) + " " + pick(CMP) + " " + number();
    String range = pick(List.of("2m", "3m", "5m"));
    String step = pick(List.of(":15s", ":30s", ":1m", ":"));
    return "count_over_time(("
        + inner
        + ")["
        + range
        + step
        + "]) "
        + pick(CMP)
        + " "
        + rnd.nextInt(4);
  }

  String number() {
    return pick(List.of("0", "1", "2", "0.5", "10", "-1", "100"));
  }

  String vector(int depth) {
    int choice = depth <= 0 ? rnd.nextInt(3) : rnd.nextInt(11);
    return switch (choice) {
      case 0 -> pick(GAUGES);
      case 1 -> pick(COUNTER_FNS) + "(" + pick(COUNTERS) + "[" + pick(RANGES) + "])";
      case 2 -> pick(GAUGE_FNS) + "(" + pick(GAUGES) + "[" + pick(RANGES) + "])";
      case 3, 4 -> pick(AGGS) + pick(GROUPINGS) + " (" + vector(depth - 1) + ")";
      case 5 -> {
        String op =
            rnd.nextBoolean() ? pick(ARITH) : pick(CMP) + (rnd.nextBoolean() ? " bool" : "");
        yield rnd.nextBoolean()
            ? "(" + vector(depth - 1) + ") " + op + " " + number()
            : number() + " " + op + " (" + vector(depth - 1) + ")";
      }
      case 6, 7 -> {
        String op =
            rnd.nextBoolean() ? pick(ARITH) : pick(CMP) + (rnd.nextBoolean() ? " bool" : "");
        yield "(" + vector(depth - 1) + ") " + op + pick(MATCHING) + " (" + vector(depth - 1) + ")";
      }
      case 8 -> {
        String op = pick(List.of("and", "or", "unless"));
        String m = pick(List.of("", " on (job)", " ignoring (k)"));
        yield "(" + vector(depth - 1) + ") " + op + m + " (" + vector(depth - 1) + ")";
      }
      case 9 -> "count_over_time((" + vector(depth - 1) + ")[2m:30s])";
      default -> "-(" + vector(depth - 1) + ")";
    };
  }
}
