package io.cardinal.rules;

import io.cardinal.promql.engine.Value;
import io.cardinal.tsdb.AppendStatus;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running rule group: evaluated every interval at a fixed offset within it, its rules in order,
 * each rule's results committed before the next rule runs so later rules see them.
 */
final class Group {
  private static final Logger log = LoggerFactory.getLogger(Group.class);
  static final double STALE_NAN = Double.longBitsToDouble(AlertingRule.STALE_NAN_BITS);

  final GroupSpec spec;
  final List<Rule> rules = new ArrayList<>();
  final long intervalMs;
  final long queryOffsetMs;

  /** Nanoseconds into each interval at which this group is evaluated. */
  final long offsetNanos;

  final AtomicLong evaluations = new AtomicLong();
  final AtomicLong failures = new AtomicLong();
  final AtomicLong iterations = new AtomicLong();
  final AtomicLong missed = new AtomicLong();
  volatile long lastEvaluationMs;
  volatile long lastEvalTimestampMs;
  volatile long lastDurationNanos;
  volatile long lastRuleDurationSumNanos;
  volatile long lastSamples;
  volatile boolean shouldRestore;
  volatile boolean stopped;
  ScheduledFuture<?> next;

  /** Slot of the next evaluation, in nanoseconds since the epoch. */
  long nextSlotNanos;

  Group(GroupSpec spec, RuleOptions opts) {
    this.spec = spec;
    this.intervalMs = spec.intervalMs() > 0 ? spec.intervalMs() : opts.evaluationIntervalMs();
    this.queryOffsetMs = spec.queryOffsetMs() != null ? spec.queryOffsetMs() : opts.queryOffsetMs();
    for (RuleSpec r : spec.rules()) {
      rules.add(
          r.isAlerting()
              ? new AlertingRule(r, spec.labels())
              : new RecordingRule(r, spec.labels()));
    }
    this.offsetNanos =
        Long.remainderUnsigned(hash(spec.file(), spec.name()), intervalMs * 1_000_000L);
  }

