#!/usr/bin/env bash
# Side-by-side compaction: Prometheus 2.42 and Cardinal compact the same blocks.
#
#   benchmarks/compare/compaction.sh [SERIES] [HOURS] [WORKDIR]
#
# 1. generates the realistic workload as OpenMetrics (LabelProfile/ValueModel, 15s interval);
# 2. promtool tsdb create-blocks-from openmetrics turns it into 2h blocks (also timed: backfill);
# 3. copies the blocks twice; Prometheus (started on one copy, compacts after ~1 minute) and
#    Cardinal (CompactOnce on the other) merge the first three 2h blocks into a 6h block;
# 4. prints compaction time, samples/s and bytes per sample of each output block.
# Installs Prometheus from Debian if missing. Every wait is bounded.
set -euo pipefail
SERIES=${1:-1000}
HOURS=${2:-10}
WORK=${3:-$(mktemp -d)}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$here/benchmarks/target/benchmarks.jar"

if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then
  apt-get update -qq && apt-get install -y -qq prometheus >/dev/null
  (pkill -x prometheus || true) 2>/dev/null
fi
[ -f "$jar" ] || (cd "$here" && ./mvnw -q -B -DskipTests install)

cd "$WORK"
rm -rf P C blocks data.om prom.log
java -cp "$jar" io.cardinal.bench.compare.OpenMetricsGenerator data.om "$SERIES" "$HOURS" >&2
start=$(date +%s.%N)
promtool tsdb create-blocks-from openmetrics data.om blocks >/dev/null
backfill=$(echo "$(date +%s.%N) - $start" | bc)
cp -r blocks P
cp -r blocks C
# Cardinal first, alone; then Prometheus, alone (it compacts about a minute after start-up).
ours=$(java -Xmx4g -cp "$jar" io.cardinal.bench.compare.CompactOnce C 2>/dev/null)
printf 'global:\n  scrape_interval: 1h\n' > empty.yml
port=$((20000 + RANDOM % 20000))
prometheus --config.file=empty.yml --storage.tsdb.path=P --web.listen-address=127.0.0.1:$port \
  --storage.tsdb.retention.time=10y > prom.log 2>&1 &
ppid=$!
for _ in $(seq 1 120); do
  grep -q 'msg="compact blocks"' prom.log && break
  sleep 1
done
kill "$ppid" 2>/dev/null || true
wait "$ppid" 2>/dev/null || true
line=$(grep 'msg="compact blocks"' prom.log | head -1)
[ -n "$line" ] || { echo "Prometheus did not compact within 120 s; see $WORK/prom.log" >&2; exit 1; }
pdur=$(echo "$line" | sed -E 's/.*duration=([0-9.]+)(ms|s|µs).*/\1 \2/')
pval=${pdur% *}; punit=${pdur#* }
case $punit in ms) psec=$(echo "$pval / 1000" | bc -l);; s) psec=$pval;; *) psec=$(echo "$pval / 1000000" | bc -l);; esac

# Bytes per sample of each system's merged (level 2) block.
bps() {
  for d in "$1"/*/; do
    if grep -Eq '"level" ?: ?2' "$d/meta.json" 2>/dev/null; then
      samples=$(grep -Eo '"numSamples" ?: ?[0-9]+' "$d/meta.json" | grep -Eo '[0-9]+$')
      chunks=$(du -sb "$d/chunks" | cut -f1)
      total=$(du -sb "$d" | cut -f1)
      echo "$samples $chunks $total"
      return
    fi
  done
}
read -r ps pc pt <<<"$(bps P)"
read -r cs cc ct <<<"$(bps C)"
csec=$(echo "$ours" | sed -E 's/.*"seconds":([0-9.]+).*/\1/')
printf '| system | compaction s | samples/s | chunk bytes/sample | block bytes/sample |\n|---|---|---|---|---|\n'
printf '| Prometheus 2.42 | %.3f | %.0f | %.3f | %.3f |\n' "$psec" "$(echo "$ps / $psec" | bc -l)" "$(echo "$pc / $ps" | bc -l)" "$(echo "$pt / $ps" | bc -l)"
printf '| Cardinal | %.3f | %.0f | %.3f | %.3f |\n' "$csec" "$(echo "$cs / $csec" | bc -l)" "$(echo "$cc / $cs" | bc -l)" "$(echo "$ct / $cs" | bc -l)"
printf '\nratio Cardinal/Prometheus: time %.2f\n' "$(echo "$csec / $psec" | bc -l)"
printf 'backfill (promtool create-blocks-from openmetrics, %s series x %sh): %.1f s\n' "$SERIES" "$HOURS" "$backfill"
