package io.cardinal.exposition;

import static org.junit.jupiter.api.Assertions.fail;

import io.cardinal.testing.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutates valid expositions at random and checks that both parsers either succeed or throw {@link
 * ExpositionParseException}, never anything else, and always terminate. The seed is printed; rerun
 * a failure with {@code -Dcardinal.seed=<seed>}.
 */
class ParserFuzzTest {
  private static final byte[] INTERESTING =
      "{}\",=#\\ \n\t_.:+-eE0159aZ\u00fc\u0000".getBytes(StandardCharsets.UTF_8);
  private static final String[] TOKENS = {
    "# EOF\n",
    "# TYPE a counter\n",
    "# HELP a x\n",
    "# UNIT a s\n",
    "le=\"+Inf\"",
    "quantile=\"0.5\"",
    " # {a=\"b\"} 1 2",
    "NaN",
    "+Inf",
    "-Inf",
    "1e308",
    "1e-400",
    "0x1p3",
    "\\n",
    "\\\"",
    "\\\\",
    "\u00ff\u00c3",
    "_total",
    "_bucket",
    "_count",
    "_sum",
    "_created",
    "_gsum",
    "_gcount",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999999999",
    "\n\n"
  };

  @Test
  void mutatedInputsOnlyThrowParseExceptions() throws Exception {
    long seed = Seeds.seed("ParserFuzzTest");
    Random r = new Random(seed);
    List<byte[]> corpus = new ArrayList<>();
    for (ConformanceSuite.Case c : ConformanceSuite.load()) {
      corpus.add(c.input);
    }
    corpus.add(PrometheusTextParserTest.NODE_EXPOSITION());
    int iterations = 40_000;
    int accepted = 0;
    for (int it = 0; it < iterations; it++) {
      byte[] in = mutate(corpus.get(r.nextInt(corpus.size())), r);
      for (ExpositionFormat f : ExpositionFormat.values()) {
        int off = r.nextInt(3);
        byte[] padded = new byte[in.length + off + r.nextInt(3)];
        Arrays.fill(padded, (byte) '#');
        System.arraycopy(in, 0, padded, off, in.length);
        ExpositionParser p = ExpositionParser.create(f, padded, off, in.length);
        try {
          int n = 0;
          while (p.next() != EntryType.EOF) {
            touch(p);
            if (++n > in.length + 2) {
              fail("no progress on input " + HexFormat.of().formatHex(in) + Seeds.at(seed));
            }
          }
          accepted++;
        } catch (ExpositionParseException expected) {
          if (expected.line() < 1 || expected.column() < 1) {
            fail("bad position in " + expected.getMessage() + Seeds.at(seed));
          }
        } catch (Throwable t) {
          throw new AssertionError(
              "format "
                  + f
                  + ", input hex "
                  + HexFormat.of().formatHex(in)
                  + ": "
                  + t
                  + Seeds.at(seed),
              t);
        }
      }
    }
    System.out.println("ParserFuzzTest: " + iterations * 2 + " parses, " + accepted + " accepted");
  }

  /** Exercise all accessors so lazily computed values are checked too. */
  private static void touch(ExpositionParser p) {
    p.name();
    p.familyName();
    p.text();
    p.metricType();
    ParsedLabels l = p.labels();
    for (int i = 0; i < l.size(); i++) {
      l.name(i);
      l.value(i);
    }
    ParsedLabels e = p.exemplarLabels();
    for (int i = 0; i < e.size(); i++) {
      e.name(i);
      e.value(i);
    }
  }

