package io.cardinal.template;

/**
 * What Prometheus's template functions need from their surroundings, and Go's {@code missingkey}
 * option.
 *
 * @param evalTimeMs the evaluation time: {@code now} returns it in seconds and {@code query} runs
 *     at it
 * @param query runs {@code query}; null makes {@code query} fail
 * @param externalUrl what {@code externalURL} returns; {@code pathPrefix} is its path
 * @param missingKey what {@code .key} yields for a key a map lacks
 */
public record TemplateContext(
    long evalTimeMs, QueryFunction query, String externalUrl, MissingKey missingKey) {

  /** Go's {@code missingkey} option. */
  public enum MissingKey {
    /** Go's default: the missing value prints as {@code <no value>}. */
    DEFAULT,
    /** The zero value of the map's element type: {@code ""} for a label map. */
    ZERO,
    /** An error, {@code map has no entry for key "k"}. */
    ERROR
  }

  public TemplateContext {
    externalUrl = externalUrl == null ? "" : externalUrl;
    missingKey = missingKey == null ? MissingKey.DEFAULT : missingKey;
  }

  /** Now, no query function, no external URL, Go's default for missing keys. */
  public static TemplateContext defaults() {
    return new TemplateContext(System.currentTimeMillis(), null, "", MissingKey.DEFAULT);
  }
}
