package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two servers on one data directory: the second refuses to start and the first goes on. */
class DataDirectoryLockTest {
  @TempDir Path dir;

  @Test
  void aSecondServerOnTheSameDirectoryRefusesToStart() throws Exception {
    try (ServerHarness first = ServerHarness.start(dir, "", o -> o)) {
      IOException e = assertThrows(IOException.class, () -> ServerHarness.start(dir, "", o -> o));
      assertTrue(e.getMessage().contains(dir.resolve("data").toString()), e.getMessage());
      assertTrue(e.getMessage().contains("already open"), e.getMessage());
      ServerHarness.Resp r = first.get("/api/v1/query?query=1");
      assertEquals(200, r.status(), "the first server must keep serving: " + r.body());
    }
    // Closed: the directory is free again.
    try (ServerHarness again = ServerHarness.start(dir, "", o -> o)) {
      assertEquals(200, again.get("/-/ready").status());
    }
  }
}
