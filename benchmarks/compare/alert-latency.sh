#!/usr/bin/env bash
# Alert latency side by side with Prometheus 2.42: from the acknowledgement of the remote write
# request carrying the sample that makes an alert condition true, to that alert's arrival at an
# Alertmanager-compatible receiver.
#
#   benchmarks/compare/alert-latency.sh [--series=N] [--alerting=N[,N...]] [--groups=N]
#                                       [--interval=SECONDS] [--probes=N] [--step=SECONDS]
#                                       [--history=SECONDS] [--trigger-seconds=S] [--out=DIR]
#                                       [--systems="prometheus cardinal cardinal-streaming"]
#
# Systems: prometheus, cardinal (every rule evaluated as a query, --no-rules.streaming) and
# cardinal-streaming (--rules.streaming). For every alerting rule count and every system, a fresh
# server (empty storage) on 127.0.0.1 with a remote write receiver, its alerts going to the receiver
# embedded in AlertLatency, which: writes --history seconds of past samples for --series series
# (LabelProfile) and --probes probe series, writes the rule file (the alerting rules of common
# shapes plus one `for: 0s` rule per probe, in --groups groups at --interval) and reloads, keeps
# writing every series once per --step, waits until every group was evaluated twice, then triggers
# each probe once at a random moment of --trigger-seconds (default four intervals) and times its
# alert. Both servers get the same alerting flags (resend delay, queue capacity, Prometheus's
# defaults, written out so that a change of either default cannot skew the comparison).
#
# Defaults: 200,000 series, 1,000 / 10,000 / 50,000 alerting rules in 20 groups, interval 15 s,
# 200 probes, samples every 15 s, 5 minutes of history.
# Output: OUT/results.jsonl (one AlertLatency line per system and rule count, with the system and
# the rule count), OUT/results.md, and OUT/logs/. Every wait is bounded; every process started here
# is killed on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SERIES=200000 ALERTING=1000,10000,50000 NGROUPS=20 INTERVAL=15 PROBES=200 STEP=15 HISTORY=300
TRIGGER="" OUT="" SYSTEMS="prometheus cardinal cardinal-streaming"
for a in "$@"; do
  case $a in
    --series=*) SERIES=${a#--series=} ;;
    --alerting=*) ALERTING=${a#--alerting=} ;;
    --groups=*) NGROUPS=${a#--groups=} ;;
    --interval=*) INTERVAL=${a#--interval=} ;;
    --probes=*) PROBES=${a#--probes=} ;;
    --step=*) STEP=${a#--step=} ;;
    --history=*) HISTORY=${a#--history=} ;;
    --trigger-seconds=*) TRIGGER=${a#--trigger-seconds=} ;;
    --out=*) OUT=${a#--out=} ;;
    --systems=*) SYSTEMS=${a#--systems=} ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
TRIGGER=${TRIGGER:-$((4 * INTERVAL))}
OUT=${OUT:-$here/benchmarks/results/alert-latency-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT/logs"
W=$(mktemp -d /tmp/cardinal-alert-latency.XXXXXX)
# shellcheck source=lib.sh
. "$here/benchmarks/compare/lib.sh"

prepare_jars
# Flags both servers have, at Prometheus's defaults.
ALERT_FLAGS=(--rules.alert.resend-delay=1m --rules.alert.for-grace-period=10m
  --rules.alert.for-outage-tolerance=1h --alertmanager.notification-queue-capacity=10000)


run_system() { # system rule-count
  local sys=$1 n=$2 port sink dir pid tag
  tag=$sys-$n
  port=$(freeport); sink=$(freeport); dir=$W/$tag; mkdir -p "$dir"
  # Rules come later (AlertLatency rewrites the file and reloads): the history is written first,
  # and the evaluation interval is the global one from the start, as Cardinal's streaming needs.
  echo 'groups: []' > "$dir/rules.yml"
  cat > "$dir/prometheus.yml" <<EOF
global:
  evaluation_interval: ${INTERVAL}s
rule_files: ['$dir/rules.yml']
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:$sink']
EOF
  if [ "$sys" = prometheus ]; then
    prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
      --web.listen-address="127.0.0.1:$port" --web.enable-remote-write-receiver --web.enable-lifecycle \
      "${ALERT_FLAGS[@]}" > "$OUT/logs/$tag.log" 2>&1 &
  else
    local mode=--no-rules.streaming
    [ "$sys" = cardinal-streaming ] && mode=--rules.streaming
    # shellcheck disable=SC2086
    java $CARDINAL_JAVA_OPTS -jar "$CJAR" server --config.file="$dir/prometheus.yml" \
      --storage.tsdb.path="$dir/data" --web.listen-address="127.0.0.1:$port" "$mode" \
      --web.enable-remote-write-receiver --web.enable-lifecycle "${ALERT_FLAGS[@]}" \
      > "$OUT/logs/$tag.log" 2>&1 &
  fi
  pid=$!; PIDS+=("$pid")
  local ready=0
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && { ready=1; break; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ "$ready" = 1 ]; then
    log "$tag: measuring ($SERIES series, $n alerting rules + $PROBES probes, interval ${INTERVAL}s)"
    # A last resort only: AlertLatency bounds each of its own waits.
    local bound=$((1800 + 40 * INTERVAL + 2 * TRIGGER)) apid rc=0
    timeout "$bound" java -Xmx3g -cp "$BJAR" io.cardinal.bench.compare.AlertLatency \
      "http://127.0.0.1:$port" --sink-port "$sink" --rules-file "$dir/rules.yml" \
      --series "$SERIES" --alerting "$n" --groups "$NGROUPS" --interval "$INTERVAL" \
      --probes "$PROBES" --step "$STEP" --history "$HISTORY" --trigger-seconds "$TRIGGER" \
      > "$OUT/logs/$tag.json" 2> "$OUT/logs/$tag-bench.log" &
    apid=$!; PIDS+=("$apid")
    wait "$apid" || rc=$?
    [ "$rc" = 0 ] || log "$tag: AlertLatency exited with $rc (see $OUT/logs/$tag-bench.log)"
  else
    log "$tag: server not ready in 60 s (see $OUT/logs/$tag.log)"
  fi
  python3 - "$sys" "$n" "$OUT/logs/$tag.json" <<'PY' >> "$OUT/results.jsonl"
import json, sys
try:
    r = json.loads(open(sys.argv[3]).read().strip().splitlines()[-1])
except (OSError, IndexError, ValueError):
    r = {"error": "no result"}
print(json.dumps({"system": sys.argv[1], "rules": int(sys.argv[2]), **r}))
PY
  log "$tag: $(tail -1 "$OUT/results.jsonl")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

: > "$OUT/results.jsonl"
for n in ${ALERTING//,/ }; do
  for sys in $SYSTEMS; do run_system "$sys" "$n"; done
done
python3 - "$OUT/results.jsonl" "$SERIES" "$PROBES" "$INTERVAL" "$NGROUPS" > "$OUT/results.md" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
series, probes, interval, groups = sys.argv[2:6]
names = {"prometheus": "Prometheus 2.42", "cardinal": "Cardinal (query)",
         "cardinal-streaming": "Cardinal (streaming)"}
systems = [s for s in names if any(r["system"] == s for r in rows)]
counts = sorted({r["rules"] for r in rows})
by = {(r["system"], r["rules"]): r for r in rows}
def f(v, unit="s"):
    return "-" if v is None else f"{v:.2f} {unit}"
print(f"Alert latency, remote write acknowledgement to Alertmanager: {series} series, {probes} probes,"
      f" {groups} groups at {interval} s. p50 / p99 (misses).\n")
print("| alerting rules | " + " | ".join(names[s] for s in systems) + " |")
print("|---:|" + "---|" * len(systems))
for n in counts:
    cells = []
    for s in systems:
        r = by.get((s, n), {})
        if r.get("error") and not r.get("count"):
            cells.append("error: " + r["error"])
        else:
            cells.append(f"{f(r.get('p50_s'))} / {f(r.get('p99_s'))} ({r.get('misses')})")
    print(f"| {n} | " + " | ".join(cells) + " |")
print("\nWhere it goes: the wait for the group's evaluation slot (startsAt - ack) and the rest"
      " (slot to arrival: the group reaching the rule, the notifier, the request).\n")
print("| system | rules | count | misses | max | slot wait p50 / p99 | after slot p50 / p99 / max"
      " | group duration median / max | missed iterations | write ack p50 / p99 | streaming plans |")
print("|---|---:|---:|---:|---:|---|---|---|---:|---|---:|")
for n in counts:
    for s in systems:
        r = by.get((s, n))
        if not r:
            continue
        print(f"| {names[s]} | {n} | {r.get('count')} | {r.get('misses')} | {f(r.get('max_s'))}"
              f" | {f(r.get('slot_wait_p50_s'))} / {f(r.get('slot_wait_p99_s'))}"
              f" | {f(r.get('after_slot_p50_s'))} / {f(r.get('after_slot_p99_s'))} / {f(r.get('after_slot_max_s'))}"
              f" | {f(r.get('group_duration_median_s'))} / {f(r.get('group_duration_max_s'))}"
              f" | {r.get('missed_iterations')}"
              f" | {f(r.get('write_ack_p50_ms'), 'ms')} / {f(r.get('write_ack_p99_ms'), 'ms')}"
              f" | {r.get('streaming_plans') if r.get('streaming_plans') is not None else '-'} |")
PY
cat "$OUT/results.md"
