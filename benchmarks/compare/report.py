#!/usr/bin/env python3
"""Turns run.sh's raw.jsonl into results.json, results.md and PNG charts (gnuplot).

Usage: report.py OUTPUT_DIR
"""
import json
import math
import os
import re
import statistics
import subprocess
import sys
from collections import Counter, defaultdict

out = sys.argv[1]
raw = [json.loads(l) for l in open(os.path.join(out, "raw.jsonl")) if l.strip()]
meta = next((r for r in raw if r["type"] == "meta"), {})
C, P = "cardinal", "prometheus"


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def ratio(c, p):
    return round(c / p, 3) if c is not None and p not in (None, 0) else None


def fnum(x, d=2):
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.{d}f}"


res = {"meta": meta, "ingest": [], "backfill": [], "query": [], "restart": [], "explosion": [], "targets": []}
loads = [r["load"] for r in raw if isinstance(r.get("load"), (int, float))]

# ---- ingestion
groups = defaultdict(list)
for r in (r for r in raw if r["type"] == "ingest"):
    groups[(r["series_expected"], r["system"])].append(r)
ingest = {}
for (n, sysname), runs in sorted(groups.items()):
    cpm, sps, rss_ps, heap_ps, rss, hs = [], [], [], [], [], []
    for r in runs:
        hz = r["tick_hz"]
        for i in range(1, len(r["cpu_ticks"])):
            ds = r["samples"][i] - r["samples"][i - 1]
            dt = r["times"][i] - r["times"][i - 1]
            dc = (r["cpu_ticks"][i] - r["cpu_ticks"][i - 1]) / hz
            if ds > 0:
                cpm.append(dc / (ds / 1e6))
                sps.append(ds / dt)
        if r["head_series"]:
            rss_ps.append(r["rss"][-1] / r["head_series"])
            if r.get("heap_used"):
                heap_ps.append(r["heap_used"] / r["head_series"])
        rss.append(r["rss"][-1])
        hs.append(r["head_series"])
    row = {"system": sysname, "series": n, "runs": len(runs), "windows": len(cpm),
           "cpu_s_per_million_samples": med(cpm), "cpu_per_million_windows": [round(x, 3) for x in cpm],
           "samples_per_s": med(sps), "head_series": med(hs), "rss_bytes": med(rss),
           "rss_bytes_per_series": med(rss_ps), "heap_used_bytes_per_series": med(heap_ps) if heap_ps else None,
           "load": [r["load"] for r in runs], "up": [r["up"] for r in runs]}
    ingest[(n, sysname)] = row
    res["ingest"].append(row)
sizes = sorted({n for n, _ in ingest})
# marginal bytes per series between consecutive sizes
marg = {}
for s in (C, P):
    pts = [(ingest[(n, s)]["head_series"], ingest[(n, s)]["rss_bytes"]) for n in sizes if (n, s) in ingest]
    if len(pts) >= 2 and pts[-1][0] != pts[0][0]:
        marg[s] = (pts[-1][1] - pts[0][1]) / (pts[-1][0] - pts[0][0])

# ---- backfill
bgroups = defaultdict(list)
for r in (r for r in raw if r["type"] == "backfill"):
    bgroups[(r["series"], r["system"])].append(r)
backfill = {}
for (n, sysname), runs in sorted(bgroups.items()):
    if any(r.get("pending") for r in runs):
        row = {"system": sysname, "series": n, "pending": True}
    else:
        secs = med([r["seconds"] for r in runs])
        samples = runs[0]["samples"]
        row = {"system": sysname, "series": n, "samples": samples, "runs_s": [round(r["seconds"], 2) for r in runs],
               "median_s": secs, "samples_per_s": samples / secs,
               "bytes_per_sample": med([r["bytes"] / r["samples"] for r in runs]),
               "chunk_bytes_per_sample": med([r["chunk_bytes"] / r["samples"] for r in runs]),
               "load": [r["load"] for r in runs]}
    backfill[(n, sysname)] = row
    res["backfill"].append(row)

# ---- queries
queries = {}
qsizes = sorted({r["series"] for r in raw if r["type"] == "query"})
pending_q = [r for r in raw if r["type"] == "query_pending"]
for r in (r for r in raw if r["type"] == "query"):
    queries[(r["series"], r["query"], r["kind"], r["system"])] = r
