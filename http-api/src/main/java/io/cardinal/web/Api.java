package io.cardinal.web;

import io.cardinal.config.ConfigYaml;
import io.cardinal.config.Durations;
import io.cardinal.config.Relabeler;
import io.cardinal.promql.PromQL;
import io.cardinal.promql.PromQLParseException;
import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.scrape.BuildInfo;
import io.cardinal.scrape.Metadata;
import io.cardinal.scrape.ScrapeLoop;
import io.cardinal.scrape.Target;
import io.cardinal.tsdb.head.TsdbStatus;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SeriesSet;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/** Prometheus's {@code /api/v1} endpoints, same JSON shapes and error bodies. */
final class Api {
  /** One endpoint and the methods besides GET it accepts. */
  record Endpoint(
      boolean allowsPost,
      boolean allowsPut,
      boolean allowsDelete,
      Function<ApiRequest, ApiResult> fn) {
    ApiResult handle(ApiRequest r) {
      return fn.apply(r);
    }
  }

  private final ServerContext server;
  private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();

  private final LimitsApi limits;

  Api(ServerContext server) {
    this.server = server;
    this.limits = new LimitsApi(server);
    getPost("/query", r -> server.queryService().query(r));
    getPost("/query_range", r -> server.queryService().queryRange(r));
    getPost("/format_query", r -> server.queryService().formatQuery(r));
    getPost("/parse_query", r -> server.queryService().parseQuery(r));
    getPost("/series", this::series);
    getPost("/labels", this::labels);
    get("/targets", this::targets);
    get("/metadata", this::metadata);
    getPost("/query_exemplars", r -> ApiResult.success("[]"));
    get(
        "/status/config",
        r ->
            ApiResult.success(
                new Json()
                    .beginObject()
                    .name("yaml")
                    .value(ConfigYaml.render(server.config(), false))
                    .endObject()
                    .toString()));
    get("/status/flags", this::flags);
    get("/status/buildinfo", this::buildInfo);
    get("/status/runtimeinfo", this::runtimeInfo);
    get("/status/tsdb", this::tsdb);
    get("/status/limits", r -> limits.limits());
    get("/rules", r -> RulesApi.rules(server.rules(), r));
    get("/alerts", r -> RulesApi.alerts(server.rules()));
    get("/alertmanagers", r -> RulesApi.alertmanagers(server.notifier()));
    endpoints.put(
        "/admin/tsdb/delete_series",
        new Endpoint(true, true, false, r -> admin(r, this::deleteSeries)));
    endpoints.put(
        "/admin/tsdb/clean_tombstones",
        new Endpoint(true, true, false, r -> admin(r, this::cleanTombstones)));
    endpoints.put(
        "/admin/tsdb/snapshot", new Endpoint(true, true, false, r -> admin(r, this::snapshot)));
  }

  private void get(String path, Function<ApiRequest, ApiResult> fn) {
    endpoints.put(path, new Endpoint(false, false, false, fn));
  }

  private void getPost(String path, Function<ApiRequest, ApiResult> fn) {
    endpoints.put(path, new Endpoint(true, false, false, fn));
  }

  /** The endpoint for a path below /api/v1, or null. */
  Endpoint find(String path) {
    Endpoint e = endpoints.get(path);
    if (e != null) {
      return e;
    }
    if (path.startsWith("/label/") && path.endsWith("/values")) {
      String raw = path.substring("/label/".length(), path.length() - "/values".length());
      if (!raw.isEmpty() && !raw.contains("/")) {
        String name = URLDecoder.decode(raw, StandardCharsets.UTF_8);
        return new Endpoint(false, false, false, r -> labelValues(name, r));
      }
    }
    return null;
  }

  /** Prometheus's admin API: behind --web.enable-admin-api, POST or PUT only. */
  private ApiResult admin(ApiRequest r, Function<ApiRequest, ApiResult> fn) {
    if (!server.options().enableAdminApi()) {
      return ApiResult.error("unavailable", "admin APIs disabled");
    }
    if (!r.method().equals("POST") && !r.method().equals("PUT")) {
      return new ApiResult(405, "");
    }
    try {
      return fn.apply(r);
    } catch (BadData e) {
      return ApiResult.badData(e.getMessage());
    } catch (java.io.UncheckedIOException e) {
      return ApiResult.error("internal", e.getMessage());
    }
  }

