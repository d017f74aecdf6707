package io.cardinal.exposition;

import java.util.Locale;

/**
 * The text exposition formats Cardinal can parse, and Content-Type based selection between them.
 */
public enum ExpositionFormat {
  /** Prometheus text format 0.0.4 ({@code text/plain; version=0.0.4}). */
  PROMETHEUS_TEXT_0_0_4("text/plain; version=0.0.4; charset=utf-8"),
  /** OpenMetrics 1.0 text format ({@code application/openmetrics-text; version=1.0.0}). */
  OPENMETRICS_1_0_0("application/openmetrics-text; version=1.0.0; charset=utf-8");

  /**
   * Accept header a scraper sends by default: Prometheus 3's for its default {@code
   * scrape_protocols} (OpenMetrics 1.0.0 and 0.0.1, text 1.0.0 and 0.0.4, then anything). The 1.0.0
   * formats ask for UTF-8 names escaped to underscores, so what comes back has legacy names these
   * parsers read; protobuf is not offered.
   */
  public static final String SCRAPE_ACCEPT_HEADER =
      "application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.6,"
          + "application/openmetrics-text;version=0.0.1;q=0.5,"
          + "text/plain;version=1.0.0;escaping=underscores;q=0.4,"
          + "text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

  private final String contentType;

  ExpositionFormat(String contentType) {
    this.contentType = contentType;
  }

  /** The canonical Content-Type of this format. */
  public String contentType() {
    return contentType;
  }

  /**
   * Chooses the parser format for a response Content-Type the way Prometheus does: the media type
   * {@code application/openmetrics-text} (any version parameter, 0.0.1 and 1.0.0 are both parsed as
   * OpenMetrics 1.0) selects OpenMetrics; {@code text/plain} and everything else &mdash; a missing,
   * empty or malformed header, or an unsupported type such as protobuf &mdash; falls back to the
   * 0.0.4 text format.
   */
  public static ExpositionFormat fromContentType(String contentType) {
    if (contentType == null) {
      return PROMETHEUS_TEXT_0_0_4;
    }
    int semi = contentType.indexOf(';');
    String mediaType =
        (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    if (mediaType.equals("application/openmetrics-text")) {
      return OPENMETRICS_1_0_0;
    }
    return PROMETHEUS_TEXT_0_0_4;
  }
}
