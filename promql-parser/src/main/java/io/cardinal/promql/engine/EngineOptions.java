package io.cardinal.promql.engine;

import java.time.Duration;

/**
 * Immutable engine settings; each {@code withX} returns a copy. Defaults match Prometheus' server
 * defaults.
 */
public final class EngineOptions {
  private final long lookbackDeltaMs;
  private final long maxSamples;
  private final long timeoutMs;
  private final boolean enableExperimentalFunctions;
  private final int maxConcurrentQueries;
  private final long noStepSubqueryIntervalMs;

  private EngineOptions(
      long lookbackDeltaMs,
      long maxSamples,
      long timeoutMs,
      boolean enableExperimentalFunctions,
      int maxConcurrentQueries,
      long noStepSubqueryIntervalMs) {
    if (lookbackDeltaMs <= 0
        || maxSamples <= 0
        || timeoutMs <= 0
        || maxConcurrentQueries <= 0
        || noStepSubqueryIntervalMs <= 0) {
      throw new IllegalArgumentException("engine options must be positive");
    }
    this.lookbackDeltaMs = lookbackDeltaMs;
    this.maxSamples = maxSamples;
    this.timeoutMs = timeoutMs;
    this.enableExperimentalFunctions = enableExperimentalFunctions;
    this.maxConcurrentQueries = maxConcurrentQueries;
    this.noStepSubqueryIntervalMs = noStepSubqueryIntervalMs;
  }

  /**
   * Lookback 5m, 50,000,000 samples, timeout 2m, experimental functions off, 20 concurrent queries.
   */
  public static EngineOptions defaults() {
    return new EngineOptions(5 * 60_000L, 50_000_000L, 2 * 60_000L, false, 20, 60_000L);
  }

  /** How far back an instant selector looks for a sample (Prometheus's --query.lookback-delta). */
  public EngineOptions withLookbackDelta(Duration d) {
    return new EngineOptions(
        d.toMillis(),
        maxSamples,
        timeoutMs,
        enableExperimentalFunctions,
        maxConcurrentQueries,
        noStepSubqueryIntervalMs);
  }

  public EngineOptions withMaxSamples(long n) {
    return new EngineOptions(
        lookbackDeltaMs,
        n,
        timeoutMs,
        enableExperimentalFunctions,
        maxConcurrentQueries,
        noStepSubqueryIntervalMs);
  }

  /** How long one query may run, waiting for a slot included (Prometheus's --query.timeout). */
  public EngineOptions withTimeout(Duration d) {
    return new EngineOptions(
        lookbackDeltaMs,
        maxSamples,
        d.toMillis(),
        enableExperimentalFunctions,
        maxConcurrentQueries,
        noStepSubqueryIntervalMs);
  }

  public EngineOptions withExperimentalFunctions(boolean enabled) {
    return new EngineOptions(
        lookbackDeltaMs,
        maxSamples,
        timeoutMs,
        enabled,
        maxConcurrentQueries,
        noStepSubqueryIntervalMs);
  }

  public EngineOptions withMaxConcurrentQueries(int n) {
    return new EngineOptions(
        lookbackDeltaMs,
        maxSamples,
        timeoutMs,
        enableExperimentalFunctions,
        n,
        noStepSubqueryIntervalMs);
  }

  /**
   * Step of subqueries written without one ({@code foo[5m:]}); Prometheus uses the global
   * evaluation interval.
   */
  public EngineOptions withNoStepSubqueryInterval(Duration d) {
    return new EngineOptions(
        lookbackDeltaMs,
        maxSamples,
        timeoutMs,
        enableExperimentalFunctions,
        maxConcurrentQueries,
        d.toMillis());
  }

  public Duration lookbackDelta() {
    return Duration.ofMillis(lookbackDeltaMs);
  }

  long lookbackDeltaMs() {
    return lookbackDeltaMs;
  }

  public long maxSamples() {
    return maxSamples;
  }

  public Duration timeout() {
    return Duration.ofMillis(timeoutMs);
  }

  long timeoutMs() {
    return timeoutMs;
  }

  public boolean enableExperimentalFunctions() {
    return enableExperimentalFunctions;
  }

  public int maxConcurrentQueries() {
    return maxConcurrentQueries;
  }

  public Duration noStepSubqueryInterval() {
    return Duration.ofMillis(noStepSubqueryIntervalMs);
  }

  long noStepSubqueryIntervalMs() {
    return noStepSubqueryIntervalMs;
  }
}
