package io.cardinal.rules;

import io.cardinal.tsdb.labels.Labels;
import java.time.Duration;

/** How rules are evaluated; immutable, Prometheus's defaults, each {@code withX} returns a copy. */
public final class RuleOptions {
  private final long evaluationIntervalMs;
  private final long queryOffsetMs;
  private final long outageToleranceMs;
  private final long forGracePeriodMs;
  private final long resendDelayMs;
  private final Labels externalLabels;
  private final String externalUrl;
  private final int threads;

  private RuleOptions(Copy c) {
    if (c.evaluationIntervalMs <= 0
        || c.queryOffsetMs < 0
        || c.outageToleranceMs <= 0
        || c.forGracePeriodMs <= 0
        || c.resendDelayMs <= 0
        || c.threads <= 0) {
      throw new IllegalArgumentException("rule options must be positive");
    }
    this.evaluationIntervalMs = c.evaluationIntervalMs;
    this.queryOffsetMs = c.queryOffsetMs;
    this.outageToleranceMs = c.outageToleranceMs;
    this.forGracePeriodMs = c.forGracePeriodMs;
    this.resendDelayMs = c.resendDelayMs;
    this.externalLabels = c.externalLabels;
    this.externalUrl = c.externalUrl;
    this.threads = c.threads;
  }

  /**
   * Interval 1m, no query offset, outage tolerance 1h, grace period 10m, resend delay 1m, no
   * external labels, external URL {@code http://localhost:9090}, two evaluation threads.
   */
  public static RuleOptions defaults() {
    Copy c = new Copy();
    c.evaluationIntervalMs = 60_000;
    c.outageToleranceMs = 3_600_000;
    c.forGracePeriodMs = 600_000;
    c.resendDelayMs = 60_000;
    c.externalLabels = Labels.EMPTY;
    c.externalUrl = "http://localhost:9090";
    c.threads = 2;
    return new RuleOptions(c);
  }

  /** Groups without their own {@code interval} ({@code global.evaluation_interval}). */
  public RuleOptions withEvaluationInterval(Duration d) {
    return with(c -> c.evaluationIntervalMs = d.toMillis());
  }

  /** Groups without their own {@code query_offset} ({@code global.rule_query_offset}). */
  public RuleOptions withQueryOffset(Duration d) {
    return with(c -> c.queryOffsetMs = d.toMillis());
  }

  /** {@code --rules.alert.for-outage-tolerance}. */
  public RuleOptions withOutageTolerance(Duration d) {
    return with(c -> c.outageToleranceMs = d.toMillis());
  }

  /** {@code --rules.alert.for-grace-period}. */
  public RuleOptions withForGracePeriod(Duration d) {
    return with(c -> c.forGracePeriodMs = d.toMillis());
  }

  /** {@code --rules.alert.resend-delay}. */
  public RuleOptions withResendDelay(Duration d) {
    return with(c -> c.resendDelayMs = d.toMillis());
  }

  /** {@code $externalLabels} in templates. */
  public RuleOptions withExternalLabels(Labels l) {
    return with(c -> c.externalLabels = l);
  }

  /** {@code $externalURL} in templates and the start of alerts' generator URLs. */
  public RuleOptions withExternalUrl(String url) {
    return with(c -> c.externalUrl = url);
  }

  /** Groups evaluated at the same time; each group's rules run in order on one thread. */
  public RuleOptions withThreads(int n) {
    return with(c -> c.threads = n);
  }

  public Duration evaluationInterval() {
    return Duration.ofMillis(evaluationIntervalMs);
  }

  public Duration queryOffset() {
    return Duration.ofMillis(queryOffsetMs);
  }

  public Duration outageTolerance() {
    return Duration.ofMillis(outageToleranceMs);
  }

  public Duration forGracePeriod() {
    return Duration.ofMillis(forGracePeriodMs);
  }

  public Duration resendDelay() {
    return Duration.ofMillis(resendDelayMs);
  }

  public Labels externalLabels() {
    return externalLabels;
  }

  public String externalUrl() {
    return externalUrl;
  }

  public int threads() {
    return threads;
  }

  long evaluationIntervalMs() {
    return evaluationIntervalMs;
  }

  long queryOffsetMs() {
    return queryOffsetMs;
  }

  long outageToleranceMs() {
    return outageToleranceMs;
  }

  long forGracePeriodMs() {
    return forGracePeriodMs;
  }

  long resendDelayMs() {
    return resendDelayMs;
  }

  private RuleOptions with(java.util.function.Consumer<Copy> change) {
    Copy c = new Copy();
    c.evaluationIntervalMs = evaluationIntervalMs;
    c.queryOffsetMs = queryOffsetMs;
    c.outageToleranceMs = outageToleranceMs;
    c.forGracePeriodMs = forGracePeriodMs;
    c.resendDelayMs = resendDelayMs;
    c.externalLabels = externalLabels;
    c.externalUrl = externalUrl;
    c.threads = threads;
    change.accept(c);
    return new RuleOptions(c);
  }

  private static final class Copy {
    long evaluationIntervalMs;
    long queryOffsetMs;
    long outageToleranceMs;
    long forGracePeriodMs;
    long resendDelayMs;
    Labels externalLabels;
    String externalUrl;
    int threads;
  }
}
