package io.cardinal.storage.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.storage.head.DurableHead;
import io.cardinal.storage.head.DurableOptions;
import io.cardinal.storage.head.SyncPolicy;
import io.cardinal.tsdb.head.HeadOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryLockTest {
  @TempDir Path dir;

  @Test
  void secondOpenInTheSameProcessFailsUntilTheFirstCloses() throws IOException {
    try (DirectoryLock first = DirectoryLock.acquire(dir)) {
      IOException e = assertThrows(IOException.class, () -> DirectoryLock.acquire(dir));
      assertTrue(e.getMessage().contains("already open in this process"), e.getMessage());
      assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
      assertEquals(
          ProcessHandle.current().pid() + "\n",
          Files.readString(first.file(), StandardCharsets.US_ASCII));
    }
    // Released: the same directory opens again, and the file stays as Prometheus leaves its own.
    DirectoryLock.acquire(dir).close();
    assertTrue(Files.exists(dir.resolve(DirectoryLock.FILE)));
  }

  @Test
  void anotherProcessHoldingItIsNamedAndAKillReleasesIt() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process holder =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                Holder.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("locked", out.readLine(), "the child did not take the lock");
      IOException e = assertThrows(IOException.class, () -> DirectoryLock.acquire(dir));
      assertTrue(e.getMessage().contains("in use by another process"), e.getMessage());
      assertTrue(e.getMessage().contains("PID " + holder.pid()), e.getMessage());
      assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
      // A durable head on the directory is refused the same way, before it reads anything.
      IOException h =
          assertThrows(
              IOException.class,
              () ->
                  DurableHead.open(
                      dir, HeadOptions.defaults(), DurableOptions.of(SyncPolicy.PERIODIC)));
      assertTrue(h.getMessage().contains("PID " + holder.pid()), h.getMessage());
    } finally {
      holder.destroyForcibly();
      assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
    }
    // SIGKILL leaves the file but not the lock: the kernel drops it with the process.
    DirectoryLock.acquire(dir).close();
  }

  @Test
  void durableHeadHoldsTheLockUntilClosedAndCanDoWithout() throws IOException {
    DurableOptions opts = DurableOptions.of(SyncPolicy.PERIODIC);
    try (DurableHead a = DurableHead.open(dir, HeadOptions.defaults(), opts)) {
      IOException e =
          assertThrows(
              IOException.class, () -> DurableHead.open(dir, HeadOptions.defaults(), opts));
      assertTrue(e.getMessage().contains("already open"), e.getMessage());
    }
    DurableHead.open(dir, HeadOptions.defaults(), opts).close();
    // --storage.tsdb.no-lockfile: no lock is taken, so a held lock does not stop the open.
    try (DirectoryLock held = DirectoryLock.acquire(dir)) {
      DurableHead.open(dir, HeadOptions.defaults(), opts.withLockfile(false)).close();
    }
  }

  /** Takes the lock, says so, and holds it until killed. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      DirectoryLock lock = DirectoryLock.acquire(Path.of(args[0]));
      System.out.println("locked");
      System.out.flush();
      Thread.sleep(60_000);
      lock.close();
    }
  }
}
