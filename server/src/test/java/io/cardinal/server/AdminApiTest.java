package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus's admin API: delete_series, clean_tombstones, snapshot, behind --web.enable-admin-api.
 */
class AdminApiTest {
  @TempDir Path dir;

  private static void load(ServerHarness h) {
    Appender app = h.server.db().appender();
    for (int i = 0; i < 10; i++) {
      app.append(0, Labels.of("__name__", "m", "i", "a"), 1_000_000L + i * 1000, i);
      app.append(0, Labels.of("__name__", "m", "i", "b"), 1_000_000L + i * 1000, i);
    }
    app.commit();
  }

  @Test
  void disabledByDefault() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir, "", o -> o)) {
      ServerHarness.Resp r = h.postForm("/api/v1/admin/tsdb/delete_series", "match[]=m");
      assertEquals(503, r.status());
      assertTrue(
          r.body().contains("\"errorType\":\"unavailable\"")
              && r.body().contains("admin APIs disabled"),
          r.body());
    }
  }

  @Test
  void deleteSeriesHidesSamplesAndSnapshotWritesBlocks() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir, "", o -> o.withEnableAdminApi(true))) {
      load(h);
      assertEquals(
          400, h.postForm("/api/v1/admin/tsdb/delete_series", "").status(), "match[] is required");
      assertEquals(
          405, h.get("/api/v1/admin/tsdb/delete_series?match[]=m").status(), "GET is not allowed");
      ServerHarness.Resp del =
          h.postForm(
              "/api/v1/admin/tsdb/delete_series",
              "match[]=" + ServerHarness.enc("m{i=\"a\"}") + "&start=1000&end=1004");
      assertEquals(204, del.status(), del.body());
      ServerHarness.Resp q =
          h.get(
              "/api/v1/query?query=" + ServerHarness.enc("count_over_time(m[1m])") + "&time=1009");
      assertTrue(q.body().contains("{\"i\":\"a\"},\"value\":[1009,\"5\"]"), q.body());
      assertTrue(q.body().contains("{\"i\":\"b\"},\"value\":[1009,\"10\"]"), q.body());
      assertEquals(204, h.postForm("/api/v1/admin/tsdb/clean_tombstones", "").status());
      ServerHarness.Resp snap = h.postForm("/api/v1/admin/tsdb/snapshot", "");
      assertEquals(200, snap.status(), snap.body());
      String name = snap.body().replaceAll(".*\"name\":\"([^\"]+)\".*", "$1");
      Path snapDir = h.server.options().storagePath().resolve("snapshots").resolve(name);
      assertTrue(Files.isDirectory(snapDir), snapDir.toString());
      try (var s = Files.list(snapDir)) {
        assertEquals(1, s.count(), "the head written as one block");
      }
    }
  }
}
