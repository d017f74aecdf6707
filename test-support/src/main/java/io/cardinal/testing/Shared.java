package io.cardinal.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code ../shared} folder beside the checkout (conformance suites, reference files): the build
 * passes it as {@code -Dcardinal.shared}. Missing, the calling test is skipped with a banner, or
 * fails when {@code CI=true}.
 */
public final class Shared {
  private Shared() {}

  /** {@code relative} inside the shared folder, or skips (fails in CI) when it is not there. */
  public static Path require(String relative) {
    String prop = System.getProperty("cardinal.shared");
    Path dir = prop == null ? Path.of("..", "..", "shared") : Path.of(prop);
    Path p = dir.resolve(relative).normalize();
    if (!Files.exists(p)) {
      Interop.skipOrFail(
          "the shared material "
              + p.toAbsolutePath()
              + " is missing: check out beside ../shared, or "
              + "set -Dcardinal.shared=/path/to/shared");
    }
    return p;
  }
}
