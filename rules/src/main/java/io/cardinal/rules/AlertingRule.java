package io.cardinal.rules;

import io.cardinal.promql.engine.Value;
import io.cardinal.template.AlertTemplates;
import io.cardinal.tsdb.labels.Labels;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code alert: NAME}: each result series is an alert, pending until the condition has held for
 * {@code for}, then firing; it resolves when the series is gone (after {@code keep_firing_for}),
 * and a resolved alert is kept 15 minutes so Alertmanager hears of the resolution.
 */
final class AlertingRule extends Rule {
  static final String ALERTS = "ALERTS";
  static final String ALERTS_FOR_STATE = "ALERTS_FOR_STATE";
  static final long RESOLVED_RETENTION_MS = 15 * 60_000L;

  /** Alerts by their label set; guarded by {@code this}. */
  private final Map<Labels, Entry> active = new LinkedHashMap<>();

  /** Until the group has restored the {@code for} state, no ALERTS series are written. */
  volatile boolean restored;

  AlertingRule(RuleSpec spec, Labels groupLabels) {
    super(spec, groupLabels);
  }

  static final class Entry {
    Labels labels;
    Labels annotations;
    AlertState state;
    double value;
    long activeAt;
    long firedAt;
    long resolvedAt;
    long keepFiringSince;
    long lastSentAt;
    long validUntil;

    ActiveAlert snapshot() {
      return new ActiveAlert(
          labels,
          annotations,
          state,
          value,
          activeAt,
          firedAt,
          resolvedAt,
          keepFiringSince,
          lastSentAt,
          validUntil);
    }

    boolean needsSending(long ts, long resendDelay) {
      if (state == AlertState.PENDING) {
        return false;
      }
      if (resolvedAt > lastSentAt) {
        return true;
      }
      return lastSentAt + resendDelay < ts;
    }
  }

