package io.cardinal.web;

import io.cardinal.notifier.AlertmanagerTarget;
import io.cardinal.notifier.Notifier;
import io.cardinal.rules.ActiveAlert;
import io.cardinal.rules.GroupStatus;
import io.cardinal.rules.RuleManager;
import io.cardinal.rules.RuleStatus;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/v1/rules}, {@code /api/v1/alerts} and {@code /api/v1/alertmanagers} with Prometheus's
 * JSON shapes and filters.
 */
final class RulesApi {
  private RulesApi() {}

  static ApiResult rules(RuleManager rules, ApiRequest r) {
    String type = r.first("type");
    boolean wantAlerting = true;
    boolean wantRecording = true;
    if (type != null && !type.isEmpty()) {
      switch (type.toLowerCase(java.util.Locale.ROOT)) {
        case "alert" -> wantRecording = false;
        case "record" -> wantAlerting = false;
        default -> {
          return ApiResult.badData("unsupported type " + type);
        }
      }
    }
    Set<String> names = new HashSet<>(r.all("rule_name[]"));
    Set<String> groups = new HashSet<>(r.all("rule_group[]"));
    Set<String> files = new HashSet<>(r.all("file[]"));
    boolean excludeAlerts;
    try {
      excludeAlerts = bool(r.first("exclude_alerts"));
    } catch (IllegalArgumentException e) {
      return ApiResult.badData("parsing exclude_alerts: " + e.getMessage());
    }
    List<Matcher[]> matchSets;
    try {
      matchSets = Api.matcherSets(r, false);
    } catch (RuntimeException e) {
      return ApiResult.badData(e.getMessage());
    }
    Json j = new Json().beginObject().name("groups").beginArray();
    for (GroupStatus g : rules == null ? List.<GroupStatus>of() : rules.groups()) {
      if (!groups.isEmpty() && !groups.contains(g.name())) {
        continue;
      }
      if (!files.isEmpty() && !files.contains(g.file())) {
        continue;
      }
      List<RuleStatus> kept = new ArrayList<>();
      for (RuleStatus rs : g.rules()) {
        boolean alerting = rs.type().equals("alerting");
        if ((alerting && !wantAlerting) || (!alerting && !wantRecording)) {
          continue;
        }
        if (!names.isEmpty() && !names.contains(rs.name())) {
          continue;
        }
        if (!matchSets.isEmpty() && !matchesAny(rs.labels(), matchSets)) {
          continue;
        }
        kept.add(rs);
      }
      // Prometheus leaves out groups all of whose rules were filtered away.
      if (kept.isEmpty() && (type != null || !names.isEmpty() || !matchSets.isEmpty())) {
        continue;
      }
      j.beginObject();
      j.name("name").value(g.name());
      j.name("file").value(g.file());
      j.name("rules").beginArray();
      for (RuleStatus rs : kept) {
        rule(j, rs, excludeAlerts);
      }
      j.endArray();
      j.name("interval").value(g.intervalMs() / 1000.0);
      j.name("limit").value(g.limit());
      j.name("evaluationTime").value(g.evaluationTimeSeconds());
      j.name("lastEvaluation").value(Formats.rfc3339(g.lastEvaluationMs()));
      j.endObject();
    }
    return ApiResult.success(j.endArray().endObject().toString());
  }

  private static boolean matchesAny(Labels l, List<Matcher[]> sets) {
    for (Matcher[] set : sets) {
      boolean all = true;
      for (Matcher m : set) {
        String v = l.get(m.name());
        if (!m.matches(v == null ? "" : v)) {
          all = false;
          break;
        }
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  private static void rule(Json j, RuleStatus rs, boolean excludeAlerts) {
    j.beginObject();
    if (rs.type().equals("alerting")) {
      j.name("state").value(rs.state().apiName());
      j.name("name").value(rs.name());
      j.name("query").value(rs.query());
      j.name("duration").value(rs.forMs() / 1000.0);
      j.name("keepFiringFor").value(rs.keepFiringForMs() / 1000.0);
      j.name("labels").labels(rs.labels());
      j.name("annotations").labels(rs.annotations());
      if (!excludeAlerts) {
        j.name("alerts").beginArray();
        for (ActiveAlert a : rs.alerts()) {
          alert(j, a);
        }
        j.endArray();
      }
    } else {
      j.name("name").value(rs.name());
      j.name("query").value(rs.query());
      if (!rs.labels().isEmpty()) {
        j.name("labels").labels(rs.labels());
      }
    }
    if (!rs.warnings().isEmpty()) {
      // Cardinal's addition: what linting the rule against the stored data found.
      j.name("warnings").beginArray();
      for (String w : rs.warnings()) {
        j.value(w);
      }
      j.endArray();
    }
    // Cardinal's addition: how the rule is evaluated, and why not streaming when it is not.
    j.name("evaluationMode").value(rs.evaluationMode());
    if (!rs.queryReason().isEmpty()) {
      j.name("evaluationModeReason").value(rs.queryReason());
    }
    j.name("health").value(rs.health());
    if (!rs.lastError().isEmpty()) {
      j.name("lastError").value(rs.lastError());
    }
    j.name("evaluationTime").value(rs.evaluationTimeSeconds());
    j.name("lastEvaluation").value(Formats.rfc3339(rs.lastEvaluationMs()));
    j.name("type").value(rs.type());
    j.endObject();
  }

  static void alert(Json j, ActiveAlert a) {
    j.beginObject();
    j.name("labels").labels(a.labels());
    j.name("annotations").labels(a.annotations());
    j.name("state").value(a.state().apiName());
    if (a.activeAtMs() != 0) {
      j.name("activeAt").value(Formats.rfc3339(a.activeAtMs()));
    }
    if (a.keepFiringSinceMs() != 0) {
      j.name("keepFiringSince").value(Formats.rfc3339(a.keepFiringSinceMs()));
    }
    j.name("value").value(goExponent(a.value()));
    j.endObject();
  }

  static ApiResult alerts(RuleManager rules) {
    Json j = new Json().beginObject().name("alerts").beginArray();
    if (rules != null) {
      for (ActiveAlert a : rules.alerts()) {
        alert(j, a);
      }
    }
    return ApiResult.success(j.endArray().endObject().toString());
  }

  static ApiResult alertmanagers(Notifier notifier) {
    Json j = new Json().beginObject().name("activeAlertmanagers").beginArray();
    List<AlertmanagerTarget> active = notifier == null ? List.of() : notifier.activeAlertmanagers();
    for (AlertmanagerTarget t : active) {
      j.beginObject().name("url").value(t.url()).endObject();
    }
    j.endArray().name("droppedAlertmanagers").beginArray();
    List<AlertmanagerTarget> dropped =
        notifier == null ? List.of() : notifier.droppedAlertmanagers();
    for (AlertmanagerTarget t : dropped) {
      j.beginObject().name("url").value(t.url()).endObject();
    }
    return ApiResult.success(j.endArray().endObject().toString());
  }

  private static boolean bool(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    return switch (s) {
      case "1", "t", "T", "true", "TRUE", "True" -> true;
      case "0", "f", "F", "false", "FALSE", "False" -> false;
      default ->
          throw new IllegalArgumentException(
              "strconv.ParseBool: parsing \"" + s + "\": invalid syntax");
    };
  }

  /** Go's {@code strconv.FormatFloat(v, 'e', 10, 64)}, how Prometheus shows an alert's value. */
  static String goExponent(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    // Java's %e and Go's 'e' agree: at least two exponent digits, explicit sign.
    return String.format(java.util.Locale.ROOT, "%.10e", v);
  }
}
