package io.cardinal.cli.tsdb;

import io.cardinal.storage.wal.Checkpoint;
import io.cardinal.storage.wal.SegmentRange;
import io.cardinal.storage.wal.Segments;
import io.cardinal.storage.wal.WalReader;
import io.cardinal.storage.wal.record.LabelPairs;
import io.cardinal.storage.wal.record.RecordDecoder;
import io.cardinal.storage.wal.record.RecordFormatException;
import io.cardinal.storage.wal.record.RecordType;
import io.cardinal.storage.wal.record.RefSeries;
import io.cardinal.storage.wal.record.SampleBatch;
import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadOptions;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The head of a data directory rebuilt from its write-ahead log, read-only, as promtool's dump
 * does: the last checkpoint, then the segments after it, into an in-memory head. Nothing on disk is
 * changed: a torn or corrupt tail ends the replay with a warning instead of a repair. Samples older
 * than the newest block's end are left out (they are in the blocks), as Prometheus's head does.
 * Deletions recorded in the WAL (tombstones) are not applied.
 */
final class WalHead {
  private WalHead() {}

  /** The replayed head, or null when {@code dir} has no WAL. */
  static Head replay(Path dir, long minValidTime, Consumer<String> warn) throws IOException {
    Path wal = dir.resolve("wal");
    if (!Files.isDirectory(wal)) {
      return null;
    }
    Head head = new Head(HeadOptions.defaults());
    Map<Long, Long> aliases = new HashMap<>();
    RecordDecoder dec = new RecordDecoder();
    List<RefSeries> series = new ArrayList<>();
    SampleBatch samples = new SampleBatch();
    Optional<Checkpoint.Ref> cp = Checkpoint.last(wal);
    int first = 0;
    List<SegmentRange> ranges = new ArrayList<>();
    if (cp.isPresent()) {
      ranges.add(SegmentRange.all(cp.get().dir()));
      first = cp.get().index() + 1;
    }
    boolean any = false;
    for (int s : Segments.list(wal)) {
      any |= s >= first;
    }
    if (any) {
      ranges.add(new SegmentRange(wal, first, -1));
    }
    if (ranges.isEmpty()) {
      return head;
    }
    try (WalReader r = WalReader.open(ranges.toArray(new SegmentRange[0]))) {
      while (r.next()) {
        ByteBuffer rec = r.record();
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
            long got = head.restoreSeries(s.ref(), Labels.of(nv));
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
            head.restoreSample(ref, samples.t(i), samples.v(i));
          }
        }
      }
    } catch (IOException | RecordFormatException e) {
      warn.accept("WAL replay stopped early (the rest is not shown): " + e.getMessage());
    }
    return head;
  }
}