qrows = []
for (n, q, kind, s) in sorted(queries):
    if s != P:
        continue
    p = queries[(n, q, kind, P)]
    c = queries.get((n, q, kind, C))
    row = {"series": n, "query": q, "kind": kind, "prometheus_ms": p["median_ms"], "prometheus_status": p["status"],
           "cardinal_ms": c["median_ms"] if c else None, "cardinal_status": c["status"] if c else None,
           "ratio": ratio(c["median_ms"], p["median_ms"]) if c and c["status"] == 200 and p["status"] == 200 else None,
           "same_answer": (c["result_series"] == p["result_series"] and math.isclose(c["checksum"], p["checksum"], rel_tol=1e-6, abs_tol=1e-9))
           if c else None,
           "series_returned": [p["result_series"], c["result_series"] if c else None],
           "prometheus_cold_ms": p.get("cold_ms"), "cardinal_cold_ms": c.get("cold_ms") if c else None,
           "warmup_passes": p.get("warmup_passes"),
           "pending": c is None, "cardinal_error": c.get("error") if c else None}
    qrows.append(row)
    res["query"].append(row)


def geomean(xs):
    xs = [x for x in xs if x]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


qgeo = {}
for n in qsizes:
    for kind in ("instant", "range"):
        for s in (C, P):
            qgeo[(n, kind, s)] = geomean([queries[k]["median_ms"] for k in queries
                                          if k[0] == n and k[2] == kind and k[3] == s and queries[k]["status"] == 200])

# ---- restart
rs = defaultdict(list)
for r in (r for r in raw if r["type"] == "restart"):
    rs[r["system"]].append(r)
restart = {}
for s, runs in rs.items():
    restart[s] = {"system": s, "series": runs[0]["series"], "samples_per_series": runs[0]["samples_per_series"],
                  "wal_bytes": runs[0]["wal_bytes"], "runs_s": [r["seconds_to_ready"] for r in runs],
                  "median_s": med([r["seconds_to_ready"] for r in runs]),
                  "head_series": med([r["head_series"] for r in runs]), "rss_bytes": med([r["rss"] for r in runs]),
                  "load": [r["load"] for r in runs]}
    res["restart"].append(restart[s])
inproc = [r for r in raw if r["type"] == "restart_inproc" and "seconds_to_ready" in r]
if inproc:
    res["restart_inproc"] = {"runs_s": [r["seconds_to_ready"] for r in inproc],
                             "median_s": med([r["seconds_to_ready"] for r in inproc])}

# ---- explosion
for r in (r for r in raw if r["type"] == "explosion"):
    hz = r["tick_hz"]
    r = dict(r)
    r["cpu_s_per_million_samples"] = (r["cpu_ticks"] / hz) / (r["samples"] / 1e6) if r["samples"] else None
    r["samples_per_s"] = r["samples"] / r["seconds"]
    try:
        r["healthy_stored_fraction"] = float(r["healthy_samples_window"]) / r["healthy_expected_window"]
    except (ValueError, ZeroDivisionError):
        r["healthy_stored_fraction"] = None
    res["explosion"].append(r)

# ---- targets
def target(name, c, p, goal, better="lower"):
    rr = ratio(c, p)
    met = None if rr is None else rr <= goal
    res["targets"].append({"target": name, "cardinal": c, "prometheus": p, "ratio": rr, "goal_ratio": goal, "met": met,
                           "miss_factor": round(rr / goal, 2) if rr and not met else None})


if sizes:
    big = sizes[-1]
    c, p = ingest.get((big, C)), ingest.get((big, P))
    if c and p:
        target(f"memory per active series (RSS, {big:,} series)", c["rss_bytes_per_series"], p["rss_bytes_per_series"], 0.5)
        target(f"CPU per sample ({big:,} series)", c["cpu_s_per_million_samples"], p["cpu_s_per_million_samples"], 0.5)
if C in restart and P in restart:
    target("restart: time to ready", restart[C]["median_s"], restart[P]["median_s"], 1 / 3)
for n in sorted({k[0] for k in backfill}):
    c, p = backfill.get((n, C)), backfill.get((n, P))
    if c and p and not c.get("pending"):
        target(f"bytes per sample on disk (backfill, {n:,} series)", c["bytes_per_sample"], p["bytes_per_sample"], 1.0)
if qrows:
    worst = [r for r in qrows if r["ratio"] is not None]
    if worst:
        w = max(worst, key=lambda r: r["ratio"])
        res["targets"].append({"target": "query latency ≤ Prometheus on every query",
                               "met": all(r["ratio"] <= 1.0 for r in worst),
                               "queries_missed": sum(1 for r in worst if r["ratio"] > 1.0), "queries": len(worst),
                               "worst": {"query": w["query"], "kind": w["kind"], "series": w["series"], "ratio": w["ratio"]}})


