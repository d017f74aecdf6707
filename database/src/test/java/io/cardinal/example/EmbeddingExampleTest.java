package io.cardinal.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Runs the example in docs/embedding.md and checks the doc shows exactly this code, package line
 * and imports included.
 */
class EmbeddingExampleTest {
  @Test
  void exampleRunsAndPrintsWhatTheDocSays() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    EmbeddingExample.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("status of the new series: SKIPPED_SAMPLE_LIMIT"), out);
    assertTrue(
        out.contains("{__name__=\"http_requests_total\", path=\"/api/0\"} samples=11 last=100.0"),
        out);
    assertTrue(
        out.contains("{__name__=\"http_requests_total\", path=\"/api/2\"} samples=10 last=27.0"),
        out);
    assertTrue(out.contains("head series: 3"), out);
    assertTrue(out.contains("requests per second: 0.40"), out);
    assertTrue(
        out.contains(
            "{__name__=\"http_requests_total\", path=\"/api/1\"} at 2023-11-14T22:15:35Z = 18.0"),
        out);
    assertTrue(out.contains("PARSE at line 1, column 34: unclosed left parenthesis"), out);
  }

  @Test
  void docShowsTheCompiledExample() throws Exception {
    Path root = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."));
    if (!Files.exists(root.resolve("docs"))) {
      root = Path.of("..");
    }
    String src =
        Files.readString(Path.of("src/test/java/io/cardinal/example/EmbeddingExample.java"));
    String body =
        src.substring(
                src.indexOf("// docs:begin") + "// docs:begin".length(), src.indexOf("// docs:end"))
            .strip();
    String doc = Files.readString(root.resolve("docs/embedding.md"));
    assertTrue(
        doc.contains(body),
        "docs/embedding.md must contain the example verbatim; update it from "
            + "EmbeddingExample.java");
    assertEquals(-1, doc.indexOf("TODO"));
  }
}
