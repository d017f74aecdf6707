package io.cardinal.storage.block;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A block's {@code meta.json}: its ULID, time range [minTime, maxTime) in ms, statistics, and
 * compaction lineage, in Prometheus's field names. Fields we do not model (a Thanos section, for
 * one) are kept and written back unchanged.
 */
public final class BlockMeta {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Go's json.MarshalIndent(v, "", "\t") layout, as Prometheus writes meta.json. */
  private static final com.fasterxml.jackson.core.util.DefaultPrettyPrinter GO_STYLE;

  static {
    com.fasterxml.jackson.core.util.DefaultIndenter tabs =
        new com.fasterxml.jackson.core.util.DefaultIndenter("\t", "\n");
    GO_STYLE =
        new com.fasterxml.jackson.core.util.DefaultPrettyPrinter(
                com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(
                        com.fasterxml.jackson.core.util.Separators.Spacing.AFTER))
            .withObjectIndenter(tabs)
            .withArrayIndenter(tabs);
  }

  public final String ulid;
  public final long minTime;
  public final long maxTime;
  public final long numSamples;
  public final long numSeries;
  public final long numChunks;
  public final long numTombstones;
  public final int level;
  public final List<String> sources;
  public final List<String> parents;
  public final boolean deletable;

  /**
   * Prometheus's {@code compaction.hints}: how the block came to be. Cardinal writes {@link
   * #HINT_STALE_SERIES} on blocks of series flushed out of the head before its range was cut.
   */
  public final List<String> hints;

  /** The hint of a block written by stale-series eviction; it overlaps the head's range. */
  public static final String HINT_STALE_SERIES = "from-stale-series";

  /**
   * Prometheus's hint of a block that may overlap the head (its out-of-order blocks). Prometheus
   * starts its head after the newest block without this hint and drops older WAL samples, so every
   * block that overlaps the head carries it, including those of evicted stale series.
   */
  public static final String HINT_OUT_OF_ORDER = "from-out-of-order";

  /** Whether the block may overlap the head's range (either hint above). */
  public boolean overlapsHead() {
    return hints.contains(HINT_STALE_SERIES) || hints.contains(HINT_OUT_OF_ORDER);
  }

  private final ObjectNode raw;

  public BlockMeta(
      String ulid,
      long minTime,
      long maxTime,
      long numSamples,
      long numSeries,
      long numChunks,
      long numTombstones,
      int level,
      List<String> sources,
      List<String> parents) {
    this(
        ulid,
        minTime,
        maxTime,
        numSamples,
        numSeries,
        numChunks,
        numTombstones,
        level,
        sources,
        parents,
        false,
        List.of(),
        null);
  }

  /** This metadata with {@code hints} as its {@code compaction.hints}. */
  public BlockMeta withHints(List<String> hints) {
    return new BlockMeta(
        ulid,
        minTime,
        maxTime,
        numSamples,
        numSeries,
        numChunks,
        numTombstones,
        level,
        sources,
        parents,
        deletable,
        hints,
        raw);
  }

  /** Whether {@code compaction.hints} holds {@code hint}. */
  public boolean hasHint(String hint) {
    return hints.contains(hint);
  }

  private BlockMeta(
      String ulid,
      long minTime,
      long maxTime,
      long numSamples,
      long numSeries,
      long numChunks,
      long numTombstones,
      int level,
      List<String> sources,
      List<String> parents,
      boolean deletable,
      List<String> hints,
      ObjectNode raw) {
    this.ulid = ulid;
    this.minTime = minTime;
    this.maxTime = maxTime;
    this.numSamples = numSamples;
    this.numSeries = numSeries;
    this.numChunks = numChunks;
    this.numTombstones = numTombstones;
    this.level = level;
    this.sources = List.copyOf(sources);
    this.parents = List.copyOf(parents);
    this.deletable = deletable;
    this.hints = List.copyOf(hints);
    this.raw = raw;
  }

  public String toJson() throws IOException {
    ObjectNode o = raw != null ? raw.deepCopy() : JSON.createObjectNode();
    o.put("ulid", ulid);
    o.put("minTime", minTime);
    o.put("maxTime", maxTime);
    ObjectNode stats = o.putObject("stats");
    stats.put("numSamples", numSamples);
    stats.put("numSeries", numSeries);
    stats.put("numChunks", numChunks);
    if (numTombstones > 0) {
      stats.put("numTombstones", numTombstones);
    }
    ObjectNode comp = o.putObject("compaction");
    comp.put("level", level);
    ArrayNode src = comp.putArray("sources");
    sources.forEach(src::add);
    if (!parents.isEmpty()) {
      ArrayNode ps = comp.putArray("parents");
      for (String p : parents) {
        ps.addObject().put("ulid", p);
      }
    }
    if (deletable) {
      comp.put("deletable", true);
    }
    if (!hints.isEmpty()) {
      ArrayNode hs = comp.putArray("hints");
      hints.forEach(hs::add);
    }
    o.put("version", 1);
    return JSON.writer(GO_STYLE).writeValueAsString(o) + "\n";
  }

  public void write(Path dir) throws IOException {
    Files.writeString(dir.resolve("meta.json"), toJson());
  }

  public static BlockMeta read(Path dir) throws IOException {
    Path file = dir.resolve("meta.json");
    if (!Files.exists(file)) {
      throw BlockCorruptionException.at(file, 0, "meta.json is missing");
    }
    JsonNode n;
    try {
      n = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw BlockCorruptionException.at(file, 0, "meta.json is not valid JSON: " + e.getMessage());
    }
    if (n == null || !n.isObject() || !n.has("ulid") || !n.has("minTime") || !n.has("maxTime")) {
      throw BlockCorruptionException.at(file, 0, "meta.json lacks ulid, minTime or maxTime");
    }
    if (n.path("version").asInt(1) != 1) {
      throw BlockCorruptionException.at(
          file, 0, "unsupported meta.json version " + n.path("version").asInt());
    }
    JsonNode stats = n.path("stats");
    JsonNode comp = n.path("compaction");
    List<String> sources = new ArrayList<>();
    comp.path("sources").forEach(s -> sources.add(s.asText()));
    List<String> parents = new ArrayList<>();
    comp.path("parents").forEach(p -> parents.add(p.path("ulid").asText()));
    List<String> hints = new ArrayList<>();
    comp.path("hints").forEach(h -> hints.add(h.asText()));
    return new BlockMeta(
        n.get("ulid").asText(),
        n.get("minTime").asLong(),
        n.get("maxTime").asLong(),
        stats.path("numSamples").asLong(),
        stats.path("numSeries").asLong(),
        stats.path("numChunks").asLong(),
        stats.path("numTombstones").asLong(),
        comp.path("level").asInt(1),
        sources,
        parents,
        comp.path("deletable").asBoolean(false),
        hints,
        (ObjectNode) n);
  }

  /** Extra top-level JSON (e.g. Thanos's external labels section), or null. */
  public JsonNode extra(String field) {
    return raw == null ? null : raw.get(field);
  }

  @Override
  public String toString() {
    return "BlockMeta["
        + ulid
        + " "
        + minTime
        + ".."
        + maxTime
        + " series="
        + numSeries
        + " samples="
        + numSamples
        + " chunks="
        + numChunks
        + " level="
        + level
        + "]";
  }
}
