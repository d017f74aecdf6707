package io.cardinal.server;

import io.cardinal.testing.TestTarget;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A test of one server and, if it needs one, one scrape target; both closed after each test. */
abstract class ServerTest {
  @TempDir Path dir;
  ServerHarness cardinal;
  TestTarget target;

  @AfterEach
  void closeServerAndTarget() {
    if (cardinal != null) {
      cardinal.close();
      cardinal = null;
    }
    if (target != null) {
      target.close();
      target = null;
    }
  }
}
