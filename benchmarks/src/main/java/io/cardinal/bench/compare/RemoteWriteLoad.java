package io.cardinal.bench.compare;

import com.google.protobuf.CodedOutputStream;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.workload.LabelProfile;
import io.cardinal.tsdb.workload.ValueModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.xerial.snappy.Snappy;

/**
 * Load generator for a remote write 1.0 receiver ({@code POST /api/v1/write}): the same requests,
 * built before the clock starts, for Prometheus's and Cardinal's receivers.
 *
 * <p>Workload: {@code SERIES} series of the realistic {@link LabelProfile} (ten labels) with {@link
 * ValueModel} values. One <em>round</em> gives every series one sample, {@code STEP_MS} after the
 * previous round; a round is cut into requests of {@code BATCH} series (one sample each, as
 * Prometheus's sender mostly sends). Every request is encoded (protobuf wire format, written here
 * with {@link CodedOutputStream}) and snappy-compressed up front, up to {@code --max-mb} of
 * compressed bodies, so the generator spends almost no CPU while measuring.
 *
 * <p>{@code CONNECTIONS} threads each own one HTTP/1.1 connection and the requests whose index in
 * the round is congruent to the thread's number, sent in round order: a series' samples always
 * travel on the same connection in timestamp order, so a correct receiver accepts every one (no
 * out-of-order refusals from the concurrency). The first {@code WARMUP} rounds create the series
 * and warm the receiver up; then the measured phase runs until {@code SECONDS} have passed or a
 * thread has sent all its requests (whichever is first; all threads stop together).
 *
 * <p>Measured: requests by status, samples in 2xx answers per second, and, given the receiver's
 * pid, its CPU time (utime + stime from {@code /proc/PID/stat}) over the measured phase, per
 * million accepted samples. Prints one JSON line.
 *
 * <p>Usage: {@code RemoteWriteLoad URL [--series N] [--batch N] [--connections N] [--seconds S]
 * [--warmup-rounds N] [--step-ms MS] [--max-mb MB] [--max-rounds N] [--pid PID] [--hz CLK_TCK]
 * [--cache FILE] [--first-ms MS] [--build-only]}: --first-ms puts the first round there (by default
 * the last round is near now); with --cache the requests are read from FILE if it exists, else
 * built and written there, so every run (and both systems) sends the same bytes.
 */