# ---- JFR summaries
def jfr_top(path, limit=12):
    if not os.path.exists(path):
        return None
    leaf, ours, n = Counter(), Counter(), 0
    with open(path, errors="replace") as f:
        frames, in_stack = [], False
        for line in f:
            s = line.strip()
            if s.startswith("stackTrace = ["):
                in_stack, frames = True, []
            elif in_stack and s.startswith("]"):
                in_stack = False
                if frames:
                    n += 1
                    leaf[frames[0]] += 1
                    first_ours = next((fr for fr in frames if fr.startswith("io.cardinal.")), None)
                    if first_ours:
                        ours[first_ours] += 1
            elif in_stack and s and s != "...":
                frames.append(re.sub(r"\s+line:.*$", "", s))
    return {"samples": n, "top_leaf_frames": [[k, v, round(100 * v / n, 1)] for k, v in leaf.most_common(limit)],
            "top_cardinal_frames": [[k, v, round(100 * v / n, 1)] for k, v in ours.most_common(limit)]} if n else None


def jfr_alloc(path, limit=10):
    if not os.path.exists(path):
        return None
    by_class, by_frame, total = Counter(), Counter(), 0
    cur = {}
    with open(path, errors="replace") as f:
        frames, in_stack = [], False
        for line in f:
            s = line.strip()
            if s.startswith("jdk.ObjectAllocationSample"):
                cur = {}
            elif s.startswith("objectClass = "):
                cur["cls"] = s.split("=", 1)[1].strip().split(" ")[0]
            elif s.startswith("weight = "):
                v = s.split("=", 1)[1].strip()
                m = re.match(r"([\d.]+)\s*(bytes|kB|MB|GB)", v)
                mult = {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}
                cur["w"] = float(m.group(1)) * mult[m.group(2)] if m else 0
            elif s.startswith("stackTrace = ["):
                in_stack, frames = True, []
            elif in_stack and s.startswith("]"):
                in_stack = False
                w = cur.get("w", 0)
                total += w
                by_class[cur.get("cls", "?")] += w
                fr = next((x for x in frames if x.startswith("io.cardinal.")), frames[0] if frames else "?")
                by_frame[fr] += w
            elif in_stack and s and s != "...":
                frames.append(re.sub(r"\s+line:.*$", "", s))
    if not total:
        return None
    return {"sampled_bytes": total,
            "top_classes": [[k, round(100 * v / total, 1)] for k, v in by_class.most_common(limit)],
            "top_cardinal_frames": [[k, round(100 * v / total, 1)] for k, v in by_frame.most_common(limit)]}


res["jfr"] = {}
for name in ("ingest", "query", "restart"):
    cpu = jfr_top(os.path.join(out, f"cardinal-{name}.samples.txt"))
    alloc = jfr_alloc(os.path.join(out, f"cardinal-{name}.alloc.txt"))
    if cpu or alloc:
        res["jfr"][name] = {"cpu": cpu, "alloc": alloc}

jmh = os.path.join(out, "jmh.json")
if os.path.exists(jmh):
    try:
        res["jmh"] = [{"benchmark": b["benchmark"], "params": b.get("params"), "score": b["primaryMetric"]["score"],
                       "error": b["primaryMetric"].get("scoreError"), "unit": b["primaryMetric"]["scoreUnit"]}
                      for b in json.load(open(jmh))]
    except (ValueError, KeyError):
        pass

res["load_average"] = {"min": min(loads) if loads else None, "median": med(loads), "max": max(loads) if loads else None}
json.dump(res, open(os.path.join(out, "results.json"), "w"), indent=1, default=str)