  @Override
  synchronized List<Value.Sample> eval(RuleContext ctx, long tsMs, long offsetMs, int limit)
      throws RuleContext.RuleEvalException {
    List<Value.Sample> res = query(ctx, tsMs - offsetMs);
    RuleOptions o = ctx.options;
    Map<String, String> ext = map(o.externalLabels());
    Map<Labels, Entry> alerts = new HashMap<>();
    Labels.Builder lb = Labels.EMPTY.toBuilder();
    for (Value.Sample s : res) {
      Map<String, String> tmplLabels = map(s.labels());
      double v = s.value();
      String tmplName = "__alert_" + name();
      lb.reset(s.labels()).delete(Labels.METRIC_NAME);
      for (int i = 0; i < labels.size(); i++) {
        lb.set(
            labels.name(i),
            AlertTemplates.expand(
                tmplName,
                labels.value(i),
                tmplLabels,
                ext,
                o.externalUrl(),
                v,
                tsMs,
                ctx::templateQuery));
      }
      lb.set("alertname", name());
      Labels l = lb.build();
      Labels.Builder ab = Labels.EMPTY.toBuilder();
      for (int i = 0; i < spec.annotations().size(); i++) {
        ab.set(
            spec.annotations().name(i),
            AlertTemplates.expand(
                tmplName,
                spec.annotations().value(i),
                tmplLabels,
                ext,
                o.externalUrl(),
                v,
                tsMs,
                ctx::templateQuery));
      }
      if (alerts.containsKey(l)) {
        throw new RuleContext.RuleEvalException(
            "vector contains metrics with the same labelset after applying alert labels");
      }
      Entry e = new Entry();
      e.labels = l;
      e.annotations = ab.build();
      e.activeAt = tsMs;
      e.state = AlertState.PENDING;
      e.value = v;
      alerts.put(l, e);
    }
    List<Runnable> events = new ArrayList<>();
    for (Entry a : alerts.values()) {
      Entry known = active.get(a.labels);
      if (known != null && known.state != AlertState.INACTIVE) {
        known.value = a.value;
        known.annotations = a.annotations;
        continue;
      }
      active.put(a.labels, a);
      AlertState prev = known == null ? AlertState.INACTIVE : known.state;
      ActiveAlert snap = a.snapshot();
      events.add(() -> notifyState(ctx, snap, prev));
    }
    List<Value.Sample> vec = new ArrayList<>();
    int numActivePending = 0;
    long sampleTs = tsMs - offsetMs;
    for (var it = active.entrySet().iterator(); it.hasNext(); ) {
      Entry a = it.next().getValue();
      if (!alerts.containsKey(a.labels)) {
        boolean keepFiring = false;
        if (a.state == AlertState.FIRING && spec.keepFiringForMs() > 0) {
          if (a.keepFiringSince == 0) {
            a.keepFiringSince = tsMs;
          }
          if (tsMs - a.keepFiringSince < spec.keepFiringForMs()) {
            keepFiring = true;
          }
        }
        if (a.state == AlertState.PENDING
            || (a.resolvedAt != 0 && tsMs - a.resolvedAt > RESOLVED_RETENTION_MS)) {
          it.remove();
        }
        if (a.state != AlertState.INACTIVE && !keepFiring) {
          AlertState prev = a.state;
          a.state = AlertState.INACTIVE;
          a.resolvedAt = tsMs;
          ActiveAlert snap = a.snapshot();
          events.add(() -> notifyState(ctx, snap, prev));
        }
        if (!keepFiring) {
          continue;
        }
      } else {
        a.keepFiringSince = 0;
      }
      numActivePending++;
      if (a.state == AlertState.PENDING && tsMs - a.activeAt >= spec.forMs()) {
        a.state = AlertState.FIRING;
        a.firedAt = tsMs;
        ActiveAlert snap = a.snapshot();
        events.add(() -> notifyState(ctx, snap, AlertState.PENDING));
      }
      if (restored) {
        Labels.Builder sb = a.labels.toBuilder();
        sb.set(Labels.METRIC_NAME, ALERTS).set("alertstate", a.state.apiName());
        vec.add(new Value.Sample(sb.build(), sampleTs, 1));
        Labels.Builder fb = a.labels.toBuilder().set(Labels.METRIC_NAME, ALERTS_FOR_STATE);
        vec.add(new Value.Sample(fb.build(), sampleTs, Math.floorDiv(a.activeAt, 1000)));
      }
    }
    if (limit > 0 && numActivePending > limit) {
      active.clear();
      throw new RuleContext.RuleEvalException(
          "exceeded limit of " + limit + " with " + numActivePending + " alerts");
    }
    health = "ok";
    lastError = "";
    events.forEach(Runnable::run);
    return vec;
  }

  private void notifyState(RuleContext ctx, ActiveAlert a, AlertState prev) {
    for (AlertListener l : ctx.listeners) {
      l.stateChanged(name(), a, prev);
    }
  }

  /**
   * Collects the alerts due to Alertmanager after an evaluation at {@code ts} and marks them sent
   * (Prometheus's {@code sendAlerts}).
   */
  synchronized List<OutgoingAlert> due(long ts, long resendDelay, long interval, String url) {
    List<OutgoingAlert> out = new ArrayList<>();
    for (Entry a : active.values()) {
      if (!a.needsSending(ts, resendDelay)) {
        continue;
      }
      a.lastSentAt = ts;
      // Two evaluations or sends may fail before Alertmanager considers the alert resolved.
      a.validUntil = ts + 4 * Math.max(resendDelay, interval);
      long ends = a.resolvedAt != 0 ? a.resolvedAt : a.validUntil;
      out.add(new OutgoingAlert(a.labels, a.annotations, a.firedAt, ends, url));
    }
    return out;
  }

  /** Prometheus's generator URL: the external URL plus a graph link to the expression's table. */
  String generatorUrl(String externalUrl) {
    String base =
        externalUrl.endsWith("/")
            ? externalUrl.substring(0, externalUrl.length() - 1)
            : externalUrl;
    return base + "/graph?g0.expr=" + goQueryEscape(query) + "&g0.tab=1";
  }

