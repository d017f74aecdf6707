package io.cardinal.rules;

import static org.junit.jupiter.api.Assertions.fail;

import io.cardinal.testing.Seeds;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hostile rule files: random byte-level mutations of a valid file either load or are refused with a
 * {@link RuleFileException} naming the file; no other exception, no hang. Seeded ({@code
 * -Dcardinal.seed}), the seed printed.
 */
class RuleFilesFuzzTest {
  @Test
  void mutatedFilesLoadOrAreRefusedCleanly() {
    long seed = Seeds.seed("RuleFilesFuzzTest");
    Random r = new Random(seed);
    String base = RuleFilesTest.GOOD;
    String alphabet = "{}[]:-'\"|$.() \n\t#&*!%@`>=~,0aZ_\\";
    for (int i = 0; i < 3_000; i++) {
      StringBuilder sb = new StringBuilder(base);
      int edits = 1 + r.nextInt(6);
      for (int e = 0; e < edits; e++) {
        int pos = r.nextInt(sb.length() + 1);
        switch (r.nextInt(3)) {
          case 0 -> sb.insert(pos, alphabet.charAt(r.nextInt(alphabet.length())));
          case 1 -> {
            if (pos < sb.length()) {
              sb.deleteCharAt(pos);
            }
          }
          default -> {
            if (pos < sb.length()) {
              sb.setCharAt(pos, alphabet.charAt(r.nextInt(alphabet.length())));
            }
          }
        }
      }
      String text = sb.toString();
      try {
        RuleFiles.parse("fuzz.yml", text);
      } catch (RuleFileException ok) {
        if (!ok.getMessage().startsWith("fuzz.yml: ")) {
          fail(Seeds.at(seed) + " message does not name the file: " + ok.getMessage());
        }
      } catch (RuntimeException | StackOverflowError e) {
        throw new AssertionError(
            Seeds.at(seed) + " iteration " + i + " threw " + e + " on:\n" + text, e);
      }
    }
  }
}
