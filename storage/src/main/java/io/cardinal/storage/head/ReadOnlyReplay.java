package io.cardinal.storage.head;

import io.cardinal.storage.wal.WalReplay;
import io.cardinal.storage.wal.record.LabelPairs;
import io.cardinal.storage.wal.record.RecordDecoder;
import io.cardinal.storage.wal.record.RecordFormatException;
import io.cardinal.storage.wal.record.RecordType;
import io.cardinal.storage.wal.record.RefSeries;
import io.cardinal.storage.wal.record.SampleBatch;
import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadOptions;
import io.cardinal.tsdb.head.HeadRestorer;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An in-memory head rebuilt from a WAL directory without changing anything on disk, for tools that
 * inspect a data directory that may belong to a running or crashed server. Unlike {@link
 * DurableHead#open}, a torn or corrupt tail ends the replay with a warning instead of a repair,
 * memory-mapped head chunks are not re-attached, and deletions (tombstones) are not applied.
 */
public final class ReadOnlyReplay {
  private ReadOnlyReplay() {}

  /**
   * The head the WAL in {@code walDir} describes, leaving out samples older than {@code
   * minValidTime} (they are in blocks); null when there is no WAL directory.
   */
  public static Head replay(Path walDir, long minValidTime, Consumer<String> warn)
      throws IOException {
    if (!Files.isDirectory(walDir)) {
      return null;
    }
    Head head = new Head(HeadOptions.defaults());
    HeadRestorer restorer = head.restorer();
    Map<Long, Long> aliases = new HashMap<>();
    RecordDecoder dec = new RecordDecoder();
    List<RefSeries> series = new ArrayList<>();
    SampleBatch samples = new SampleBatch();
    try {
      WalReplay.replay(
          walDir,
          (rec, at) -> {
            RecordType type = RecordType.of(rec);
            if (type == RecordType.SERIES) {
              series.clear();
              dec.series(rec, series);
              for (RefSeries s : series) {
                LabelPairs p = s.labels();
                String[] nv = new String[p.size() * 2];
                for (int i = 0; i < p.size(); i++) {
                  nv[2 * i] = p.name(i);
                  nv[2 * i + 1] = p.value(i);
                }
                long got = restorer.restoreSeries(s.ref(), Labels.of(nv));
                if (got != s.ref()) {
                  aliases.put(s.ref(), got);
                }
              }
            } else if (type == RecordType.SAMPLES) {
              dec.samples(rec, samples);
              for (int i = 0; i < samples.size(); i++) {
                if (samples.t(i) < minValidTime) {
                  continue;
                }
                long ref = aliases.getOrDefault(samples.ref(i), samples.ref(i));
                restorer.restoreSample(ref, samples.t(i), samples.v(i));
              }
            }
          });
    } catch (IOException | RecordFormatException e) {
      warn.accept("WAL replay stopped early (the rest is not shown): " + e.getMessage());
    }
    return head;
  }
}
