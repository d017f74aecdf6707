package io.cardinal.bench.compare;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cardinal.tsdb.workload.ValueModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scrape targets for the side-by-side ingestion benchmark: {@code TARGETS} targets of {@code
 * SERIES_PER_TARGET} series ({@link ScrapeWorkload}), each on its own port of 127.0.0.1, in text
 * format 0.0.4. A scrape is answered with a body rendered in advance; the next body (every value
 * advanced one step) is rendered right after the response is sent, so a scrape costs the scraper,
 * not the target. Optionally one more target ("explode") exposes {@code BASE} steady series plus
 * {@code NEW_PER_SCRAPE} series with fresh label values on every scrape (a cardinality explosion:
 * the previous scrape's fresh series disappear).
 *
 * <p>Churn ({@code -Dchurn.series=N -Dchurn.period=SECONDS}): every steady target also exposes N
 * series whose {@code version} label changes every SECONDS of wall-clock time, as a rollout that
 * changes one label does; the previous version's series disappear from the body (and are marked
 * stale by the scraper).
 *
 * <p>Usage: {@code TargetServer PORTS_FILE TARGETS SERIES_PER_TARGET [NEW_PER_SCRAPE]
 * [MAX_SECONDS]}. Writes one port per line to PORTS_FILE (the explosion target's port last, if any)
 * once every target listens; exits after MAX_SECONDS (default 3600) whatever happens.
 */
public final class TargetServer {
  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final int CHURN_SERIES = Integer.getInteger("churn.series", 0);
  private static final long CHURN_PERIOD_MS = Long.getLong("churn.period", 60) * 1000;

  /** One target: line prefixes and value state; renders its next body on demand. */
  static final class Target {
    final byte[][] prefixes;
    final double[] values;
    final ValueModel[] models;
    final ScrapeWorkload.Hist[] hists;
    final int histStart;
    final SplittableRandom rnd;
    final ScrapeWorkload w;
    volatile byte[] body;
    final AtomicLong scrapes = new AtomicLong();
    // explosion
    final int newPerScrape;
    long explodeSeq;
    final int churn;

    Target(ScrapeWorkload w, int t, int newPerScrape) {
      this.w = w;
      this.newPerScrape = newPerScrape;
      this.churn = newPerScrape > 0 ? 0 : CHURN_SERIES;
      this.rnd = new SplittableRandom(t * 7919L + 1);
      int m = w.seriesPerTarget;
      prefixes = new byte[m][];
      values = new double[m];
      models = new ValueModel[m];
      hists = new ScrapeWorkload.Hist[w.histograms];
      int i = 0;
      prefixes[i] = ("target_info{version=\"v" + (t % 5) + "\"} ").getBytes(StandardCharsets.UTF_8);
      values[i] = 1;
      models[i++] = null;
      histStart = i;
      for (int h = 0; h < w.histograms; h++) {
        hists[h] = new ScrapeWorkload.Hist();
        String base = "{handler=\"/api/h" + h + "\"";
        for (double le : ScrapeWorkload.LE) {
          prefixes[i++] =
              ("http_request_duration_seconds_bucket"
                      + base
                      + ",le=\""
                      + ScrapeWorkload.leString(le)
                      + "\"} ")
                  .getBytes(StandardCharsets.UTF_8);
        }
        prefixes[i++] =
            ("http_request_duration_seconds_sum" + base + "} ").getBytes(StandardCharsets.UTF_8);
        prefixes[i++] =
            ("http_request_duration_seconds_count" + base + "} ").getBytes(StandardCharsets.UTF_8);
      }
      for (int k = 0; k < w.plain; k++) {
        prefixes[i] =
            (ScrapeWorkload.selector(w.plainLabels(t, k), "") + " ")
                .getBytes(StandardCharsets.UTF_8);
        models[i] = w.model(t, k);
        values[i] = models[i].initial(rnd);
        i++;
      }
      render();
    }

    void render() {
      ByteArrayOutputStream out =
          new ByteArrayOutputStream(body == null ? prefixes.length * 120 : body.length + 64);
      StringBuilder sb = new StringBuilder(32);
      int hEnd = histStart + w.histograms * ScrapeWorkload.PER_HIST;
      for (int h = 0; h < w.histograms; h++) {
        ScrapeWorkload.Hist st = hists[h];
        st.step(rnd);
        int base = histStart + h * ScrapeWorkload.PER_HIST;
        System.arraycopy(st.cumulative, 0, values, base, ScrapeWorkload.LE.length);
        values[base + ScrapeWorkload.LE.length] = st.sum;
        values[base + ScrapeWorkload.LE.length + 1] = st.count;
      }
      for (int i = 0; i < prefixes.length; i++) {
        if (i >= hEnd) {
          values[i] = models[i].next(values[i], rnd);
        }
        out.writeBytes(prefixes[i]);
        sb.setLength(0);
        ScrapeWorkload.appendValue(sb, values[i]);
        sb.append('\n');
        for (int c = 0; c < sb.length(); c++) {
          out.write(sb.charAt(c));
        }
      }
      for (int e = 0; e < newPerScrape; e++) {
        long id = explodeSeq++;
        out.writeBytes(
            ("exploding_requests_total{request_id=\"req-"
                    + id
                    + "\",path=\"/p/"
                    + (id % 97)
                    + "\"} 1\n")
                .getBytes(StandardCharsets.UTF_8));
      }
      if (churn > 0) {
        long version = System.currentTimeMillis() / CHURN_PERIOD_MS;
        for (int c = 0; c < churn; c++) {
          out.writeBytes(
              ("app_requests_total{version=\"v"
                      + version
                      + "\",worker=\""
                      + c
                      + "\"} "
                      + (explodeSeq + c)
                      + "\n")
                  .getBytes(StandardCharsets.UTF_8));
        }
        explodeSeq++;
      }
      body = out.toByteArray();
    }

    void handle(HttpExchange ex) throws IOException {
      try (ex) {
        byte[] b = body;
        ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream os = ex.getResponseBody()) {
          os.write(b);
        }
      }
      scrapes.incrementAndGet();
      synchronized (this) {
        render();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Path portsFile = Path.of(args[0]);
    int targets = Integer.parseInt(args[1]);
    int perTarget = Integer.parseInt(args[2]);
    int newPerScrape = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    long maxSeconds = args.length > 4 ? Long.parseLong(args[4]) : 3600;
    ScrapeWorkload w = new ScrapeWorkload(perTarget);
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            r -> {
              Thread th = new Thread(r, "target");
              th.setDaemon(true);
              return th;
            });
    List<HttpServer> servers = new ArrayList<>();
    List<Target> all = new ArrayList<>();
    StringBuilder ports = new StringBuilder();
    int n = targets + (newPerScrape > 0 ? 1 : 0);
    for (int t = 0; t < n; t++) {
      boolean explode = t == targets;
      // The exploding target is a normal target of 250 series plus the fresh ones.
      Target target =
          explode
              ? new Target(new ScrapeWorkload(250), 1_000_000, newPerScrape)
              : new Target(w, t, 0);
      HttpServer s =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      s.createContext("/metrics", target::handle);
      s.setExecutor(pool);
      s.start();
      servers.add(s);
      all.add(target);
      ports.append(s.getAddress().getPort()).append('\n');
    }
    Path tmp = portsFile.resolveSibling(portsFile.getFileName() + ".tmp");
    Files.writeString(tmp, ports);
    Files.move(tmp, portsFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    System.err.printf(
        "target server: %d targets x %d series (%d histograms, %d plain)%s on 127.0.0.1, body %d bytes%n",
        targets,
        perTarget,
        w.histograms,
        w.plain,
        newPerScrape > 0 ? " + 1 exploding target (" + newPerScrape + " new series/scrape)" : "",
        all.get(0).body.length);
    long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      Thread.sleep(1000);
    }
    servers.forEach(s -> s.stop(0));
    System.exit(0);
  }
}
