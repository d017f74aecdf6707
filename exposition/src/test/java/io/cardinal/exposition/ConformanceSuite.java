package io.cardinal.exposition;

import static org.junit.jupiter.api.Assertions.fail;

import io.cardinal.testing.Shared;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Locates and reads the shared OpenMetrics parser conformance cases. */
final class ConformanceSuite {
  private static final Pattern SHOULD_PARSE =
      Pattern.compile("\"shouldParse\"\\s*:\\s*(true|false)");
  private static final Pattern TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern FILE = Pattern.compile("\"file\"\\s*:\\s*\"([^\"]*)\"");

  /** One case directory. */
  static final class Case {
    final String name;
    final boolean shouldParse;
    final String type;
    final byte[] input;

    Case(String name, boolean shouldParse, String type, byte[] input) {
      this.name = name;
      this.shouldParse = shouldParse;
      this.type = type;
      this.input = input;
    }
  }

  private ConformanceSuite() {}

  /**
   * All cases. Without ../shared the calling test is skipped with a banner on a developer machine
   * and fails under {@code CI=true}, so a plain clone builds but CI never silently loses the suite.
   */
  static List<Case> load() throws IOException {
    Path dir = Shared.require("conformance/openmetrics/parsers");
    if (!Files.isDirectory(dir)) {
      fail("OpenMetrics conformance suite at " + dir.toAbsolutePath() + " is not a directory");
    }
    List<Case> cases = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path c : (Iterable<Path>) s.sorted()::iterator) {
        Path json = c.resolve("test.json");
        if (!Files.isRegularFile(json)) {
          continue;
        }
        String j = Files.readString(json, StandardCharsets.UTF_8);
        Matcher m = SHOULD_PARSE.matcher(j);
        if (!m.find()) {
          fail("no shouldParse in " + json);
        }
        Matcher t = TYPE.matcher(j);
        Matcher f = FILE.matcher(j);
        String file = f.find() ? f.group(1) : "metrics";
        cases.add(
            new Case(
                c.getFileName().toString(),
                Boolean.parseBoolean(m.group(1)),
                t.find() ? t.group(1) : "text",
                Files.readAllBytes(c.resolve(file))));
      }
    }
    if (cases.isEmpty()) {
      fail("OpenMetrics conformance suite at " + dir + " contains no cases");
    }
    return cases;
  }
}
