package io.cardinal.web.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cardinal.promql.PromQL;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v1/format_query}'s pretty printer. The expected layouts were checked against
 * Prometheus 2.42's format_query for the same queries; they differ from 2.42's text only where
 * Cardinal's one-line form (Prometheus 3's: matchers in source order, separated by {@code ", "}) is
 * longer, which can move a split one level deeper.
 */
class PrettyPrinterTest {
  private static final String[][] CASES = {
    {
      "sum by (job, instance) (rate(http_requests_total{job=\"apiserver\", handler=\"/api/v1/query_range\"}[5m])) / ignoring (code) group_left () sum by (job, instance) (rate(http_requests_total[5m]))",
      "  sum by (job, instance) (\n"
          + "    rate(http_requests_total{job=\"apiserver\", handler=\"/api/v1/query_range\"}[5m])\n"
          + "  )\n"
          + "/ ignoring (code) group_left ()\n"
          + "  sum by (job, instance) (rate(http_requests_total[5m]))"
    },
    {
      "max_over_time(sum by (job) (rate(http_requests_total{job=\"apiserver\", handler=\"/api/v1/query_range\", code=\"200\"}[5m]))[1h:5m] offset 1d)",
      "max_over_time(\n"
          + "  sum by (job) (\n"
          + "    rate(http_requests_total{job=\"apiserver\", handler=\"/api/v1/query_range\", code=\"200\"}[5m])\n"
          + "  )[1h:5m] offset 1d\n"
          + ")"
    },
    {
      "histogram_quantile(0.99, sum without (instance, pod) (rate(http_request_duration_seconds_bucket{job=\"apiserver\", verb!=\"WATCH\"}[5m])))",
      "histogram_quantile(\n"
          + "  0.99,\n"
          + "  sum without (instance, pod) (\n"
          + "    rate(http_request_duration_seconds_bucket{job=\"apiserver\", verb!=\"WATCH\"}[5m])\n"
          + "  )\n"
          + ")"
    },
    {
      "-sum(rate(http_requests_total{job=\"apiserver\", handler=\"/api/v1/query_range\", code=\"200\", method=\"GET\"}[5m]))",
      "-sum(\n"
          + "  rate(\n"
          + "    http_requests_total{job=\"apiserver\", handler=\"/api/v1/query_range\", code=\"200\", method=\"GET\"}[5m]\n"
          + "  )\n"
          + ")"
    },
    {
      "topk(5, (sum by (job) (rate(http_requests_total{job=\"apiserver\", handler=\"/api/v1/query_range\", code=\"200\"}[5m]))))",
      "topk(\n"
          + "  5,\n"
          + "  (\n"
          + "    sum by (job) (\n"
          + "      rate(http_requests_total{job=\"apiserver\", handler=\"/api/v1/query_range\", code=\"200\"}[5m])\n"
          + "    )\n"
          + "  )\n"
          + ")"
    },
    {
      "label_replace(up{job=\"apiserver\", instance=\"localhost:9090\", handler=\"/api/v1/query_range\"}, \"foo\", \"$1\", \"instance\", \"(.*):.*\")",
      "label_replace(\n"
          + "  up{job=\"apiserver\", instance=\"localhost:9090\", handler=\"/api/v1/query_range\"},\n"
          + "  \"foo\",\n"
          + "  \"$1\",\n"
          + "  \"instance\",\n"
          + "  \"(.*):.*\"\n"
          + ")"
    },
    {
      "a_very_long_metric_name_number_one_for_testing_purposes + a_very_long_metric_name_number_two_for_testing_purposes > bool 3",
      "    a_very_long_metric_name_number_one_for_testing_purposes\n"
          + "  +\n"
          + "    a_very_long_metric_name_number_two_for_testing_purposes\n"
          + "> bool\n"
          + "  3"
    },
    {
      "rate(http_requests_total{job=\"apiserver\", handler=\"/api/v1/query_range\", code=\"200\", method=\"GET\"}[5m:1m])",
      "rate(\n"
          + "http_requests_total{job=\"apiserver\", handler=\"/api/v1/query_range\", code=\"200\", method=\"GET\"}[5m:1m]\n"
          + ")"
    }
  };

  @Test
  void layouts() {
    for (String[] c : CASES) {
      assertEquals(c[1], PrettyPrinter.pretty(PromQL.parse(c[0])), c[0]);
    }
  }

  @Test
  void shortExpressionsStayOnOneLine() {
    assertEquals(
        "sum by (job) (rate(x[5m]))",
        PrettyPrinter.pretty(PromQL.parse("sum(rate(x[5m])) by (job)")));
    assertEquals("-foo", PrettyPrinter.pretty(PromQL.parse("-foo")));
    assertEquals("x[5m:1m] offset 1h", PrettyPrinter.pretty(PromQL.parse("x[5m:1m] offset 1h")));
  }

  @Test
  void everyLayoutParsesBackToTheSameTree() {
    for (String[] c : CASES) {
      assertEquals(
          PromQL.parse(c[0]), PromQL.parse(PrettyPrinter.pretty(PromQL.parse(c[0]))), c[0]);
    }
  }
}
