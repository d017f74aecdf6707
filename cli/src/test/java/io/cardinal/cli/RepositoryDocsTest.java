package io.cardinal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation is part of the build: the module table in docs/architecture.md must be the
 * graph the poms declare (and the poms are what the imports use: the dependency analysis fails the
 * build otherwise), and every relative link and repository path a page names must exist.
 */
class RepositoryDocsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern DEP =
      Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
  private static final Pattern ARTIFACT =
      Pattern.compile("<artifactId>cardinal-([a-z-]+)</artifactId>");
  private static final Pattern ROW =
      Pattern.compile("^\\| `([a-z-]+)` \\| `cardinal-([a-z-]+)` \\|.*\\| ([^|]*) \\|$");

  /** Module directory by artifact suffix, from the root pom's module list. */
  private static Map<String, String> modulesByArtifact() throws IOException {
    Map<String, String> out = new TreeMap<>();
    Matcher m =
        Pattern.compile("<module>([a-z-]+)</module>")
            .matcher(Files.readString(ROOT.resolve("pom.xml")));
    while (m.find()) {
      String pom = Files.readString(ROOT.resolve(m.group(1)).resolve("pom.xml"));
      String own =
          pom.replaceAll("(?s)<parent>.*?</parent>", "").replaceAll("(?s)<dependencies>.*", "");
      Matcher a = ARTIFACT.matcher(own);
      assertTrue(a.find(), "no cardinal artifactId in " + m.group(1) + "/pom.xml");
      out.put(a.group(1), m.group(1));
    }
    return out;
  }

  @Test
  void moduleTableMatchesThePoms() throws IOException {
    Map<String, String> byArtifact = modulesByArtifact();
    Map<String, Set<String>> declared = new TreeMap<>();
    for (String module : byArtifact.values()) {
      Set<String> deps = new TreeSet<>();
      Matcher d = DEP.matcher(Files.readString(ROOT.resolve(module).resolve("pom.xml")));
      while (d.find()) {
        String body = d.group(1);
        Matcher a = ARTIFACT.matcher(body);
        // test-support is test-scoped by the parent's dependencyManagement; test-jars are
        // test-scoped here.
        if (a.find()
            && !body.contains("<scope>test</scope>")
            && !a.group(1).equals("test-support")) {
          deps.add(byArtifact.getOrDefault(a.group(1), "?" + a.group(1)));
        }
      }
      declared.put(module, deps);
    }
    Map<String, Set<String>> documented = new TreeMap<>();
    for (String line : Files.readAllLines(ROOT.resolve("docs/architecture.md"))) {
      Matcher r = ROW.matcher(line);
      if (r.matches()) {
        Set<String> deps = new TreeSet<>();
        Matcher names = Pattern.compile("`([a-z-]+)`").matcher(r.group(3));
        while (names.find()) {
          deps.add(names.group(1));
        }
        documented.put(r.group(1), deps);
      }
    }
    assertEquals(
        declared,
        documented,
        "docs/architecture.md's module table (| `module` | `artifact` | ... | `dependencies` |) must match the poms");
  }

  @Test
  void everyLinkAndRepositoryPathResolves() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(ROOT.resolve("README.md"));
    try (Stream<Path> s = Files.walk(ROOT.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
    }
    Set<String> tops = new TreeSet<>(modulesByArtifact().values());
    tops.addAll(List.of("docs", "bin", ".ci"));
    Pattern link = Pattern.compile("\\]\\(([^)#:\\s]+)(#[^)]*)?\\)");
    Pattern path =
        Pattern.compile(
            "`((" + String.join("|", tops).replace(".", "\\.") + ")/[A-Za-z0-9_./-]*)`");
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      String text = Files.readString(page);
      Matcher l = link.matcher(text);
      while (l.find()) {
        if (!Files.exists(page.getParent().resolve(l.group(1)))) {
          broken.add(ROOT.relativize(page) + ": link " + l.group(1));
        }
      }
      Matcher p = path.matcher(text);
      while (p.find()) {
        String ref = p.group(1);
        // Build outputs and elided paths are not files of the repository.
        if (ref.contains("...") || ref.contains("/target/") || ref.contains("/results/")) {
          continue;
        }
        if (!Files.exists(ROOT.resolve(ref))) {
          broken.add(ROOT.relativize(page) + ": path " + ref);
        }
      }
    }
    assertTrue(
        broken.isEmpty(), "documentation names what does not exist:\n" + String.join("\n", broken));
  }
}
