package io.cardinal.cli.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * One format for every line: SLF4J and the JDK's System.Logger both come out as Prometheus 3's
 * logfmt or JSON, with the key=value fields of Cardinal's messages kept as fields.
 */
class LogLineTest {
  private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

  @AfterEach
  void restore() {
    LogLine.configure("info", "logfmt");
    LogLine.redirect(System.err);
  }

  private List<String> lines() {
    return buf.toString(StandardCharsets.UTF_8)
        .lines()
        .map(
            l ->
                l.replaceFirst(
                        "^time=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z ", "time=T ")
                    .replaceFirst(
                        "^\\{\"time\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\"",
                        "{\"time\":\"T\""))
        .toList();
  }

  @Test
  void slf4jAndSystemLoggerShareLogfmt() {
    LogLine.redirect(new PrintStream(buf, true, StandardCharsets.UTF_8));
    LogLine.configure("info", "logfmt");
    LoggerFactory.getLogger("io.cardinal.web.WebServer")
        .info("msg=\"Listening on\" address={} tls={}", "127.0.0.1:9090", false);
    System.getLogger("io.cardinal.storage.head.DurableHead")
        .log(System.Logger.Level.INFO, "Head opened [dir=/d]: replayed 3 series");
    LoggerFactory.getLogger("io.cardinal.x.Quiet").debug("msg=\"not at info\"");
    System.getLogger("io.cardinal.x.Quiet").log(System.Logger.Level.DEBUG, "not at info");
    LoggerFactory.getLogger("io.cardinal.scrape.ScrapeLoop")
        .warn("msg=\"scrape failed\" err=\"{}\"", "connection refused");
    assertEquals(
        List.of(
            "time=T level=INFO source=WebServer msg=\"Listening on\" address=127.0.0.1:9090"
                + " tls=false",
            "time=T level=INFO source=DurableHead msg=\"Head opened [dir=/d]: replayed 3 series\"",
            "time=T level=WARN source=ScrapeLoop msg=\"scrape failed\" err=\"connection refused\""),
        lines());
  }

  @Test
  void jsonHasTheSameFieldsAndDebugShowsMore() {
    LogLine.redirect(new PrintStream(buf, true, StandardCharsets.UTF_8));
    LogLine.configure("debug", "json");
    LoggerFactory.getLogger("io.cardinal.web.WebServer")
        .debug("msg=\"HTTP handler failed\" path={}", "/api/v1/query");
    System.getLogger("io.cardinal.Cardinal")
        .log(System.Logger.Level.WARNING, "deleted 2 block(s)\npast retention");
    LoggerFactory.getLogger("io.cardinal.cli.Main")
        .error("msg=\"boom\"", new IllegalStateException("bad"));
    List<String> l = lines();
    assertEquals(
        "{\"time\":\"T\",\"level\":\"DEBUG\",\"source\":\"WebServer\",\"msg\":\"HTTP handler"
            + " failed\",\"path\":\"/api/v1/query\"}",
        l.get(0));
    assertEquals(
        "{\"time\":\"T\",\"level\":\"WARN\",\"source\":\"Cardinal\",\"msg\":\"deleted 2"
            + " block(s)\\npast retention\"}",
        l.get(1));
    assertTrue(
        l.get(2)
            .startsWith(
                "{\"time\":\"T\",\"level\":\"ERROR\",\"source\":\"Main\",\"msg\":\"boom\","
                    + "\"err\":\"java.lang.IllegalStateException: bad\",\"stack\":\""),
        l.get(2));
    assertEquals(3, l.size(), "one line per event, newlines escaped");
  }

  @Test
  void badValuesAreRefusedWithWhatIsAccepted() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LogLine.configure("info", "xml"));
    assertEquals("unrecognized log format \"xml\": logfmt or json", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LogLine.configure("loud", "json"));
    assertEquals("unrecognized log level \"loud\": debug, info, warn or error", e.getMessage());
  }

  @Test
  void keyValueMessagesParseAndOthersDoNot() {
    assertEquals(
        List.of(List.of("msg", "a b"), List.of("k", "v=1"), List.of("e", "")),
        LogLine.parse("msg=\"a b\" k=v=1 e=\"\"").stream().map(List::of).toList());
    assertEquals(null, LogLine.parse("deleted 2 blocks"));
    assertEquals(null, LogLine.parse("msg=\"unterminated"));
    assertFalse(LogLine.logfmt(List.<String[]>of(new String[] {"k", "plain"})).contains("\""));
  }
}