  /** Go's {@code url.QueryEscape}: like Java's encoder but '*' escaped and '~' kept. */
  static String goQueryEscape(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
  }

  /** Carries the alerts of the same rule over a reload. */
  synchronized void copyStateFrom(AlertingRule old) {
    synchronized (old) {
      active.putAll(old.active);
      restored = old.restored;
    }
  }

  synchronized List<ActiveAlert> activeAlerts() {
    List<ActiveAlert> out = new ArrayList<>();
    for (Entry e : active.values()) {
      if (e.state != AlertState.INACTIVE) {
        out.add(e.snapshot());
      }
    }
    return out;
  }

  synchronized AlertState state() {
    AlertState max = AlertState.INACTIVE;
    for (Entry e : active.values()) {
      if (e.state.ordinal() > max.ordinal()) {
        max = e.state;
      }
    }
    return max;
  }

  /**
   * Restores {@code for} state after a restart from the ALERTS_FOR_STATE series (Prometheus's
   * {@code RestoreForState} for one rule), with the last sample found in [now - tolerance, now].
   */
  synchronized void restore(RuleContext ctx, long nowMs) {
    RuleOptions o = ctx.options;
    long hold = spec.forMs();
    if (hold < o.forGracePeriodMs()) {
      restored = true;
      return;
    }
    try (var q = ctx.storage.querier(nowMs - o.outageToleranceMs(), nowMs)) {
      for (Entry a : active.values()) {
        List<io.cardinal.tsdb.labels.Matcher> ms = new ArrayList<>();
        ms.add(io.cardinal.tsdb.labels.Matcher.equal(Labels.METRIC_NAME, ALERTS_FOR_STATE));
        for (int i = 0; i < a.labels.size(); i++) {
          ms.add(io.cardinal.tsdb.labels.Matcher.equal(a.labels.name(i), a.labels.value(i)));
        }
        long[] last = lastSample(q, nowMs - o.outageToleranceMs(), nowMs, ms);
        if (last == null) {
          continue;
        }
        double v = Double.longBitsToDouble(last[1]);
        if (Double.doubleToRawLongBits(v) == STALE_NAN_BITS) {
          continue;
        }
        long downAt = Math.floorDiv(last[0], 1000) * 1000;
        long restoredActiveAt = (long) v * 1000;
        long remaining = hold - (downAt - restoredActiveAt);
        if (remaining <= 0) {
          // It was firing before the restart: it fires again at once.
        } else if (remaining < o.forGracePeriodMs()) {
          restoredActiveAt = nowMs + o.forGracePeriodMs() - hold;
        } else {
          restoredActiveAt += nowMs - downAt;
        }
        a.activeAt = restoredActiveAt;
      }
    }
    restored = true;
  }

  static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  private static long[] lastSample(
      io.cardinal.tsdb.query.Querier q,
      long mint,
      long maxt,
      List<io.cardinal.tsdb.labels.Matcher> ms) {
    var set = q.select(false, mint, maxt, ms.toArray(new io.cardinal.tsdb.labels.Matcher[0]));
    long[] last = null;
    while (set.next()) {
      var it = set.at().iterator(null);
      while (it.next()) {
        if (it.timestamp() >= mint && it.timestamp() <= maxt) {
          last = new long[] {it.timestamp(), Double.doubleToRawLongBits(it.value())};
        }
      }
    }
    return last;
  }

  @Override
  synchronized RuleStatus status() {
    List<ActiveAlert> alerts = activeAlerts();
    return new RuleStatus(
        "alerting",
        name(),
        query,
        spec.forMs(),
        spec.keepFiringForMs(),
        labels,
        spec.annotations(),
        alerts,
        health,
        lastError,
        evaluationNanos / 1e9,
        lastEvaluationMs,
        state(),
        List.of(),
        evaluationMode(),
        queryReason());
  }
}
