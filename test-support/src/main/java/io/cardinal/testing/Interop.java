package io.cardinal.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Finding and running the real Prometheus tools (Debian's 2.42 package; .ci/run installs it). A
 * missing binary skips the test loudly (a banner on stderr and a JUnit assumption failure, never a
 * silent pass), and fails it when {@code CI=true}. {@code -Dcardinal.<binary>=/path} names a binary
 * outside PATH.
 */
public final class Interop {
  private Interop() {}

  /** The binary's path, or skips the calling test (loudly) when it is not installed. */
  public static Path requireBinary(String name) {
    Path found = find(name);
    if (found != null) {
      return found;
    }
    String pkg =
        name.startsWith("prometheus-")
            ? name
            : name.equals("amtool") ? "prometheus-alertmanager" : "prometheus";
    skipOrFail(
        "'"
            + name
            + "' (Debian's '"
            + pkg
            + "' package) is not installed or not on PATH; install it "
            + "(.ci/run does) to run the interoperability tests");
    return null;
  }

  /**
   * The binary's path ({@code -Dcardinal.NAME} first, then PATH), or null: for peers a test can do
   * without.
   */
  public static Path find(String name) {
    String override = System.getProperty("cardinal." + name);
    if (override != null && Files.isExecutable(Path.of(override))) {
      return Path.of(override);
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        Path p = Path.of(d, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  /**
   * Whether this is a CI run ({@code CI=true}), where nothing an interop test needs may be missing.
   */
  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * Skips the calling test loudly (a banner on stderr and a JUnit assumption failure), or fails it
   * under {@code CI=true}: CI can never pass with a peer or a suite silently missing.
   */
  public static void skipOrFail(String what) {
    String msg = (inCi() ? "INTEROP TEST FAILED (CI=true): " : "INTEROP TEST SKIPPED: ") + what;
    System.err.println("*".repeat(100));
    System.err.println(msg);
    System.err.println("*".repeat(100));
    if (inCi()) {
      fail(msg);
    }
    Assumptions.assumeTrue(false, msg);
  }

  public record Result(int exit, String stdout, String stderr) {}

  /** Runs a command to completion (bounded): its exit code and output. */
  public static Result run(long timeoutMs, String... cmd) throws IOException, InterruptedException {
    Path out = Files.createTempFile("interop-out", ".txt");
    Path err = Files.createTempFile("interop-err", ".txt");
    try {
      Process p =
          new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        fail(
            "timed out after "
                + timeoutMs
                + " ms: "
                + List.of(cmd)
                + "\nstderr: "
                + Files.readString(err));
      }
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Starts a long-running process with its output going to {@code log}. */
  public static Process start(Path log, List<String> cmd) throws IOException {
    return new ProcessBuilder(new ArrayList<>(cmd))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** A port free on 127.0.0.1 a moment ago, for a child process's listen address. */
  public static int freePort() throws IOException {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /** Kills a process started by a test and waits for it to be gone. */
  public static void kill(Process p) throws InterruptedException {
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      System.err.println("process " + p.pid() + " did not exit within 30 s after SIGKILL");
    }
  }
}
