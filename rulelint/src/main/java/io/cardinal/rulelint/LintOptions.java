package io.cardinal.rulelint;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * How rules are linted; immutable, each {@code withX} returns a copy. The defaults: "now" is the
 * wall clock, backtests look at the last 7 days, no memory figure for recording rules, no policy, a
 * 1m evaluation interval where neither the group nor the source says otherwise, every check on.
 */
public final class LintOptions {
  private final Instant now;
  private final long backtestWindowMs;
  private final long bytesPerSeries;
  private final Policy policy;
  private final long evaluationIntervalMs;
  private final Set<String> disabledChecks;

  private LintOptions(Copy c) {
    if (c.backtestWindowMs <= 0) {
      throw new IllegalArgumentException("backtest window must be positive");
    }
    if (c.bytesPerSeries < 0) {
      throw new IllegalArgumentException("bytes per series must be >= 0");
    }
    if (c.evaluationIntervalMs <= 0) {
      throw new IllegalArgumentException("evaluation interval must be positive");
    }
    this.now = c.now;
    this.backtestWindowMs = c.backtestWindowMs;
    this.bytesPerSeries = c.bytesPerSeries;
    this.policy = Objects.requireNonNull(c.policy, "policy");
    this.evaluationIntervalMs = c.evaluationIntervalMs;
    this.disabledChecks = Set.copyOf(c.disabledChecks);
  }

  public static LintOptions defaults() {
    Copy c = new Copy();
    c.backtestWindowMs = Duration.ofDays(7).toMillis();
    c.policy = Policy.NONE;
    c.evaluationIntervalMs = 60_000;
    c.disabledChecks = Set.of();
    return new LintOptions(c);
  }

  /** The instant the checks take as "now"; null (the default) reads the clock at each run. */
  public LintOptions withNow(Instant t) {
    return with(c -> c.now = t);
  }

  /** How far back {@code alert/backtest} evaluates, clamped to the data the source holds. */
  public LintOptions withBacktestWindow(Duration d) {
    return with(c -> c.backtestWindowMs = d.toMillis());
  }

  /**
   * The memory one series takes, for {@code record/cost}; 0 (the default) leaves the memory out and
   * counts series only.
   */
  public LintOptions withBytesPerSeries(long bytes) {
    return with(c -> c.bytesPerSeries = bytes);
  }

  /** The policy the {@code policy/*} checks enforce; {@link Policy#NONE} by default. */
  public LintOptions withPolicy(Policy p) {
    return with(c -> c.policy = p);
  }

  /**
   * The evaluation interval of groups without their own {@code interval} when the source does not
   * know the server's {@code global.evaluation_interval}.
   */
  public LintOptions withEvaluationInterval(Duration d) {
    return with(c -> c.evaluationIntervalMs = d.toMillis());
  }

  /** Turns the checks with these ids off (replacing any earlier set). */
  public LintOptions withDisabledChecks(Collection<String> ids) {
    return with(c -> c.disabledChecks = new TreeSet<>(ids));
  }

  /** The fixed "now", or null for the clock. */
  public Instant now() {
    return now;
  }

  /** "Now" in milliseconds: the fixed instant, else the clock. */
  public long nowMs() {
    return now == null ? System.currentTimeMillis() : now.toEpochMilli();
  }

  public Duration backtestWindow() {
    return Duration.ofMillis(backtestWindowMs);
  }

  public long bytesPerSeries() {
    return bytesPerSeries;
  }

  public Policy policy() {
    return policy;
  }

  public Duration evaluationInterval() {
    return Duration.ofMillis(evaluationIntervalMs);
  }

  public Set<String> disabledChecks() {
    return disabledChecks;
  }

  public boolean enabled(String checkId) {
    return !disabledChecks.contains(checkId);
  }

  private LintOptions with(java.util.function.Consumer<Copy> change) {
    Copy c = new Copy();
    c.now = now;
    c.backtestWindowMs = backtestWindowMs;
    c.bytesPerSeries = bytesPerSeries;
    c.policy = policy;
    c.evaluationIntervalMs = evaluationIntervalMs;
    c.disabledChecks = disabledChecks;
    change.accept(c);
    return new LintOptions(c);
  }

  private static final class Copy {
    Instant now;
    long backtestWindowMs;
    long bytesPerSeries;
    Policy policy;
    long evaluationIntervalMs;
    Set<String> disabledChecks;
  }
}
