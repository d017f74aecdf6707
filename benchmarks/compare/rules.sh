#!/usr/bin/env bash
# Rule evaluation side by side with Prometheus 2.42: the same samples, the same rule file, each
# server in turn on this machine.
#
#   benchmarks/compare/rules.sh [--series=N] [--recording=N] [--alerting=N] [--groups=N]
#                               [--interval=SECONDS] [--rounds=N] [--out=DIR]
#                               [--systems="prometheus cardinal"] [--ingest-seconds=N]
#                               [--scoped] [--ingest-step=SECONDS]
#
# Systems: prometheus, cardinal (rules evaluated as queries, --no-rules.streaming), and
# cardinal-streaming (rules Cardinal can stream kept up to date from the append path). With
# --ingest-seconds=N each system then reloads the same rules at a 1h interval (no evaluation in the
# window) and RemoteWriteLoad measures the server's CPU per million ingested samples for N seconds:
# what keeping streaming state costs on the append path.
#
# --scoped: the alerting rules are scoped to one job each, as rule sets of thousands of rules are
# (one team's service per rule): rule i reads metric (i/4) mod 250 of job (i/1000) mod 20 in one of
# four shapes (a sum by instance of a rate over a threshold, a negative rate, a max_over_time over
# 10m, an absent), and thresholds differ past 20,000 rules. --ingest-step is the spacing of the
# ingest phase's rounds in sample time (default 1 s; 15 gives every series the density of a 15 s
# scrape, so the streaming windows hold what they hold in production: the rounds then start a
# minute after the data written first (whose requests may take a while to build) and stay within
# the 10m future window for N up to 40).
#
# Defaults: 200,000 series (LabelProfile: 800 targets x 250 metric names, ten labels), 1,000
# recording and 1,000 alerting rules of dashboard and alert shapes in 20 groups, interval 30s,
# 5 measured rounds.
#
# For each system: start it with a remote write receiver and no rules, remote-write 21 rounds of
# samples 15 s apart ending now (RemoteWriteLoad, the same generator for both), measure its idle CPU
# over two intervals, load the rules (reload), wait for every group's first evaluation, then measure
# CPU (utime + stime of the process) over ROUNDS intervals. Reported: CPU seconds per evaluation
# round net of idle, and per group the median and maximum of prometheus_rule_group_last_duration_seconds
# (both servers export it), with failures and missed iterations.
# Every wait is bounded; servers bind 127.0.0.1; every process started here is killed on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SERIES=200000 REC=1000 ALERT=1000 NGROUPS=20 INTERVAL=30 ROUNDS=5 OUT=""
SYSTEMS="prometheus cardinal" INGEST_SECONDS=0 SCOPED=0 INGEST_STEP=1
for a in "$@"; do
  case $a in
    --series=*) SERIES=${a#--series=} ;;
    --recording=*) REC=${a#--recording=} ;;
    --alerting=*) ALERT=${a#--alerting=} ;;
    --groups=*) NGROUPS=${a#--groups=} ;;
    --interval=*) INTERVAL=${a#--interval=} ;;
    --rounds=*) ROUNDS=${a#--rounds=} ;;
    --out=*) OUT=${a#--out=} ;;
    --systems=*) SYSTEMS=${a#--systems=} ;;
    --ingest-seconds=*) INGEST_SECONDS=${a#--ingest-seconds=} ;;
    --scoped) SCOPED=1 ;;
    --ingest-step=*) INGEST_STEP=${a#--ingest-step=} ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
OUT=${OUT:-$here/benchmarks/results/rules-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT/logs"
W=$(mktemp -d /tmp/cardinal-rules-bench.XXXXXX)
# shellcheck source=lib.sh
. "$here/benchmarks/compare/lib.sh"

prepare_jars
TICK=$(getconf CLK_TCK)

metric_lines() { curl -s --max-time 10 "http://127.0.0.1:$1/metrics" | grep -E "^$2[{ ]" || true; }
metric_sum() { metric_lines "$1" "$2" | awk '{s += $NF} END {printf "%.6f\n", s + 0}'; }

# ---- the rule file: realistic shapes over the generator's metric names ----
python3 - "$REC" "$ALERT" "$NGROUPS" "$INTERVAL" "$SCOPED" > "$W/rules.yml" <<'PY'
import sys
rec, alert, groups, interval, scoped = map(int, sys.argv[1:6])
words = ["http_requests", "http_request_duration_seconds_bucket", "process_cpu_seconds",
         "node_network_receive_bytes", "grpc_server_handled", "go_gc_duration_seconds",
         "node_cpu_seconds", "rpc_errors", "kafka_consumer_lag", "db_queries"]
names = [f"{words[m % 10]}_{m // 10}_total" for m in range(250)]
rec_shapes = [
    "sum by (job, namespace) (rate({m}[5m]))",
    "sum by (cluster) (rate({m}[5m]))",
    "avg by (region, env) ({m})",
    "max by (job) (increase({m}[5m]))",
]
alert_shapes = [
    ("sum by (job) (rate({m}[5m])) > 1e12", "5m"),
    ("rate({m}[5m]) < 0", "0s"),
    ('absent({m}{{job="job-1"}})', "10m"),
    ("sum by (namespace) (rate({m}[5m])) > 0", "10m"),
]
rules = []
for i in range(rec):
    m = names[i % 250]
    rules.append(f"      - record: rec:{i}\n        expr: {rec_shapes[(i // 250) % 4].format(m=m)}\n")
scoped_shapes = [
    ("sum by (instance) (rate({m}{{job=\"{j}\"}}[5m])) > {t}", "0s"),
    ("rate({m}{{job=\"{j}\"}}[5m]) < 0", "0s"),
    ("max_over_time({m}{{job=\"{j}\"}}[10m]) > {t}", "5m"),
    ("absent({m}{{job=\"{j}\"}})", "10m"),
]
for i in range(alert):
    if scoped:
        shape, for_ = scoped_shapes[i % 4]
        expr = shape.format(
            m=names[(i // 4) % 250], j=f"job-{(i // 1000) % 20}", t=f"{1 + i // 20000}e12")
        expr = expr.replace("{", "{{").replace("}", "}}")
    else:
        expr, for_ = alert_shapes[(i // 250) % 4]
    m = names[i % 250]
    rules.append(
        f"      - alert: Alert{i}\n        expr: {expr.format(m=m)}\n        for: {for_}\n"
        f"        labels: {{severity: warning}}\n"
        f"        annotations: {{summary: \"{{{{ $labels.job }}}} {{{{ $value | humanize }}}}\"}}\n")
# Interleave recording and alerting rules so every group has both.
order = []
for i in range(max(rec, alert)):
    if i < rec: order.append(rules[i])
    if i < alert: order.append(rules[rec + i])
per = (len(order) + groups - 1) // groups
print("groups:")
for g in range(groups):
    print(f"  - name: bench-{g}\n    interval: {interval}s\n    rules:")
    for r in order[g * per:(g + 1) * per]:
        sys.stdout.write(r)
PY
log "rule file: $REC recording + $ALERT alerting rules in $NGROUPS groups ($(wc -l < "$W/rules.yml") lines)"

run_system() { # system
  local sys=$1 port dir pid
  port=$(freeport); dir=$W/$sys; mkdir -p "$dir"
  printf 'global:\n  evaluation_interval: %ss\n' "$INTERVAL" > "$dir/norules.yml"
  cp "$dir/norules.yml" "$dir/prometheus.yml"
  if [ "$sys" = prometheus ]; then
    prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
      --web.listen-address="127.0.0.1:$port" --web.enable-remote-write-receiver --web.enable-lifecycle \
      > "$OUT/logs/$sys.log" 2>&1 &
  else
    local mode=--no-rules.streaming
    [ "$sys" = cardinal-streaming ] && mode=--rules.streaming
    # shellcheck disable=SC2086
    java $CARDINAL_JAVA_OPTS -jar "$CJAR" server --config.file="$dir/prometheus.yml" \
      --storage.tsdb.path="$dir/data" --web.listen-address="127.0.0.1:$port" "$mode" \
      --web.enable-remote-write-receiver --web.enable-lifecycle > "$OUT/logs/$sys.log" 2>&1 &
  fi
  pid=$!; PIDS+=("$pid")
  for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break; sleep 0.1; done
  log "$sys: writing $SERIES series x 21 samples"
  local written_at
  written_at=$(date +%s%3N)
  # One connection: the generator stops every connection when the first has sent its share, so
  # with several a few requests could go unsent and the two systems would hold different data.
  java -Xmx3g -cp "$BJAR" io.cardinal.bench.compare.RemoteWriteLoad "http://127.0.0.1:$port/api/v1/write" \
    --series "$SERIES" --max-rounds 21 --step-ms 15000 --warmup-rounds 0 --seconds 900 \
    --batch 2000 --connections 1 > "$OUT/logs/$sys-write.json" 2>> "$OUT/logs/$sys-write.log"
  local idle0 idle1 t0 t1 busy0 busy1
  idle0=$(cpu_ticks "$pid"); t0=$(date +%s.%N)
  sleep $((2 * INTERVAL))
  idle1=$(cpu_ticks "$pid"); t1=$(date +%s.%N)
  local idle_per_s
  idle_per_s=$(awk -v a="$idle0" -v b="$idle1" -v s="$t0" -v e="$t1" -v h="$TICK" 'BEGIN{printf "%.6f", (b-a)/h/(e-s)}')
  { cat "$dir/norules.yml"; echo "rule_files: ['$W/rules.yml']"; } > "$dir/prometheus.yml"
  curl -s -X POST "http://127.0.0.1:$port/-/reload" > /dev/null
  log "$sys: rules loaded; waiting for every group's first evaluation"
  for _ in $(seq 1 $((INTERVAL * 40))); do
    n=$(metric_lines "$port" prometheus_rule_group_last_evaluation_timestamp_seconds | awk '$NF > 0' | wc -l)
    [ "$n" -ge "$NGROUPS" ] && break
    sleep 0.5
  done
  local iters0 iters1
  iters0=$(metric_sum "$port" prometheus_rule_group_iterations_total)
  busy0=$(cpu_ticks "$pid"); t0=$(date +%s.%N)
  sleep $((ROUNDS * INTERVAL))
  busy1=$(cpu_ticks "$pid"); t1=$(date +%s.%N)
  iters1=$(metric_sum "$port" prometheus_rule_group_iterations_total)
  metric_lines "$port" prometheus_rule_group_last_duration_seconds > "$OUT/logs/$sys-durations.txt"
  local failures missed samples
  failures=$(metric_sum "$port" prometheus_rule_evaluation_failures_total)
  missed=$(metric_sum "$port" prometheus_rule_group_iterations_missed_total)
  samples=$(metric_sum "$port" prometheus_rule_group_last_evaluation_samples)
  python3 - "$sys" "$busy0" "$busy1" "$t0" "$t1" "$TICK" "$idle_per_s" "$iters0" "$iters1" "$NGROUPS" \
    "$failures" "$missed" "$samples" "$OUT/logs/$sys-durations.txt" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY' >> "$OUT/results.jsonl"
import json, statistics, sys
sysname, b0, b1, t0, t1, tick, idle, i0, i1, groups, fails, missed, samples, durf, load = sys.argv[1:]
secs = float(t1) - float(t0)
cpu = (float(b1) - float(b0)) / float(tick)
rounds = (float(i1) - float(i0)) / int(groups)
durs = [float(l.split()[-1]) for l in open(durf) if l.strip()]
net = cpu - float(idle) * secs
print(json.dumps({
    "system": sysname, "seconds": round(secs, 2), "rounds": round(rounds, 2),
    "cpu_s": round(cpu, 3), "idle_cpu_s": round(float(idle) * secs, 3),
    "cpu_s_per_round": round(net / rounds, 3) if rounds > 0 else None,
    "group_wall_median_s": round(statistics.median(durs), 4) if durs else None,
    "group_wall_max_s": round(max(durs), 4) if durs else None,
    "failures": float(fails), "missed": float(missed), "samples_last_round": float(samples),
    "load1": float(load)}))
PY
  grep -q "\"requests\":$((21 * ((SERIES + 1999) / 2000))),\"" "$OUT/logs/$sys-write.json" \
    || log "$sys: WARNING: not every request was sent; the two systems may hold different data"
  log "$sys: $(tail -1 "$OUT/results.jsonl")"
  if [ "$INGEST_SECONDS" -gt 0 ]; then
    sed "s/interval: ${INTERVAL}s/interval: 1h/" "$W/rules.yml" > "$W/rules-1h.yml"
    { cat "$dir/norules.yml"; echo "rule_files: ['$W/rules-1h.yml']"; } > "$dir/prometheus.yml"
    curl -s -X POST "http://127.0.0.1:$port/-/reload" > /dev/null
    sleep 5
    log "$sys: ingest cost with the rules loaded, $INGEST_SECONDS s"
    # Rounds 1 s apart ending now, or INGEST_STEP apart right after the data written first: every
    # sample is newer than what the series hold, none too old.
    local first=()
    if [ "$INGEST_STEP" -gt 1 ]; then
      first=(--first-ms $(( (written_at / 15000 + 4) * 15000 )))
    fi
    java -Xmx3g -cp "$BJAR" io.cardinal.bench.compare.RemoteWriteLoad "http://127.0.0.1:$port/api/v1/write" \
      --series "$SERIES" --step-ms $((INGEST_STEP * 1000)) --warmup-rounds 1 --seconds "$INGEST_SECONDS" "${first[@]}" \
      --max-rounds "$INGEST_SECONDS" \
      --batch 2000 --connections 1 --pid "$pid" --hz "$TICK" > "$OUT/logs/$sys-ingest.json" 2>> "$OUT/logs/$sys-write.log"
    python3 - "$sys" "$OUT/logs/$sys-ingest.json" <<'PY' >> "$OUT/ingest.jsonl"
import json, sys
r = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
print(json.dumps({"system": sys.argv[1], "cpu_s_per_million": r.get("cpu_s_per_million"),
                  "samples_per_s": r.get("samples_per_s"), "errors": r.get("errors")}))
PY
    log "$sys: $(tail -1 "$OUT/ingest.jsonl")"
  fi
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

: > "$OUT/results.jsonl"; : > "$OUT/ingest.jsonl"
for sys in $SYSTEMS; do run_system "$sys"; done
python3 - "$OUT/results.jsonl" "$OUT/ingest.jsonl" > "$OUT/results.md" <<'PY'
import json, sys
rows = {r["system"]: r for r in map(json.loads, open(sys.argv[1]))}
ingest = {r["system"]: r for r in map(json.loads, open(sys.argv[2]))}
names = {"prometheus": "Prometheus 2.42", "cardinal": "Cardinal (query)",
         "cardinal-streaming": "Cardinal (streaming)"}
systems = [s for s in names if s in rows]
base = systems[0]
print("| figure | " + " | ".join(names[s] for s in systems) + " |")
print("|---|" + "---:|" * len(systems))
for k, name in [("cpu_s_per_round", "CPU seconds per evaluation round (net of idle)"),
                ("group_wall_median_s", "wall time per group, median (s)"),
                ("group_wall_max_s", "wall time per group, max (s)"),
                ("rounds", "rounds measured"), ("failures", "rule failures"),
                ("missed", "missed iterations"), ("load1", "load average at the end")]:
    cells = []
    for s in systems:
        v = rows[s].get(k)
        a = rows[base].get(k)
        ratio = (f" ({v / a:.2f}x)" if s != base and isinstance(a, (int, float)) and a
                 and isinstance(v, (int, float)) and k in ("cpu_s_per_round", "group_wall_median_s", "group_wall_max_s") else "")
        cells.append(f"{v}{ratio}")
    print(f"| {name} | " + " | ".join(cells) + " |")
if ingest:
    print("| ingest CPU s per million samples, rules loaded | " + " | ".join(
        str(ingest.get(s, {}).get("cpu_s_per_million")) for s in systems) + " |")
PY
cat "$OUT/results.md"