  /** Prometheus's group hash: its label-set hash of {file, name}. */
  static long hash(String file, String name) {
    byte[] f = file.getBytes(StandardCharsets.UTF_8);
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] b = new byte[4 + 1 + f.length + 1 + 4 + 1 + n.length + 1];
    int i = 0;
    for (byte[] part :
        new byte[][] {
          "file".getBytes(StandardCharsets.UTF_8), f, "name".getBytes(StandardCharsets.UTF_8), n
        }) {
      System.arraycopy(part, 0, b, i, part.length);
      i += part.length;
      b[i++] = (byte) 0xff;
    }
    return Xxhash64.hash(b);
  }

  /** The slot at or before {@code nowNanos} (Prometheus's {@code EvalTimestamp}). */
  long evalTimestampNanos(long nowNanos) {
    long interval = intervalMs * 1_000_000L;
    long adj = nowNanos - offsetNanos;
    long base = adj - Math.floorMod(adj, interval);
    return base + offsetNanos;
  }

  String key() {
    return spec.key();
  }

  /** One evaluation of every rule at slot {@code tsMs}. */
  void eval(RuleContext ctx, long tsMs) {
    long start = System.nanoTime();
    lastEvaluationMs = ctx.clockMs.getAsLong();
    long samples = 0;
    long ruleNanos = 0;
    Appender app = ctx.appenders.get();
    for (Rule rule : rules) {
      if (stopped) {
        return;
      }
      long t0 = System.nanoTime();
      long wall = ctx.clockMs.getAsLong();
      evaluations.incrementAndGet();
      try {
        List<Value.Sample> vec = rule.eval(ctx, tsMs, queryOffsetMs, spec.limit());
        samples += vec.size();
        if (rule instanceof AlertingRule ar) {
          List<OutgoingAlert> due =
              ar.due(
                  tsMs,
                  ctx.options.resendDelayMs(),
                  intervalMs,
                  ar.generatorUrl(ctx.options.externalUrl()));
          if (!due.isEmpty()) {
            for (AlertListener l : ctx.listeners) {
              l.send(rule.query, due);
            }
          }
        }
        write(app, rule, vec, tsMs - queryOffsetMs);
      } catch (RuleContext.RuleEvalException e) {
        rule.setFailed(e.getMessage());
        failures.incrementAndGet();
        log.warn(
            "msg=\"Evaluating rule failed\" group=\"{}\" rule=\"{}\" err=\"{}\"",
            spec.name(),
            rule.name(),
            e.getMessage());
      } catch (RuntimeException e) {
        rule.setFailed(String.valueOf(e.getMessage()));
        failures.incrementAndGet();
        log.warn("msg=\"Evaluating rule failed\" rule=\"{}\"", rule.name(), e);
      } finally {
        long took = System.nanoTime() - t0;
        rule.evaluationNanos = took;
        rule.lastEvaluationMs = wall;
        ruleNanos += took;
      }
    }
    lastSamples = samples;
    lastRuleDurationSumNanos = ruleNanos;
    lastDurationNanos = System.nanoTime() - start;
    lastEvalTimestampMs = tsMs;
    iterations.incrementAndGet();
  }

  /** Appends a rule's results, then stale markers for its series that are gone, and commits. */
  private void write(Appender app, Rule rule, List<Value.Sample> vec, long staleTs) {
    Set<Labels> returned = new HashSet<>(Math.max(16, vec.size() * 2));
    String firstError = null;
    for (Value.Sample s : vec) {
      long r = app.append(0, s.labels(), s.timestamp(), s.value());
      if (r < 0) {
        if (firstError == null) {
          firstError = AppendStatus.of(r).message();
        }
      } else {
        returned.add(s.labels());
      }
    }
    for (Labels l : rule.seriesInPreviousEval) {
      if (!returned.contains(l)) {
        // Failures here are expected when another rule now writes the series; nothing to report.
        app.append(0, l, staleTs, STALE_NAN);
      }
    }
    try {
      app.commit();
    } catch (IllegalStateException e) {
      rule.setFailed(e.getMessage());
      return;
    }
    if (firstError != null) {
      rule.setFailed(firstError);
      log.warn(
          "msg=\"Rule sample appending failed\" rule=\"{}\" err=\"{}\"", rule.name(), firstError);
    }
    rule.seriesInPreviousEval = returned;
  }

  /** Moves every rule the backend can take onto it; the others say why they stay queries. */
  void startStreaming(StreamingBackend backend) {
    for (Rule r : rules) {
      StreamingBackend.Registration reg = backend.register(r.expr);
      r.streaming = reg.handle();
      r.queryReason = reg.handle() == null ? String.valueOf(reg.reason()) : "";
    }
  }

  /** Frees the rules' streaming state (the group stopped). */
  void stopStreaming() {
    for (Rule r : rules) {
      StreamingBackend.Handle h = r.streaming;
      r.streaming = null;
      if (h != null) {
        h.close();
      }
    }
  }

  /** Writes stale markers for every series this group wrote last (it was removed by a reload). */
  void markAllStale(RuleContext ctx, long tsMs) {
    Appender app = ctx.appenders.get();
    for (Rule r : rules) {
      for (Labels l : r.seriesInPreviousEval) {
        app.append(0, l, tsMs, STALE_NAN);
      }
    }
    try {
      app.commit();
    } catch (IllegalStateException e) {
      // The database closed meanwhile: nothing left to mark.
    }
  }

  /** Takes the state of the same rules in the group this one replaces. */
  void copyStateFrom(Group old) {
    for (Rule r : rules) {
      for (Rule o : old.rules) {
        if (o.name().equals(r.name()) && o.getClass() == r.getClass()) {
          r.seriesInPreviousEval = o.seriesInPreviousEval;
          r.health = o.health;
          r.lastError = o.lastError;
          r.lastEvaluationMs = o.lastEvaluationMs;
          r.evaluationNanos = o.evaluationNanos;
          if (r instanceof AlertingRule ar && Rule.sameRule(r.spec, o.spec)) {
            ar.copyStateFrom((AlertingRule) o);
          }
          break;
        }
      }
    }
    lastEvaluationMs = old.lastEvaluationMs;
    lastDurationNanos = old.lastDurationNanos;
  }

  GroupStatus status(java.util.function.Function<RuleSpec, List<String>> warnings) {
    List<RuleStatus> rs = new ArrayList<>();
    for (Rule r : rules) {
      List<String> w = warnings.apply(r.spec);
      rs.add(w.isEmpty() ? r.status() : r.status().withWarnings(w));
    }
    return new GroupStatus(
        spec.name(),
        spec.file(),
        intervalMs,
        queryOffsetMs,
        spec.limit(),
        rs,
        lastDurationNanos / 1e9,
        lastEvaluationMs);
  }
}
