package io.cardinal.scrape;

/** TYPE, HELP and UNIT of one metric family as a target exposed it ({@code /api/v1/metadata}). */
public record Metadata(String type, String help, String unit) {
  static final Metadata EMPTY = new Metadata("unknown", "", "");

  Metadata withType(String t) {
    return new Metadata(t, help, unit);
  }

  Metadata withHelp(String h) {
    return new Metadata(type, h, unit);
  }

  Metadata withUnit(String u) {
    return new Metadata(type, help, u);
  }
}
