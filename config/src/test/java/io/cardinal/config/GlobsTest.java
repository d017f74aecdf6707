package io.cardinal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlobsTest {
  @TempDir Path dir;

  @Test
  void expandsLikeGoFilepathGlob() throws Exception {
    Files.createDirectories(dir.resolve("rules/sub"));
    for (String f : List.of("rules/b.yml", "rules/a.yml", "rules/c.yaml", "rules/sub/d.yml")) {
      Files.writeString(dir.resolve(f), "");
    }
    assertEquals(
        List.of(dir.resolve("rules/a.yml"), dir.resolve("rules/b.yml")),
        Globs.expand(dir, "rules/*.yml"));
    // '*' does not cross directories, and braces are literal as in Go.
    assertEquals(List.of(dir.resolve("rules/sub/d.yml")), Globs.expand(dir, "rules/*/*.yml"));
    assertEquals(List.of(), Globs.expand(dir, "rules/{a,b}.yml"));
    assertEquals(
        List.of(dir.resolve("rules/a.yml"), dir.resolve("rules/b.yml")),
        Globs.expand(dir, "rules/[ab].yml"));
    assertEquals(List.of(dir.resolve("rules/c.yaml")), Globs.expand(dir, "rules/[^ab].y?ml"));
    assertEquals(List.of(dir.resolve("rules/a.yml")), Globs.expand(dir, "rules/a.yml"));
    assertEquals(List.of(), Globs.expand(dir, "rules/missing.yml"));
    assertEquals(
        List.of(dir.resolve("rules/a.yml")),
        Globs.expand(Path.of("/"), dir.resolve("rules/a*").toString()));
  }

  @Test
  void rejectsMalformedPatterns() {
    assertFalse(Globs.valid("rules/[a.yml"));
    assertFalse(Globs.valid("rules\\"));
    assertTrue(Globs.valid("rules/*.yml"));
    assertTrue(Globs.valid("rules/[]a]/x"));
  }
}
