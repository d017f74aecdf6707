package io.cardinal.remote;

import io.cardinal.config.Config;
import io.cardinal.config.Config.RemoteWriteConfig;
import io.cardinal.exposition.MetricsSource;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's {@code remote_write} queues: one {@link RemoteWriteQueue} per entry, each following
 * the database's WAL. A configuration reload keeps the queues whose entry (and the external labels)
 * did not change; the others are flushed, closed and, if still configured, started again from the
 * current end of the WAL.
 */
public final class RemoteWriteManager implements MetricsSource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemoteWriteManager.class);

  private final Path walDir;
  private final long flushDeadlineMs;
  private final LongSupplier clock;
  private final AtomicLong highestIn = new AtomicLong(Long.MIN_VALUE);
  private final Map<String, RemoteWriteQueue> queues = new LinkedHashMap<>();
  private Labels externalLabels = Labels.EMPTY;

  /**
   * @param walDir the database's WAL directory, or null when the database has none (in memory):
   *     remote_write entries are then refused with an error in the log
   * @param flushDeadlineMs how long closing a queue may spend sending what it holds
   */
  public RemoteWriteManager(Path walDir, long flushDeadlineMs, LongSupplier clock) {
    this.walDir = walDir;
    this.flushDeadlineMs = flushDeadlineMs;
    this.clock = clock;
  }

  /** Applies the remote_write section of a (re)loaded configuration. */
  public synchronized void apply(Config config) throws IOException {
    Labels ext = config.global().externalLabels();
    Map<String, RemoteWriteConfig> wanted = new LinkedHashMap<>();
    for (RemoteWriteConfig rw : config.remoteWriteConfigs()) {
      wanted.put(rw.name(), rw);
    }
    boolean extChanged = !ext.equals(externalLabels);
    externalLabels = ext;
    for (var it = queues.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      RemoteWriteConfig now = wanted.get(e.getKey());
      if (now == null || extChanged || !now.equals(e.getValue().config())) {
        log.info(
            "msg=\"Stopping remote write queue\" remote_name={} url={}",
            e.getKey(),
            e.getValue().config().url());
        e.getValue().close(flushDeadlineMs);
        it.remove();
      }
    }
    if (!wanted.isEmpty() && walDir == null) {
      log.error(
          "msg=\"remote_write needs the database's WAL; this database has none (in memory), so nothing is "
              + "sent\" queues={}",
          wanted.keySet());
      return;
    }
    for (RemoteWriteConfig rw : wanted.values()) {
      if (queues.containsKey(rw.name())) {
        continue;
      }
      RemoteWriteQueue q =
          new RemoteWriteQueue(
              rw, ext, walDir, new QueueMetrics(rw.name(), rw.url()), highestIn, clock);
      queues.put(rw.name(), q);
      q.start();
    }
  }

  /** The running queues by name. */
  public synchronized Map<String, RemoteWriteQueue> queues() {
    return new LinkedHashMap<>(queues);
  }

  @Override
  public void writeMetrics(StringBuilder sb) {
    List<QueueMetrics> ms = new ArrayList<>();
    synchronized (this) {
      for (RemoteWriteQueue q : queues.values()) {
        ms.add(q.metrics());
      }
    }
    QueueMetrics.write(sb, ms, highestIn.get());
  }

  /** Closes every queue, each sending what it holds for at most the flush deadline. */
  @Override
  public synchronized void close() {
    for (RemoteWriteQueue q : queues.values()) {
      q.close(flushDeadlineMs);
    }
    queues.clear();
  }
}