  /** POST /api/v1/admin/tsdb/delete_series?match[]=...&start=...&end=...: 204 on success. */
  private ApiResult deleteSeries(ApiRequest r) {
    if (r.all("match[]").isEmpty()) {
      return ApiResult.badData("no match[] parameter provided");
    }
    long start = time(r, "start", Formats.MIN_TIME);
    long end = time(r, "end", Formats.MAX_TIME);
    try {
      for (Matcher[] ms : matcherSets(r)) {
        server.db().delete(start, end, ms);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return new ApiResult(204, "");
  }

  /** POST /api/v1/admin/tsdb/clean_tombstones: 204 on success. */
  private ApiResult cleanTombstones(ApiRequest r) {
    try {
      server.db().cleanTombstones();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return new ApiResult(204, "");
  }

  /**
   * POST /api/v1/admin/tsdb/snapshot[?skip_head=true]: {"name": "..."} under <storage>/snapshots.
   */
  private ApiResult snapshot(ApiRequest r) {
    if (server.options().inMemory()) {
      return ApiResult.error("unavailable", "snapshots need a data directory");
    }
    boolean skipHead = "true".equalsIgnoreCase(r.first("skip_head"));
    try {
      String name =
          server.db().snapshot(server.options().storagePath().resolve("snapshots"), !skipHead);
      return ApiResult.success(
          new Json().beginObject().name("name").value(name).endObject().toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------ series and labels

  /** Thrown by parameter parsing; becomes a bad_data response. */
  static final class BadData extends RuntimeException {
    BadData(String msg) {
      super(msg);
    }
  }

  static long time(ApiRequest r, String name, long def) {
    String v = r.first(name);
    if (v == null || v.isEmpty()) {
      return def;
    }
    try {
      return Formats.parseTime(v);
    } catch (IllegalArgumentException e) {
      throw new BadData("invalid parameter \"" + name + "\": " + e.getMessage());
    }
  }

  static List<Matcher[]> matcherSets(ApiRequest r) {
    return matcherSets(r, true);
  }

  /**
   * The {@code match[]} selectors. The API endpoints refuse a selector whose every matcher matches
   * the empty string, as Prometheus's do; /federate takes it (everything), as Prometheus's does.
   */
  static List<Matcher[]> matcherSets(ApiRequest r, boolean requireNonEmpty) {
    List<Matcher[]> out = new ArrayList<>();
    for (String s : r.all("match[]")) {
      List<Matcher> ms = new ArrayList<>();
      try {
        for (LabelMatcher lm : PromQL.parseMatchers(s)) {
          ms.add(lm.toMatcher());
        }
      } catch (PromQLParseException e) {
        throw new BadData(e.getMessage());
      } catch (RuntimeException e) {
        throw new BadData("invalid parameter \"match[]\": " + e.getMessage());
      }
      boolean nonEmpty = false;
      for (Matcher m : ms) {
        nonEmpty |= !m.matchesEmpty();
      }
      if (!nonEmpty && requireNonEmpty) {
        throw new BadData("match[] must contain at least one non-empty matcher");
      }
      out.add(ms.toArray(new Matcher[0]));
    }
    return out;
  }

  private static int limit(ApiRequest r) {
    String v = r.first("limit");
    if (v == null || v.isEmpty()) {
      return 0;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BadData("limit must be a non-negative number");
    }
  }

  private ApiResult series(ApiRequest r) {
    try {
      if (r.all("match[]").isEmpty()) {
        return ApiResult.badData("no match[] parameter provided");
      }
      long start = time(r, "start", Formats.MIN_TIME);
      long end = time(r, "end", Formats.MAX_TIME);
      if (end < start) {
        return ApiResult.badData("end timestamp must not be before start time");
      }
      int limit = limit(r);
      List<Matcher[]> sets = matcherSets(r);
      TreeSet<Labels> found = new TreeSet<>();
      try (Querier q = server.db().querier(start, end)) {
        for (Matcher[] ms : sets) {
          SeriesSet ss = q.select(false, start, end, ms);
          while (ss.next()) {
            found.add(ss.at().labels());
          }
        }
      }
      Json j = new Json().beginArray();
      int n = 0;
      for (Labels l : found) {
        if (limit > 0 && n++ >= limit) {
          break;
        }
        j.labels(l);
      }
      return ApiResult.success(j.endArray().toString());
    } catch (BadData e) {
      return ApiResult.badData(e.getMessage());
    }
  }

  private ApiResult labels(ApiRequest r) {
    try {
      long start = time(r, "start", Formats.MIN_TIME);
      long end = time(r, "end", Formats.MAX_TIME);
      if (end < start) {
        return ApiResult.badData("end timestamp must not be before start time");
      }
      int limit = limit(r);
      List<Matcher[]> sets = matcherSets(r);
      TreeSet<String> names = new TreeSet<>();
      try (Querier q = server.db().querier(start, end)) {
        if (sets.isEmpty()) {
          names.addAll(q.labelNames());
        }
        for (Matcher[] ms : sets) {
          names.addAll(q.labelNames(ms));
        }
      }
      return ApiResult.success(stringArray(names, limit));
    } catch (BadData e) {
      return ApiResult.badData(e.getMessage());
    }
  }

  private ApiResult labelValues(String name, ApiRequest r) {
    try {
      if (!Relabeler.isValidLabelName(name)) {
        return ApiResult.badData("invalid label name: \"" + name + "\"");
      }
      long start = time(r, "start", Formats.MIN_TIME);
      long end = time(r, "end", Formats.MAX_TIME);
      if (end < start) {
        return ApiResult.badData("end timestamp must not be before start time");
      }
      int limit = limit(r);
      List<Matcher[]> sets = matcherSets(r);
      TreeSet<String> values = new TreeSet<>();
      try (Querier q = server.db().querier(start, end)) {
        if (sets.isEmpty()) {
          values.addAll(q.labelValues(name));
        }
        for (Matcher[] ms : sets) {
          values.addAll(q.labelValues(name, ms));
        }
      }
      return ApiResult.success(stringArray(values, limit));
    } catch (BadData e) {
      return ApiResult.badData(e.getMessage());
    }
  }

  private static String stringArray(Set<String> values, int limit) {
    Json j = new Json().beginArray();
    int n = 0;
    for (String v : values) {
      if (limit > 0 && n++ >= limit) {
        break;
      }
      j.value(v);
    }
    return j.endArray().toString();
  }

  // ------------------------------------------------------------------ targets and metadata

  private ApiResult targets(ApiRequest r) {
    String state = r.first("state");
    if (state == null || state.isEmpty()) {
      state = "any";
    }
    state = state.toLowerCase(java.util.Locale.ROOT);
    String poolFilter = r.first("scrapePool");
    boolean active = state.equals("any") || state.equals("active");
    boolean dropped = state.equals("any") || state.equals("dropped");
    Json j = new Json().beginObject();
    j.name("activeTargets").beginArray();
    if (active) {
      for (Map.Entry<String, List<ScrapeLoop>> e : server.scrapes().activeLoops().entrySet()) {
        if (poolFilter != null && !poolFilter.isEmpty() && !poolFilter.equals(e.getKey())) {
          continue;
        }
        var sc = server.scrapes().scrapeConfig(e.getKey());
        for (ScrapeLoop loop : e.getValue()) {
          Target t = loop.target();
          j.beginObject();
          j.name("discoveredLabels").labels(t.discoveredLabels());
          j.name("labels").labels(t.labels());
          j.name("scrapePool").value(t.pool());
          j.name("scrapeUrl").value(t.url());
          j.name("globalUrl").value(t.url());
          j.name("lastError").value(t.lastError());
          j.name("lastScrape").value(Formats.rfc3339(t.lastScrapeMs()));
          j.name("lastScrapeDuration").value(t.lastScrapeDuration());
          j.name("health").value(t.health().json);
          if (sc != null) {
            j.name("scrapeInterval").value(Durations.format(sc.scrapeIntervalMs()));
            j.name("scrapeTimeout").value(Durations.format(sc.scrapeTimeoutMs()));
          }
          j.endObject();
        }
      }
    }
    j.endArray();
    j.name("droppedTargets").beginArray();
    Map<String, List<Labels>> droppedByPool = server.scrapes().droppedTargets();
    if (dropped) {
      for (Map.Entry<String, List<Labels>> e : droppedByPool.entrySet()) {
        if (poolFilter != null && !poolFilter.isEmpty() && !poolFilter.equals(e.getKey())) {
          continue;
        }
        for (Labels l : e.getValue()) {
          j.beginObject()
              .name("discoveredLabels")
              .labels(l)
              .name("scrapePool")
              .value(e.getKey())
              .endObject();
        }
      }
    }
    j.endArray();
    j.name("droppedTargetCounts").beginObject();
    for (Map.Entry<String, Integer> e : server.scrapes().droppedTargetCounts().entrySet()) {
      j.name(e.getKey()).value(e.getValue());
    }
    j.endObject();
    return ApiResult.success(j.endObject().toString());
  }

  private ApiResult metadata(ApiRequest r) {
    int limit;
    int perMetric;
    try {
      limit = intParam(r, "limit", -1);
      perMetric = intParam(r, "limit_per_metric", -1);
    } catch (BadData e) {
      return ApiResult.badData(e.getMessage());
    }
    String metric = r.first("metric");
    Map<String, LinkedHashSet<Metadata>> all = new TreeMap<>();
    for (List<ScrapeLoop> loops : server.scrapes().activeLoops().values()) {
      for (ScrapeLoop l : loops) {
        for (Map.Entry<String, Metadata> e : l.metadata().entrySet()) {
          if (metric != null && !metric.isEmpty() && !metric.equals(e.getKey())) {
            continue;
          }
          all.computeIfAbsent(e.getKey(), k -> new LinkedHashSet<>()).add(e.getValue());
        }
      }
    }
    Json j = new Json().beginObject();
    int metrics = 0;
    for (Map.Entry<String, LinkedHashSet<Metadata>> e : all.entrySet()) {
      if (limit >= 0 && metrics++ >= limit) {
        break;
      }
      j.name(e.getKey()).beginArray();
      int n = 0;
      for (Metadata m : e.getValue()) {
        if (perMetric >= 0 && n++ >= perMetric) {
          break;
        }
        j.beginObject()
            .name("type")
            .value(m.type())
            .name("help")
            .value(m.help())
            .name("unit")
            .value(m.unit())
            .endObject();
      }
      j.endArray();
    }
    return ApiResult.success(j.endObject().toString());
  }

  /** The limits endpoint, whose series history the web server samples. */
  LimitsApi limits() {
    return limits;
  }

  private static int intParam(ApiRequest r, String name, int def) {
    String v = r.first(name);
    if (v == null || v.isEmpty()) {
      return def;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new BadData("invalid parameter \"" + name + "\": " + v + " is not a number");
    }
  }

  /** A Prometheus duration parameter ("1h", "90s") in milliseconds. */
  private static long durationParam(ApiRequest r, String name, long def) {
    String v = r.first(name);
    if (v == null || v.isEmpty()) {
      return def;
    }
    try {
      long ms = io.cardinal.config.Durations.parse(v);
      if (ms <= 0) {
        throw new BadData("invalid parameter \"" + name + "\": " + v + " must be positive");
      }
      return ms;
    } catch (IllegalArgumentException e) {
      throw new BadData("invalid parameter \"" + name + "\": " + e.getMessage());
    }
  }

  // ------------------------------------------------------------------ status

  private ApiResult flags(ApiRequest r) {
    Json j = new Json().beginObject();
    for (Map.Entry<String, String> e : new TreeMap<>(server.options().flags()).entrySet()) {
      j.name(e.getKey()).value(e.getValue());
    }
    return ApiResult.success(j.endObject().toString());
  }

  private ApiResult buildInfo(ApiRequest r) {
    return ApiResult.success(
        new Json()
            .beginObject()
            .name("version")
            .value(BuildInfo.VERSION)
            .name("revision")
            .value(BuildInfo.REVISION)
            .name("branch")
            .value(BuildInfo.BRANCH)
            .name("buildUser")
            .value("")
            .name("buildDate")
            .value("")
            .name("goVersion")
            .value("java" + System.getProperty("java.version"))
            .endObject()
            .toString());
  }

  private ApiResult runtimeInfo(ApiRequest r) {
    Runtime rt = Runtime.getRuntime();
    return ApiResult.success(
        new Json()
            .beginObject()
            .name("startTime")
            .value(Formats.rfc3339(server.startTimeMs()))
            .name("CWD")
            .value(Path.of("").toAbsolutePath().toString())
            .name("reloadConfigSuccess")
            .value(server.lastReloadSuccessful())
            .name("lastConfigTime")
            .value(Formats.rfc3339(server.lastReloadMs()))
            .name("corruptionCount")
            .value(0)
            .name("goroutineCount")
            .value(Thread.activeCount())
            .name("GOMAXPROCS")
            .value(rt.availableProcessors())
            .name("GOMEMLIMIT")
            .value(rt.maxMemory())
            .name("GOGC")
            .value("")
            .name("GODEBUG")
            .value("")
            .name("storageRetention")
            .value(storageRetention(server.db().retentionMs(), server.db().retentionBytes()))
            .endObject()
            .toString());
  }

  /** Prometheus's {@code storageRetention}: "15d", "512MiB" or "15d or 512MiB". */
  static String storageRetention(long timeMs, long bytes) {
    StringBuilder sb = new StringBuilder();
    if (timeMs != Long.MAX_VALUE && timeMs > 0) {
      sb.append(Durations.format(timeMs));
    }
    if (bytes > 0) {
      if (sb.length() > 0) {
        sb.append(" or ");
      }
      String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
      int u = 0;
      long v = bytes;
      while (u < units.length - 1 && v % 1024 == 0) {
        v /= 1024;
        u++;
      }
      sb.append(v).append(units[u]);
    }
    return sb.toString();
  }

  private ApiResult tsdb(ApiRequest r) {
    int limit;
    try {
      limit = intParam(r, "limit", 10);
    } catch (BadData e) {
      return ApiResult.badData(e.getMessage());
    }
    if (limit < 1) {
      return ApiResult.badData("limit must be a positive number");
    }
    long churnWindowMs;
    try {
      churnWindowMs = durationParam(r, "churn_window", 3_600_000L);
    } catch (BadData e) {
      return ApiResult.badData(e.getMessage());
    }
    TsdbStatus s = server.db().status(limit, System.currentTimeMillis() - churnWindowMs);
    Json j = new Json().beginObject();
    j.name("headStats")
        .beginObject()
        .name("numSeries")
        .value(s.numSeries)
        .name("numLabelPairs")
        .value(s.numLabelPairs)
        .name("chunkCount")
        .value(s.chunkCount)
        .name("minTime")
        .value(s.minTime)
        .name("maxTime")
        .value(s.maxTime)
        .endObject();
    stats(j, "seriesCountByMetricName", s.seriesCountByMetricName);
    stats(j, "labelValueCountByLabelName", s.labelValueCountByLabelName);
    stats(j, "memoryInBytesByLabelName", s.memoryInBytesByLabelName);
    stats(j, "seriesCountByLabelValuePair", s.seriesCountByLabelValuePair);
    // Cardinal's own: series created in the churn window and still in the head.
    j.name("seriesCreatedSince");
    if (s.seriesCreatedSince == Long.MIN_VALUE) {
      j.raw("null");
    } else {
      j.value(s.seriesCreatedSince);
    }
    j.name("seriesCreated").value(s.seriesCreated);
    stats(j, "seriesCreatedByMetricName", s.seriesCreatedByMetricName);
    return ApiResult.success(j.endObject().toString());
  }

  private static void stats(Json j, String name, List<TsdbStatus.Stat> list) {
    j.name(name).beginArray();
    for (TsdbStatus.Stat st : list) {
      j.beginObject().name("name").value(st.name()).name("value").value(st.value()).endObject();
    }
    j.endArray();
  }
}
