package io.cardinal.storage.head;

import io.cardinal.storage.wal.Wal;
import io.cardinal.storage.wal.WalReader;
import io.cardinal.storage.wal.record.RecordDecoder;
import io.cardinal.storage.wal.record.RecordType;
import io.cardinal.storage.wal.record.RefSeries;
import io.cardinal.storage.wal.record.SampleBatch;
import io.cardinal.tsdb.head.HeadLog;
import io.cardinal.tsdb.head.HeadLogContract;
import io.cardinal.tsdb.labels.Labels;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The WAL-backed log, read back through the WAL reader and record decoder that replay uses. */
class WalHeadLogContractTest extends HeadLogContract {
  @TempDir Path dir;

  private WalHeadLog log;

  @Override
  protected HeadLog create() throws Exception {
    // Small segments, so a test's records cross segment boundaries.
    log =
        new WalHeadLog(
            Wal.open(dir.resolve("wal"), Wal.Options.DEFAULT.withSegmentSize(64 * 1024)),
            SyncPolicy.PER_COMMIT,
            0);
    return log;
  }

  @Override
  protected List<Entry> readBack() throws Exception {
    log.close();
    List<Entry> out = new ArrayList<>();
    RecordDecoder dec = new RecordDecoder();
    SampleBatch samples = new SampleBatch();
    List<RefSeries> series = new ArrayList<>();
    try (WalReader r = WalReader.open(dir.resolve("wal"))) {
      while (r.next()) {
        ByteBuffer rec = r.record();
        RecordType type = RecordType.of(rec.duplicate());
        if (type == RecordType.SERIES) {
          series.clear();
          dec.series(rec, series);
          for (RefSeries s : series) {
            String[] nv = new String[2 * s.labels().size()];
            for (int i = 0; i < s.labels().size(); i++) {
              nv[2 * i] = s.labels().name(i);
              nv[2 * i + 1] = s.labels().value(i);
            }
            out.add(Entry.series(s.ref(), Labels.of(nv)));
          }
        } else if (type == RecordType.SAMPLES) {
          samples.clear();
          dec.samples(rec, samples);
          for (int i = 0; i < samples.size(); i++) {
            out.add(Entry.sample(samples.ref(i), samples.t(i), samples.v(i)));
          }
        } else {
          throw new AssertionError("the head logged a " + type + " record");
        }
      }
    }
    return out;
  }

  @AfterEach
  void closeLog() throws Exception {
    if (log != null) {
      log.close();
    }
  }
}
