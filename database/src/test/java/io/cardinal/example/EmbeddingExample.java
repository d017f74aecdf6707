// docs:begin
package io.cardinal.example;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.PromQLException;
import io.cardinal.PromQLResult;
import io.cardinal.PromQLValue;
import io.cardinal.tsdb.AppendStatus;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.BatchLimits;
import io.cardinal.tsdb.CommitResult;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

public final class EmbeddingExample {
  public static void run(PrintStream out) {
    // At most 1,000 series in the head: at the limit, existing series keep ingesting.
    try (Cardinal db = Cardinal.inMemory(CardinalOptions.defaults().withMaxSeries(1_000))) {
      Appender app = db.appender(); // one per thread, reused for every batch
      long now = 1_700_000_000_000L;
      long[] refs = new long[3];
      for (int scrape = 0; scrape < 10; scrape++) {
        long t = now + scrape * 15_000L;
        for (int i = 0; i < refs.length; i++) {
          // The first append resolves labels; later ones pass the returned reference.
          Labels labels = Labels.of("__name__", "http_requests_total", "path", "/api/" + i);
          refs[i] = app.append(refs[i], labels, t, scrape * (i + 1));
        }
        app.commit();
      }

      // Cloudflare's patched sample_limit: past the limit only existing series are stored.
      app.limits(BatchLimits.sampleLimit(1));
      app.append(refs[0], null, now + 150_000, 100);
      long skipped = app.append(0, Labels.of("__name__", "brand_new"), now + 150_000, 1);
      CommitResult result = app.commit();
      out.println("status of the new series: " + AppendStatus.of(skipped));
      out.println("commit: " + result);

      try (Querier q = db.querier(now, now + 3_600_000)) {
        SeriesSet set =
            q.select(
                true,
                now,
                now + 3_600_000,
                Matcher.equal("__name__", "http_requests_total"),
                Matcher.regex("path", "/api/(0|2)"));
        SampleIterator it = null;
        while (set.next()) {
          it = set.at().iterator(it); // reused across series
          int n = 0;
          double last = 0;
          while (it.next()) {
            n++;
            last = it.value();
          }
          out.println(set.at().labels() + " samples=" + n + " last=" + last);
        }
      }
      out.println("head series: " + db.headSeries());

      // PromQL over the same data: an instant query, a range query, and a syntax error.
      Instant at = Instant.ofEpochMilli(now + 135_000);
      PromQLResult rate = db.query("sum(rate(http_requests_total[1m]))", at);
      out.printf(Locale.ROOT, "requests per second: %.2f%n", rate.vector().get(0).value());
      PromQLResult range =
          db.queryRange(
              "http_requests_total{path=\"/api/1\"}",
              at.minusSeconds(60),
              at,
              Duration.ofSeconds(30));
      for (PromQLValue.Series series : range.matrix()) {
        for (PromQLValue.Point p : series.points()) {
          out.println(series.labels() + " at " + p.timestamp() + " = " + p.value());
        }
      }
      try {
        db.query("sum(rate(http_requests_total[1m])", at);
      } catch (PromQLException e) {
        out.println(
            e.kind() + " at line " + e.line() + ", column " + e.column() + ": " + e.detail());
      }
    }
  }

  public static void main(String[] args) {
    run(System.out);
  }
}
// docs:end
