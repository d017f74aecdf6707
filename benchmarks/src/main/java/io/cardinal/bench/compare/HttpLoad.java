package io.cardinal.bench.compare;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cost of one HTTP request to a server: {@code C} keep-alive connections each send {@code N}
 * GETs of one path back to back; prints requests per second, the median and 99th percentile
 * latency, and the server's CPU per request (from {@code /proc/<pid>/stat}). Compares web servers
 * with the same handlers, where the request itself costs next to nothing.
 *
 * <p>{@code java -cp benchmarks.jar io.cardinal.bench.compare.HttpLoad URL PID CONNECTIONS N}
 */
public final class HttpLoad {
  private HttpLoad() {}

  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    long pid = Long.parseLong(args[1]);
    int conns = Integer.parseInt(args[2]);
    int n = Integer.parseInt(args[3]);
    String path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    URI base = URI.create(url.getScheme() + "://" + url.getAuthority());
    // Warm-up: a tenth of the run, not measured.
    run(base, path, conns, Math.max(1, n / 10), new long[conns * Math.max(1, n / 10)]);
    long cpu0 = cpuTicks(pid);
    long[] lat = new long[conns * n];
    long t0 = System.nanoTime();
    run(base, path, conns, n, lat);
    long wall = System.nanoTime() - t0;
    long cpu1 = cpuTicks(pid);
    Arrays.sort(lat);
    double ticksPerSec = 100.0; // USER_HZ on Linux
    double cpuUsPerReq = (cpu1 - cpu0) / ticksPerSec * 1e6 / lat.length;
    System.out.printf(
        "requests=%d rps=%.0f p50_us=%.0f p99_us=%.0f server_cpu_us_per_req=%.1f%n",
        lat.length,
        lat.length / (wall / 1e9),
        lat[lat.length / 2] / 1e3,
        lat[(int) (lat.length * 0.99)] / 1e3,
        cpuUsPerReq);
  }

  private static void run(URI base, String path, int conns, int n, long[] lat) throws Exception {
    List<Thread> ts = new ArrayList<>();
    AtomicLong failures = new AtomicLong();
    for (int c = 0; c < conns; c++) {
      int off = c * n;
      Thread t =
          new Thread(
              () -> {
                try (Http1 h = new Http1(base)) {
                  for (int i = 0; i < n; i++) {
                    long s = System.nanoTime();
                    if (h.get(path).status() != 200) {
                      failures.incrementAndGet();
                    }
                    lat[off + i] = System.nanoTime() - s;
                  }
                } catch (Exception e) {
                  failures.incrementAndGet();
                }
              });
      t.start();
      ts.add(t);
    }
    for (Thread t : ts) {
      t.join();
    }
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " requests failed");
    }
  }

  private static long cpuTicks(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
  }
}
