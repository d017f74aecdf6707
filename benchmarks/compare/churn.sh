#!/usr/bin/env bash
# Churn side by side with Prometheus 2.42: steady series plus series replaced every minute (a
# version label that changes, as in a rollout), scraped for a fixed time; head series and RSS
# sampled every scrape interval.
#
#   benchmarks/compare/churn.sh [--out=DIR]
#
# Environment (defaults are the issue's scenario): TARGETS=200 PER_TARGET=1000 (steady series per
# target), CHURN=100 (series per target replaced every CHURN_PERIOD=60 s), INTERVAL=15 (scrape
# interval, s), DURATION=1800 (s per system), SYSTEMS="prometheus cardinal", LIMIT_FACTOR=1.2
# (Cardinal's --storage.tsdb.head.max-series as a multiple of the active set), CARDINAL_FLAGS
# (extra server flags; default: stale-series eviction, series idle 5 minutes or ending in a staleness marker).
# Writes samples.csv (system,seconds,head_series,rss_bytes,skipped_series_limit,stale_series,
# evicted_series) and summary.md to the output directory.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT=""
for a in "$@"; do
  case $a in
    --out=*) OUT=${a#--out=} ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
TARGETS=${TARGETS:-200} PER_TARGET=${PER_TARGET:-1000} CHURN=${CHURN:-100} CHURN_PERIOD=${CHURN_PERIOD:-60}
INTERVAL=${INTERVAL:-15} DURATION=${DURATION:-1800} SYSTEMS=${SYSTEMS:-"prometheus cardinal"}
LIMIT_FACTOR=${LIMIT_FACTOR:-1.2}
CARDINAL_FLAGS=${CARDINAL_FLAGS:-"--storage.tsdb.head.stale-series-idle=5m"}
OUT=${OUT:-$here/benchmarks/results/churn-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
W=$OUT/work
mkdir -p "$W"
# shellcheck source=lib.sh
source "$here/benchmarks/compare/lib.sh"
prepare_jars

rss_bytes() { awk '/^VmRSS:/{print $2*1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
metric() { # port name: sum of the metric's samples in /metrics (0 when absent)
  curl -s --max-time 10 "http://127.0.0.1:$1/metrics" | awk -v n="$2" \
    '$1 ~ ("^" n "([{]|$)") {s += $NF} END {printf "%.0f\n", s + 0}'
}

active=$((TARGETS * PER_TARGET + TARGETS * CHURN))
limit=$(awk -v a="$active" -v f="$LIMIT_FACTOR" 'BEGIN{printf "%d", a * f}')
echo "system,seconds,head_series,rss_bytes,skipped_series_limit,stale_series,evicted_series" > "$OUT/samples.csv"
{
  echo "# Churn: $TARGETS targets x $PER_TARGET steady series + $CHURN per target replaced every ${CHURN_PERIOD}s"
  echo
  echo "active series $active (+ $((TARGETS * CHURN)) new per ${CHURN_PERIOD}s), scrape interval ${INTERVAL}s, ${DURATION}s per system, $(nproc) cores"
  echo
  echo "| system | flags | head series min / median / max (last 2/3) | RSS min / max (last 2/3) MB | RSS spread | samples skipped by the limit |"
  echo "|---|---|---|---|---|---|"
} > "$OUT/summary.md"

for sys in $SYSTEMS; do
  log "$sys: starting $TARGETS targets"
  rm -f "$W/ports"
  java -Xmx4g -Dchurn.series="$CHURN" -Dchurn.period="$CHURN_PERIOD" -cp "$BJAR" \
    io.cardinal.bench.compare.TargetServer "$W/ports" "$TARGETS" "$PER_TARGET" 0 $((DURATION + 300)) \
    2>> "$OUT/targets.log" &
  tpid=$!
  PIDS+=("$tpid")
  for _ in $(seq 1 600); do [ -f "$W/ports" ] && break; sleep 0.1; done
  mapfile -t ports < "$W/ports"
  {
    printf 'global:\n  scrape_interval: %ss\n  scrape_timeout: %ss\nscrape_configs:\n' "$INTERVAL" "$INTERVAL"
    printf '  - job_name: churn\n    static_configs:\n      - targets:\n'
    for p in "${ports[@]}"; do printf '          - 127.0.0.1:%s\n' "$p"; done
  } > "$W/churn.yml"
  port=$(freeport)
  dir=$W/data-$sys
  rm -rf "$dir"
  flags=""
  if [ "$sys" = prometheus ]; then
    prometheus --config.file="$W/churn.yml" --storage.tsdb.path="$dir" --web.listen-address="127.0.0.1:$port" \
      > "$OUT/$sys.log" 2>&1 &
  else
    flags="--storage.tsdb.head.max-series=$limit $CARDINAL_FLAGS"
    # shellcheck disable=SC2086
    java $CARDINAL_JAVA_OPTS -jar "$CJAR" server --config.file="$W/churn.yml" --storage.tsdb.path="$dir" \
      --web.listen-address="127.0.0.1:$port" $flags > "$OUT/$sys.log" 2>&1 &
  fi
  spid=$!
  PIDS+=("$spid")
  for _ in $(seq 1 600); do curl -sf --max-time 1 "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break; sleep 0.1; done
  t0=$(date +%s)
  log "$sys: ready on $port (pid $spid), sampling every ${INTERVAL}s for ${DURATION}s"
  while true; do
    now=$(date +%s)
    el=$((now - t0))
    [ "$el" -ge "$DURATION" ] && break
    kill -0 "$spid" 2>/dev/null || { log "$sys exited early; see $OUT/$sys.log"; break; }
    hs=$(metric "$port" prometheus_tsdb_head_series)
    rss=$(rss_bytes "$spid")
    sk=$(metric "$port" cardinal_head_series_limit_skipped_samples_total)
    st=$(metric "$port" prometheus_tsdb_head_stale_series)
    ev=$(metric "$port" cardinal_tsdb_head_stale_series_evicted_total)
    echo "$sys,$el,$hs,$rss,$sk,$st,$ev" >> "$OUT/samples.csv"
    sleep "$INTERVAL"
  done
  kill "$spid" "$tpid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$spid" "$tpid" 2>/dev/null || true
  python3 - "$OUT/samples.csv" "$sys" "$DURATION" "$flags" >> "$OUT/summary.md" <<'PY'
import csv, statistics, sys
path, system, duration, flags = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
rows = [r for r in csv.DictReader(open(path)) if r["system"] == system and float(r["seconds"]) >= duration / 3]
if not rows:
    print(f"| {system} | `{flags}` | no samples | | | |")
else:
    h = sorted(int(r["head_series"]) for r in rows)
    rss = [int(r["rss_bytes"]) for r in rows]
    print(f"| {system} | `{flags or '(defaults)'}` | {h[0]:,} / {int(statistics.median(h)):,} / {h[-1]:,} "
          f"| {min(rss) / 1e6:.0f} / {max(rss) / 1e6:.0f} | {100 * (max(rss) - min(rss)) / min(rss):.1f} % "
          f"| {int(rows[-1]['skipped_series_limit']):,} |")
PY
  rm -rf "$dir"
done
echo >> "$OUT/summary.md"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/summary.md"
cat "$OUT/summary.md"