# ---- charts
charts = []
if sizes and os.system("command -v gnuplot >/dev/null") == 0:
    with open(os.path.join(out, "ingest.dat"), "w") as f:
        f.write("# series C_rss_per_series P_rss_per_series C_heap_per_series C_cpu_per_M P_cpu_per_M\n")
        for n in sizes:
            c, p = ingest.get((n, C), {}), ingest.get((n, P), {})
            vals = [c.get("rss_bytes_per_series"), p.get("rss_bytes_per_series"), c.get("heap_used_bytes_per_series"),
                    c.get("cpu_s_per_million_samples"), p.get("cpu_s_per_million_samples")]
            f.write(f"{n} " + " ".join("NaN" if v is None else f"{v:.4f}" for v in vals) + "\n")
    with open(os.path.join(out, "latency.dat"), "w") as f:
        f.write("# series C_instant P_instant C_range P_range (geometric mean of per-query medians, ms)\n")
        for n in qsizes:
            vals = [qgeo.get((n, "instant", C)), qgeo.get((n, "instant", P)), qgeo.get((n, "range", C)), qgeo.get((n, "range", P))]
            f.write(f"{n} " + " ".join("NaN" if v is None else f"{v:.4f}" for v in vals) + "\n")
    gp = f"""
set terminal pngcairo size 900,560 noenhanced font ',11'
set grid
set key top right
set logscale x
set xlabel 'active series'
set output '{out}/memory.png'
set title 'Memory per active series while scraping (lower is better)'
set ylabel 'bytes per series'
set yrange [0:*]
plot '{out}/ingest.dat' u 1:3 w lp lw 2 pt 7 t 'Prometheus 2.42 RSS', \
     '{out}/ingest.dat' u 1:2 w lp lw 2 pt 5 t 'Cardinal RSS', \
     '{out}/ingest.dat' u 1:4 w lp lw 2 pt 4 dt 2 t 'Cardinal JVM heap used'
set output '{out}/cpu.png'
set title 'CPU per million samples ingested by scraping (lower is better)'
set ylabel 'CPU seconds per million samples'
plot '{out}/ingest.dat' u 1:6 w lp lw 2 pt 7 t 'Prometheus 2.42', '{out}/ingest.dat' u 1:5 w lp lw 2 pt 5 t 'Cardinal'
"""
    if qsizes:
        gp += f"""
set output '{out}/latency.png'
set title 'Query latency: geometric mean of per-query medians (lower is better)'
set ylabel 'milliseconds'
set logscale y
set yrange [*:*]
plot '{out}/latency.dat' u 1:3 w lp lw 2 pt 7 t 'Prometheus instant', '{out}/latency.dat' u 1:2 w lp lw 2 pt 5 t 'Cardinal instant', \
     '{out}/latency.dat' u 1:5 w lp lw 2 pt 7 dt 2 t 'Prometheus range', '{out}/latency.dat' u 1:4 w lp lw 2 pt 5 dt 2 t 'Cardinal range'
"""
    open(os.path.join(out, "charts.gp"), "w").write(gp)
    subprocess.run(["gnuplot", os.path.join(out, "charts.gp")], check=False)
    charts = [c for c in ("memory.png", "cpu.png", "latency.png") if os.path.exists(os.path.join(out, c))]

# ---- markdown
L = []
w = L.append
la = res["load_average"]
w(f"# Cardinal vs Prometheus {meta.get('prometheus', '2.42')}, side by side\n")
w(f"Command: `{meta.get('command')}` — {meta.get('date')}, git {meta.get('git')}, {meta.get('cores')} cores, "
  f"{meta.get('mem_gib')} GiB, {meta.get('java')}, Cardinal JVM options `{meta.get('cardinal_java_opts') or '(defaults)'}`. "
  f"1-minute load average before the measurements: min {fnum(la['min'])}, median {fnum(la['median'])}, max {fnum(la['max'])} "
  f"(shared machine). Ratios are Cardinal/Prometheus: below 1 is better for Cardinal.\n")
if res["targets"]:
    w("## Targets\n")
    w("| target | Cardinal | Prometheus | ratio | goal | met |\n|---|---|---|---|---|---|")
    for t in res["targets"]:
        if "worst" in t:
            wq = t["worst"]
            w(f"| {t['target']} | {t['queries'] - t['queries_missed']}/{t['queries']} queries at or below | | worst {wq['ratio']} "
              f"(`{wq['query']}`, {wq['kind']}, {wq['series']:,} series) | ≤ 1 | {'yes' if t['met'] else 'no'} |")
        else:
            met = "yes" if t["met"] else ("no" if t["met"] is not None else "—")
            if t["met"] is False and t.get("miss_factor"):
                met += f" ({t['miss_factor']}× the goal)"
            w(f"| {t['target']} | {fnum(t['cardinal'], 3)} | {fnum(t['prometheus'], 3)} | {fnum(t['ratio'], 3)} | ≤ {t['goal_ratio']:.2f} | {met} |")
    w("")