  /**
   * Deferred label parsing (what the scrape loop uses) must be indistinguishable from eager
   * parsing: the same entries, the same error message at the same line and column, and the same
   * series span.
   */
  @Test
  void deferredLabelsMatchEagerParsing() throws Exception {
    long seed = Seeds.seed("ParserFuzzTest.deferred");
    Random r = new Random(seed);
    List<byte[]> corpus = new ArrayList<>();
    for (ConformanceSuite.Case c : ConformanceSuite.load()) {
      corpus.add(c.input);
    }
    corpus.add(PrometheusTextParserTest.NODE_EXPOSITION());
    int matched = 0;
    for (int it = 0; it < 30_000; it++) {
      byte[] source = corpus.get(r.nextInt(corpus.size()));
      byte[] in = it == 0 ? PrometheusTextParserTest.NODE_EXPOSITION() : mutate(source, r);
      // Guesses as the scrape loop makes them: the series of the unmutated input, in order.
      List<byte[]> guesses = new ArrayList<>();
      renderAll(it == 0 ? in : source, false, null, guesses);
      String eager = renderAll(in, false, null, null);
      int[] hits = new int[1];
      String deferred = renderAll(in, true, null, null);
      String guessed = renderAll(in, true, guesses, null, hits);
      matched += hits[0];
      if (!eager.equals(deferred) || !eager.equals(guessed)) {
        fail(
            "input hex "
                + HexFormat.of().formatHex(in)
                + "\neager:    "
                + eager
                + "\ndeferred: "
                + deferred
                + "\nguessed:  "
                + guessed
                + Seeds.at(seed));
      }
    }
    if (matched < 1000) {
      fail(
          "only "
              + matched
              + " samples matched their guess; the test does not exercise expectSeries"
              + Seeds.at(seed));
    }
  }

  private static String renderAll(
      byte[] in, boolean defer, List<byte[]> guesses, List<byte[]> spans) {
    return renderAll(in, defer, guesses, spans, new int[1]);
  }

  private static String renderAll(
      byte[] in, boolean defer, List<byte[]> guesses, List<byte[]> spans, int[] hits) {
    ExpositionParser p =
        ExpositionParser.create(ExpositionFormat.PROMETHEUS_TEXT_0_0_4, in, 0, in.length);
    p.deferLabels(defer);
    StringBuilder sb = new StringBuilder();
    int samples = 0;
    try {
      while (true) {
        if (guesses != null && samples < guesses.size()) {
          p.expectSeries(guesses.get(samples));
        }
        if (p.next() == EntryType.EOF) {
          break;
        }
        if (p.entryType() == EntryType.SAMPLE) {
          samples++;
          if (p.seriesMatchedExpectation()) {
            hits[0]++;
          }
          if (spans != null) {
            spans.add(
                Arrays.copyOfRange(in, p.seriesOffset(), p.seriesOffset() + p.seriesLength()));
          }
          p.ensureLabels();
          sb.append(new String(in, p.seriesOffset(), p.seriesLength(), StandardCharsets.UTF_8))
              .append(" | ");
        }
        sb.append(Render.entry(p)).append('\n');
      }
    } catch (ExpositionParseException e) {
      sb.append("error: ").append(e.getMessage());
    }
    return sb.toString();
  }

  private static byte[] mutate(byte[] src, Random r) {
    byte[] b = src.clone();
    int rounds = 1 + r.nextInt(4);
    for (int k = 0; k < rounds; k++) {
      int len = b.length;
      int at = len == 0 ? 0 : r.nextInt(len + 1);
      switch (r.nextInt(7)) {
        case 0: // flip a byte
          if (len > 0) {
            b[Math.min(at, len - 1)] = (byte) r.nextInt(256);
          }
          break;
        case 1: // replace with an interesting byte
          if (len > 0) {
            b[Math.min(at, len - 1)] = INTERESTING[r.nextInt(INTERESTING.length)];
          }
          break;
        case 2: // insert a byte
          b = splice(b, at, 0, new byte[] {INTERESTING[r.nextInt(INTERESTING.length)]});
          break;
        case 3: // delete a range
          b = splice(b, at, Math.min(len - at, r.nextInt(8)), new byte[0]);
          break;
        case 4: // truncate
          b = Arrays.copyOf(b, at);
          break;
        case 5: // insert a token
          b =
              splice(
                  b, at, 0, TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.ISO_8859_1));
          break;
        default: // duplicate a range
          int n = Math.min(len - at, r.nextInt(40));
          b = splice(b, at, 0, Arrays.copyOfRange(b, at, at + n));
          break;
      }
    }
    return b;
  }

  private static byte[] splice(byte[] b, int at, int del, byte[] ins) {
    byte[] out = new byte[b.length - del + ins.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(ins, 0, out, at, ins.length);
    System.arraycopy(b, at + del, out, at + ins.length, b.length - at - del);
    return out;
  }
}
