package io.cardinal.capacity;

import java.util.List;

/**
 * What a running server's {@code /metrics} says about its memory and its head: the heap in use and
 * its maximum, head series, the series limit, the bytes of its memory-mapped head chunks when
 * exposed, and the series churn counters with the process start time.
 */
record ServerState(
    String url,
    double heapUsed,
    double heapMax,
    long headSeries,
    long maxSeries,
    double chunkBytes,
    boolean chunkBytesExposed,
    double seriesCreated,
    double seriesRemoved,
    double startTimeSeconds,
    double fetchedAtSeconds) {

  public static ServerState read(ServerClient c) throws BadInputException {
    List<ServerClient.Sample> m = c.exposition("/metrics");
    double series = ServerClient.value(m, "prometheus_tsdb_head_series");
    if (Double.isNaN(series)) {
      throw new BadInputException(
          c.base()
              + "/metrics has no prometheus_tsdb_head_series: not a Prometheus-"
              + "compatible server");
    }
    double heap = ServerClient.value(m, "jvm_memory_used_bytes", "area", "heap");
    if (Double.isNaN(heap)) {
      // Prometheus itself: the Go heap.
      heap = ServerClient.value(m, "go_memstats_alloc_bytes");
    }
    double heapMax = ServerClient.value(m, "jvm_memory_max_bytes", "area", "heap");
    double limit = ServerClient.value(m, "cardinal_head_series_limit");
    double chunks = ServerClient.value(m, "prometheus_tsdb_head_chunks_storage_size_bytes");
    return new ServerState(
        c.base(),
        heap,
        heapMax,
        (long) series,
        Double.isNaN(limit) ? 0 : (long) limit,
        Double.isNaN(chunks) ? 0 : chunks,
        !Double.isNaN(chunks),
        ServerClient.value(m, "prometheus_tsdb_head_series_created_total"),
        ServerClient.value(m, "prometheus_tsdb_head_series_removed_total"),
        ServerClient.value(m, "process_start_time_seconds"),
        System.currentTimeMillis() / 1000.0);
  }

  /** Heap bytes per head series; NaN without series or heap figure. */
  public double heapPerSeries() {
    return headSeries > 0 && !Double.isNaN(heapUsed) ? heapUsed / headSeries : Double.NaN;
  }

  public double chunkBytesPerSeries() {
    return headSeries > 0 ? chunkBytes / headSeries : 0;
  }

  public double uptimeSeconds() {
    return Double.isNaN(startTimeSeconds) ? Double.NaN : fetchedAtSeconds - startTimeSeconds;
  }
}