if res["ingest"]:
    w(f"## Scrape ingestion ({meta.get('interval_s')}s interval; medians over measurement windows)\n")
    w("| series | system | samples/s | CPU s per M samples | RSS bytes/series | JVM heap bytes/series | head series | load |\n|---|---|---|---|---|---|---|---|")
    for n in sizes:
        for s in (P, C):
            r = ingest.get((n, s))
            if r:
                w(f"| {n:,} | {s} | {fnum(r['samples_per_s'])} | {fnum(r['cpu_s_per_million_samples'], 3)} | {fnum(r['rss_bytes_per_series'])} | "
                  f"{fnum(r['heap_used_bytes_per_series'])} | {fnum(r['head_series'])} | {', '.join(fnum(x) for x in r['load'])} |")
        c, p = ingest.get((n, C)), ingest.get((n, P))
        if c and p:
            w(f"| {n:,} | **ratio** | | **{fnum(ratio(c['cpu_s_per_million_samples'], p['cpu_s_per_million_samples']), 3)}** | "
              f"**{fnum(ratio(c['rss_bytes_per_series'], p['rss_bytes_per_series']), 3)}** | | | |")
    if marg:
        w("\nMarginal memory (RSS growth per added series between the smallest and largest size): " +
          ", ".join(f"{s} {fnum(v)} bytes/series" for s, v in marg.items()) +
          (f", ratio {fnum(ratio(marg.get(C), marg.get(P)), 3)}" if C in marg and P in marg else "") + ".")
    w("")
if res["backfill"]:
    w("## Backfill: `create-blocks-from openmetrics` on the same file (2h at 15s)\n")
    w("| series | samples | system | runs (s) | median s | samples/s | bytes/sample (block) | chunk bytes/sample |\n|---|---|---|---|---|---|---|---|")
    for (n, s), r in sorted(backfill.items()):
        if r.get("pending"):
            w(f"| {n:,} | | {s} | pending: `cardinal tsdb create-blocks-from openmetrics` not available | | | | |")
        else:
            w(f"| {n:,} | {r['samples']:,} | {s} | {', '.join(str(x) for x in r['runs_s'])} | {fnum(r['median_s'])} | "
              f"{fnum(r['samples_per_s'])} | {r['bytes_per_sample']:.3f} | {r['chunk_bytes_per_sample']:.3f} |")
    for n in sorted({k[0] for k in backfill}):
        c, p = backfill.get((n, C)), backfill.get((n, P))
        if c and p and not c.get("pending"):
            w(f"\n{n:,} series, ratio Cardinal/Prometheus: time {fnum(ratio(c['median_s'], p['median_s']), 3)}, "
              f"bytes per sample {fnum(ratio(c['bytes_per_sample'], p['bytes_per_sample']), 3)}.")
    w("")
if qrows or pending_q:
    w("## Query latency on the same blocks (medians, ms; client wall time)\n")
    if pending_q:
        w(f"Cardinal's `/api/v1/query` answered HTTP {pending_q[0]['http']}: its rows are **pending**.\n")
    passes = sorted({r["warmup_passes"] for r in qrows if r.get("warmup_passes") is not None})
    if passes:
        w(f"Medians of the measured runs after {', '.join(str(x) for x in passes)} warm-up passes over the whole set "
          "(both servers the same); \"first\" is each query's time in the first pass right after start "
          "(one sample: the JVM's interpreter and JIT at work, Prometheus's page cache filling).\n")
    w("| series | query | kind | Prometheus | Cardinal | ratio | same answer | first: Prometheus | first: Cardinal |\n"
      "|---|---|---|---|---|---|---|---|---|")
    for r in qrows:
        cms = fnum(r["cardinal_ms"]) if r["cardinal_status"] == 200 else ("pending" if r["pending"] else f"HTTP {r['cardinal_status']}")
        pms = fnum(r["prometheus_ms"]) if r["prometheus_status"] == 200 else f"HTTP {r['prometheus_status']}"
        w(f"| {r['series']:,} | `{r['query'].replace('|', chr(92) + '|')}` | {r['kind']} | {pms} | {cms} | "
          f"{fnum(r['ratio'], 2)} | {'yes' if r['same_answer'] else 'no' if r['same_answer'] is not None else '—'} | "
          f"{fnum(r.get('prometheus_cold_ms'))} | {fnum(r.get('cardinal_cold_ms'))} |")
    for n in qsizes:
        w(f"\nGeometric mean at {n:,} series: instant Cardinal {fnum(qgeo[(n, 'instant', C)])} ms vs Prometheus "
          f"{fnum(qgeo[(n, 'instant', P)])} ms; range {fnum(qgeo[(n, 'range', C)])} vs {fnum(qgeo[(n, 'range', P)])} ms.")
        cold_c = [r["cardinal_cold_ms"] for r in qrows if r["series"] == n and r.get("cardinal_cold_ms")]
        cold_p = [r["prometheus_cold_ms"] for r in qrows if r["series"] == n and r.get("prometheus_cold_ms")]
        if cold_c and cold_p:
            w(f"First pass over the set right after start at {n:,} series (sum of the first requests): Cardinal "
              f"{fnum(sum(cold_c))} ms, Prometheus {fnum(sum(cold_p))} ms (ratio {fnum(ratio(sum(cold_c), sum(cold_p)), 2)}).")
    w("")