public final class RemoteWriteLoad {
  private RemoteWriteLoad() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int series = 50_000;
    int batch = 2_000;
    int connections = 4;
    double seconds = 30;
    int warmupRounds = 3;
    long stepMs = 5_000;
    long maxMb = 600;
    int maxRounds = 1_000;
    long pid = -1;
    int hz = 100;
    Path cache = null;
    long firstMs = Long.MIN_VALUE;
    boolean buildOnly = false;
    for (int i = 1; i < args.length; i += 2) {
      if (args[i].equals("--build-only")) { // just write --cache
        buildOnly = true;
        i--;
        continue;
      }
      String v = args[i + 1];
      switch (args[i]) {
        case "--series":
          series = Integer.parseInt(v);
          break;
        case "--batch":
          batch = Integer.parseInt(v);
          break;
        case "--connections":
          connections = Integer.parseInt(v);
          break;
        case "--seconds":
          seconds = Double.parseDouble(v);
          break;
        case "--warmup-rounds":
          warmupRounds = Integer.parseInt(v);
          break;
        case "--step-ms":
          stepMs = Long.parseLong(v);
          break;
        case "--max-mb":
          maxMb = Long.parseLong(v);
          break;
        case "--max-rounds":
          maxRounds = Integer.parseInt(v);
          break;
        case "--pid":
          pid = Long.parseLong(v);
          break;
        case "--hz":
          hz = Integer.parseInt(v);
          break;
        case "--cache":
          cache = Path.of(v);
          break;
        case "--first-ms":
          firstMs = Long.parseLong(v);
          break;
        default:
          throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    int perRound = (series + batch - 1) / batch;

    // ---- build every request before the clock starts (or read them from the cache) ----
    long t0Build = System.nanoTime();
    List<byte[]> all = new ArrayList<>();
    List<Integer> allCounts = new ArrayList<>();
    long[] sizes = new long[2]; // raw, compressed
    if (cache != null && Files.exists(cache)) {
      try (java.io.DataInputStream in =
          new java.io.DataInputStream(
              new java.io.BufferedInputStream(Files.newInputStream(cache), 1 << 20))) {
        if (in.readInt() != series || in.readInt() != batch) {
          throw new IllegalArgumentException(cache + " was built for another --series/--batch");
        }
        int n = in.readInt();
        sizes[0] = in.readLong();
        for (int k = 0; k < n; k++) {
          allCounts.add(in.readInt());
          byte[] b = new byte[in.readInt()];
          in.readFully(b);
          all.add(b);
          sizes[1] += b.length;
        }
      }
    } else {
      build(series, batch, stepMs, firstMs, maxMb, maxRounds, all, allCounts, sizes);
      if (cache != null) {
        Path tmp = Path.of(cache + ".tmp");
        try (java.io.DataOutputStream out =
            new java.io.DataOutputStream(
                new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
          out.writeInt(series);
          out.writeInt(batch);
          out.writeInt(all.size());
          out.writeLong(sizes[0]);
          for (int k = 0; k < all.size(); k++) {
            out.writeInt(allCounts.get(k));
            out.writeInt(all.get(k).length);
            out.write(all.get(k));
          }
        }
        Files.move(tmp, cache, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    int rounds = all.size() / perRound;
    long rawBytes = sizes[0];
    long compressedBytes = sizes[1];
    List<List<byte[]>> perThread = new ArrayList<>();
    List<List<Integer>> samplesPerThread = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      perThread.add(new ArrayList<>());
      samplesPerThread.add(new ArrayList<>());
    }
    for (int k = 0; k < rounds * perRound; k++) {
      perThread.get((k % perRound) % connections).add(all.get(k));
      samplesPerThread.get((k % perRound) % connections).add(allCounts.get(k));
    }
    double buildS = (System.nanoTime() - t0Build) / 1e9;
    System.err.printf(
        "requests ready: %d rounds x %d requests (%d samples each at most): %.1f MB raw, %.1f MB snappy, built or read in %.1f s%n",
        rounds, perRound, batch, rawBytes / 1e6, compressedBytes / 1e6, buildS);
    if (buildOnly) {
      return;
    }
    if (rounds <= warmupRounds) {
      throw new IllegalStateException("not enough rounds for the warm-up; raise --max-mb");
    }

    // ---- send ----
    Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    AtomicLong accepted = new AtomicLong();
    AtomicLong sentRequests = new AtomicLong();
    AtomicLong transportErrors = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    CyclicBarrier warm = new CyclicBarrier(connections + 1);
    CyclicBarrier go = new CyclicBarrier(connections + 1);
    AtomicBoolean measuring = new AtomicBoolean();
    String[] firstError = new String[1];
    URI uri = URI.create(url);
    int warmPerThread0 = warmupRounds; // computed per thread below
    List<Thread> threads = new ArrayList<>();
    long deadlineHolder[] = new long[1];
    for (int c = 0; c < connections; c++) {
      List<byte[]> bodies = perThread.get(c);
      List<Integer> counts = samplesPerThread.get(c);
      int mine = 0;
      for (int q = 0; q < perRound; q++) {
        if (q % connections == c) {
          mine++;
        }
      }
      int warmCount = mine * warmPerThread0;
      Thread t =
          new Thread(
              () -> {
                HttpClient client =
                    HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();
                try {
                  for (int k = 0; k < bodies.size(); k++) {
                    if (k == warmCount) {
                      warm.await();
                      go.await();
                    }
                    if (k > warmCount && (stop.get() || System.nanoTime() > deadlineHolder[0])) {
                      break;
                    }
                    HttpRequest req =
                        writeRequest(uri, bodies.get(k), "cardinal-remote-write-load");
                    boolean measured = k >= warmCount;
                    try {
                      HttpResponse<byte[]> resp =
                          client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                      int code = resp.statusCode();
                      if (measured) {
                        statuses.computeIfAbsent(code, x -> new AtomicLong()).incrementAndGet();
                        sentRequests.incrementAndGet();
                        if (code / 100 == 2) {
                          accepted.addAndGet(counts.get(k));
                        }
                      }
                      if (code / 100 != 2) {
                        synchronized (firstError) {
                          if (firstError[0] == null) {
                            firstError[0] =
                                code
                                    + " "
                                    + new String(resp.body(), StandardCharsets.UTF_8)
                                        .lines()
                                        .findFirst()
                                        .orElse("");
                          }
                        }
                      }
                    } catch (IOException e) {
                      if (measured) {
                        transportErrors.incrementAndGet();
                      }
                      synchronized (firstError) {
                        if (firstError[0] == null) {
                          firstError[0] = e.toString();
                        }
                      }
                    }
                  }
                } catch (Exception e) {
                  e.printStackTrace();
                } finally {
                  stop.set(true);
                  // a thread that ran out during warm-up must not leave the others waiting
                  warm.reset();
                  go.reset();
                }
              },
              "rw-load-" + c);
      t.setDaemon(true);
      threads.add(t);
    }
    long t0 = System.nanoTime();
    deadlineHolder[0] = Long.MAX_VALUE;
    for (Thread t : threads) {
      t.start();
    }
    warm.await();
    double warmS = (System.nanoTime() - t0) / 1e9;
    long cpu0 = cpuTicks(pid);
    long start0 = System.nanoTime();
    deadlineHolder[0] = start0 + (long) (seconds * 1e9);
    measuring.set(true);
    go.await();
    for (Thread t : threads) {
      t.join();
    }
    long end = System.nanoTime();
    long cpu1 = cpuTicks(pid);
    double elapsed = (end - start0) / 1e9;
    double cpuS = pid > 0 ? (cpu1 - cpu0) / (double) hz : Double.NaN;
    long acc = accepted.get();
    StringBuilder st = new StringBuilder("{");
    for (Map.Entry<Integer, AtomicLong> e : new TreeMap<>(statuses).entrySet()) {
      st.append(st.length() > 1 ? "," : "")
          .append('"')
          .append(e.getKey())
          .append("\":")
          .append(e.getValue().get());
    }
    st.append('}');
    long ok = statuses.getOrDefault(204, new AtomicLong()).get();
    System.out.printf(
        "{\"url\":\"%s\",\"series\":%d,\"batch\":%d,\"connections\":%d,\"rounds_built\":%d,"
            + "\"bytes_per_sample_snappy\":%.2f,\"warmup_s\":%.2f,\"seconds\":%.3f,\"requests\":%d,\"status\":%s,"
            + "\"ok_204\":%d,\"errors\":%d,\"transport_errors\":%d,\"samples_accepted\":%d,\"samples_per_s\":%.0f,"
            + "\"cpu_s\":%.2f,\"cpu_s_per_million\":%.3f,\"first_error\":%s}%n",
        url,
        series,
        batch,
        connections,
        rounds,
        compressedBytes / (double) (rounds * (long) series),
        warmS,
        elapsed,
        sentRequests.get(),
        st,
        ok,
        sentRequests.get() - ok + transportErrors.get(),
        transportErrors.get(),
        acc,
        acc / elapsed,
        cpuS,
        acc > 0 ? cpuS / (acc / 1e6) : Double.NaN,
        firstError[0] == null
            ? "null"
            : "\"" + firstError[0].replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
  }

  /**
   * Builds {@code rounds x ceil(series/batch)} snappy-compressed WriteRequests, round by round: the
   * first at {@code firstMs}, or ({@link Long#MIN_VALUE}) so that the last round is near now.
   */
  static void build(
      int series,
      int batch,
      long stepMs,
      long firstMs,
      long maxMb,
      int maxRounds,
      List<byte[]> all,
      List<Integer> counts,
      long[] sizes)
      throws IOException {
    byte[][] labelBytes = new byte[series][];
    double[] values = new double[series];
    ValueModel[] models = new ValueModel[series];
    SplittableRandom rnd = new SplittableRandom(42);
    for (int i = 0; i < series; i++) {
      labelBytes[i] = encodeLabels(LabelProfile.DEFAULT.labels(i));
      models[i] = ValueModel.forSeries(i);
      values[i] = models[i].initial(rnd);
    }
    // Timestamps end near now; the whole span stays well under the 2h head range.
    long start =
        firstMs != Long.MIN_VALUE
            ? firstMs
            : (System.currentTimeMillis() / stepMs - maxRounds) * stepMs;
    int perRound = (series + batch - 1) / batch;
    long compressedBytes = 0;
    int rounds = 0;
    while (rounds < maxRounds && compressedBytes < maxMb << 20) {
      long ts = start + rounds * stepMs;
      for (int q = 0; q < perRound; q++) {
        int from = q * batch;
        int to = Math.min(series, from + batch);
        for (int i = from; i < to; i++) {
          values[i] = models[i].next(values[i], rnd);
        }
        byte[] raw = encodeRequest(labelBytes, values, from, to, ts);
        byte[] body = Snappy.compress(raw);
        all.add(body);
        counts.add(to - from);
        compressedBytes += body.length;
        sizes[0] += raw.length;
      }
      rounds++;
    }
    sizes[1] = compressedBytes;
  }

  /** A remote write 1.0 POST of a snappy-compressed WriteRequest, as Prometheus sends it. */
  static HttpRequest writeRequest(URI uri, byte[] snappyBody, String userAgent) {
    return HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(60))
        .header("Content-Encoding", "snappy")
        .header("Content-Type", "application/x-protobuf")
        .header("X-Prometheus-Remote-Write-Version", "0.1.0")
        .header("User-Agent", userAgent)
        .POST(HttpRequest.BodyPublishers.ofByteArray(snappyBody))
        .build();
  }

  /**
   * An uncompressed WriteRequest: series {@code from} to {@code to - 1} ({@link #encodeLabels}),
   * one sample each, {@code values[i]} at {@code ts}.
   */
  static byte[] encodeRequest(byte[][] labelBytes, double[] values, int from, int to, long ts)
      throws IOException {
    int size = 0;
    for (int i = from; i < to; i++) {
      int ts1 = timeSeriesSize(labelBytes[i], ts);
      size += 1 + CodedOutputStream.computeUInt32SizeNoTag(ts1) + ts1;
    }
    byte[] raw = new byte[size];
    CodedOutputStream out = CodedOutputStream.newInstance(raw);
    for (int i = from; i < to; i++) {
      out.writeTag(1, 2); // WriteRequest.timeseries
      out.writeUInt32NoTag(timeSeriesSize(labelBytes[i], ts));
      out.writeRawBytes(labelBytes[i]);
      out.writeTag(2, 2); // TimeSeries.samples
      out.writeUInt32NoTag(sampleSize(ts));
      out.writeDouble(1, values[i]);
      out.writeInt64(2, ts);
    }
    out.checkNoSpaceLeft();
    return raw;
  }

  /** The series' labels as repeated {@code TimeSeries.labels} fields (tag 1), ready to copy. */
  static byte[] encodeLabels(Labels labels) throws IOException {
    int size = 0;
    for (int i = 0; i < labels.size(); i++) {
      int l = labelSize(labels.name(i), labels.value(i));
      size += 1 + CodedOutputStream.computeUInt32SizeNoTag(l) + l;
    }
    byte[] b = new byte[size];
    CodedOutputStream out = CodedOutputStream.newInstance(b);
    for (int i = 0; i < labels.size(); i++) {
      out.writeTag(1, 2);
      out.writeUInt32NoTag(labelSize(labels.name(i), labels.value(i)));
      out.writeString(1, labels.name(i));
      out.writeString(2, labels.value(i));
    }
    out.checkNoSpaceLeft();
    return b;
  }

  private static int labelSize(String name, String value) {
    return CodedOutputStream.computeStringSize(1, name)
        + CodedOutputStream.computeStringSize(2, value);
  }

  private static int sampleSize(long ts) {
    return CodedOutputStream.computeDoubleSize(1, 0) + CodedOutputStream.computeInt64Size(2, ts);
  }

  private static int timeSeriesSize(byte[] labels, long ts) {
    int s = sampleSize(ts);
    return labels.length + 1 + CodedOutputStream.computeUInt32SizeNoTag(s) + s;
  }

  /** utime + stime of a process in clock ticks, or 0 without a pid. */
  static long cpuTicks(long pid) throws IOException {
    if (pid <= 0) {
      return 0;
    }
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