if restart:
    w("## Restart: time from process start to `/-/ready` on the same WAL + head chunks\n")
    w("| system | series × samples | WAL+chunks bytes | runs (s) | median s | head series | RSS after ready |\n|---|---|---|---|---|---|---|")
    for s in (P, C):
        r = restart.get(s)
        if r:
            w(f"| {s} | {r['series']:,} × {r['samples_per_series']} | {r['wal_bytes']:,} | {', '.join(fnum(x) for x in r['runs_s'])} | "
              f"{fnum(r['median_s'])} | {fnum(r['head_series'])} | {fnum(r['rss_bytes'])} |")
    if C in restart and P in restart:
        w(f"\nRatio Cardinal/Prometheus: {fnum(ratio(restart[C]['median_s'], restart[P]['median_s']), 3)}.")
    if "restart_inproc" in res:
        w(f" In-process (`ReplayOnce`, `Cardinal.open` alone): median {fnum(res['restart_inproc']['median_s'])} s.")
    w("")
if res["explosion"]:
    w("## Cardinality explosion: healthy targets plus one target with new series every scrape\n")
    w("| system | limits | head series | RSS | samples/s | CPU s per M samples | healthy samples stored (target_info, last 30 s) | healthy up | exploding target up | exploding target's series now |\n|---|---|---|---|---|---|---|---|---|---|")
    for r in res["explosion"]:
        lim = "none" if r["mode"] == "nolimit" else f"sample_limit {r['sample_limit']}" + (f", max-series {r['max_series']:,}" if r["max_series"] else "")
        hsf = r.get("healthy_stored_fraction")
        w(f"| {r['system']} | {lim} | {fnum(r['head_series'])} | {fnum(r['rss'])} | {fnum(r['samples_per_s'])} | "
          f"{fnum(r['cpu_s_per_million_samples'], 3)} | {fnum(100 * hsf if hsf is not None else None, 1)} % | {r['healthy_up']} | {r['explode_up']} | {r.get('explode_series_now')} |")
    w("")
if res["jfr"]:
    w("## Where Cardinal's time goes (JFR, `jdk.ExecutionSample` top frames)\n")
    for name, j in res["jfr"].items():
        if j.get("cpu"):
            w(f"**{name}** ({j['cpu']['samples']} samples): leaf frames " +
              "; ".join(f"`{k}` {p} %" for k, _, p in j["cpu"]["top_leaf_frames"][:8]) +
              ". First Cardinal frame: " + "; ".join(f"`{k}` {p} %" for k, _, p in j["cpu"]["top_cardinal_frames"][:8]) + ".\n")
        if j.get("alloc"):
            w(f"**{name}** allocation (sampled weight): " + "; ".join(f"`{k}` {p} %" for k, p in j["alloc"]["top_classes"][:6]) +
              "; by frame " + "; ".join(f"`{k}` {p} %" for k, p in j["alloc"]["top_cardinal_frames"][:6]) + ".\n")
if res.get("jmh"):
    w("## JMH (short settings)\n")
    w("| benchmark | params | score | ± | unit |\n|---|---|---|---|---|")
    for b in res["jmh"]:
        w(f"| {b['benchmark'].split('.')[-2]}.{b['benchmark'].split('.')[-1]} | {b['params'] or ''} | {fnum(b['score'], 3)} | {fnum(b['error'], 3)} | {b['unit']} |")
    w("")
for c in charts:
    w(f"![{c}]({c})")
open(os.path.join(out, "results.md"), "w").write("\n".join(L) + "\n")
print(os.path.join(out, "results.md"))
