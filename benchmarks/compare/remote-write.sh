#!/usr/bin/env bash
# Remote write, side by side with Prometheus 2.42: receiver and sender throughput on the same data.
#
#   benchmarks/compare/remote-write.sh [--rounds=N] [--only=receiver,sender,catchup] [--baseline] [--jfr] [--out=DIR]
#
#   receiver  RemoteWriteLoad POSTs the same pre-built snappy WriteRequests (SERIES series of the
#             realistic LabelProfile/ValueModel workload, batches of BATCH samples, timestamps
#             advancing STEP_MS per round, CONNS connections) for LOAD_SECONDS to
#             prometheus --web.enable-remote-write-receiver and to cardinal server
#             --web.enable-remote-write-receiver (empty scrape config): accepted samples/s, 204s vs
#             errors, CPU seconds of the server (/proc/<pid>/stat utime+stime) per million samples.
#   sender    both servers scrape the same TargetServer targets (TARGETS x PER_TARGET series every
#             INTERVAL s) and remote-write to RemoteWriteSink (decodes, counts, 204), with the same
#             queue_config: samples/s delivered to the sink, CPU seconds of the sending server per
#             million samples delivered, and the sender's lag at the end.
#   catchup   the sender set-up, but the sink answers 503 for OUTAGE s (the sender retries; its backlog
#             waits in the WAL), then accepts again: how fast each sender catches up (samples/s
#             delivered from the end of the outage until everything committed before it arrived)
#   --baseline  also run each system once scraping without remote_write (the sender's marginal CPU)
#   --jfr       one more Cardinal run of each part under JFR (not measured); prints the top frames
# Systems alternate (first system swaps every round); the table shows medians over --rounds (3).
# Every wait is bounded; everything binds 127.0.0.1; every process started here is killed on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS=3 ONLY="receiver,sender,catchup" BASELINE=0 JFR=0 OUT=""
for a in "$@"; do
  case $a in
    --rounds=*) ROUNDS=${a#--rounds=} ;;
    --only=*) ONLY=${a#--only=} ;;
    --baseline) BASELINE=1 ;;
    --jfr) JFR=1 ;;
    --out=*) OUT=${a#--out=} ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
SERIES=${SERIES:-50000} BATCH=${BATCH:-2000} CONNS=${CONNS:-4} STEP_MS=${STEP_MS:-5000}
LOAD_SECONDS=${LOAD_SECONDS:-30} LOAD_MAX_MB=${LOAD_MAX_MB:-600}
TARGETS=${TARGETS:-50} PER_TARGET=${PER_TARGET:-1000} INTERVAL=${INTERVAL:-1}
WARM=${WARM:-20} WINDOW=${WINDOW:-30} OUTAGE=${OUTAGE:-30} CATCHUP_MAX=${CATCHUP_MAX:-120}
CARDINAL_JAVA_OPTS=${CARDINAL_JAVA_OPTS:-}
ts=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$here/benchmarks/results/remote-write-$ts}
mkdir -p "$OUT/work" "$OUT/logs"
OUT=$(cd "$OUT" && pwd)
W=$OUT/work
RAW=$OUT/raw.jsonl
: > "$RAW"
log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$OUT/logs/run.log" >&2; }
want() { [[ ",$ONLY," == *",$1,"* ]]; }

command -v prometheus >/dev/null || { echo "prometheus (2.42) is not installed" >&2; exit 1; }
if [ ! -f "$here/cli/target/cardinal.jar" ] || [ ! -f "$here/benchmarks/target/benchmarks.jar" ]; then
  log "building Cardinal (./mvnw -q -B -DskipTests install)"
  (cd "$here" && ./mvnw -q -B -DskipTests install >&2)
fi
# Snapshot the jars: a rebuild by someone else mid-run must not change what is measured. Cardinal runs
# as bin/cardinal runs it (java $CARDINAL_JAVA_OPTS -jar cardinal.jar server ...), from the snapshot.
cp "$here/cli/target/cardinal.jar" "$W/cardinal.jar"
cp "$here/benchmarks/target/benchmarks.jar" "$W/benchmarks.jar"
CJAR=$W/cardinal.jar BJAR=$W/benchmarks.jar
TICK=$(getconf CLK_TCK)

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
stop() { # pid: TERM, wait up to 30 s, then KILL
  local p=$1
  kill "$p" 2>/dev/null || return 0
  for _ in $(seq 1 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{sub(/.*\) /, ""); print $12+$13}' "/proc/$1/stat" 2>/dev/null || echo 0; }
metric() { # port name: sum of the metric's samples in /metrics
  curl -s --max-time 10 "http://127.0.0.1:$1/metrics" | awk -v n="$2" \
    '$1 ~ ("^" n "([{]|$)") {s += $NF; found=1} END {if (found) printf "%.3f\n", s; else print 0}'
}
wait_ready() { # port timeout_s
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    curl -sf --max-time 1 "http://127.0.0.1:$1/-/ready" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
SPID=""
start_server() { # system datadir config port logname [extra flags...]: sets SPID
  local sys=$1 dir=$2 cfg=$3 port=$4 name=$5
  shift 5
  if [ "$sys" = prometheus ]; then
    prometheus --config.file="$cfg" --storage.tsdb.path="$dir" --web.listen-address="127.0.0.1:$port" \
      "$@" > "$OUT/logs/$name.log" 2>&1 &
  else
    # shellcheck disable=SC2086
    java $CARDINAL_JAVA_OPTS ${JFR_OPTS:-} -jar "$CJAR" server --config.file="$cfg" --storage.tsdb.path="$dir" \
      --web.listen-address="127.0.0.1:$port" "$@" > "$OUT/logs/$name.log" 2>&1 &
  fi
  SPID=$!
  PIDS+=("$SPID")
}
jfr_top() { # file: the 15 most frequent top frames of jdk.ExecutionSample
  jfr print --events jdk.ExecutionSample "$1" | awk '
    /stackTrace = \[/ {getline; sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*/, ""); c[$0]++; n++}
    END {for (f in c) printf "%6.1f%%  %s\n", 100 * c[f] / n, f}' | sort -rn | awk 'NR <= 15' || true
}
order_for() { if (( $1 % 2 == 1 )); then echo "prometheus cardinal"; else echo "cardinal prometheus"; fi; }
uptime_now() { uptime | sed 's/^ *//'; }
log "output: $OUT; $(uptime_now)"
printf '{"type":"meta","command":"benchmarks/compare/remote-write.sh %s","date":"%s","cores":%s,"java":"%s","prometheus":"%s","git":"%s","cardinal_java_opts":"%s","series":%s,"batch":%s,"connections":%s,"targets":%s,"per_target":%s,"interval_s":%s}\n' \
  "$*" "$ts" "$(nproc)" "$(java -version 2>&1 | head -1 | tr -d '"')" "$(prometheus --version 2>&1 | head -1 | awk '{print $3}')" \
  "$(cd "$here" && git rev-parse --short HEAD)" "$CARDINAL_JAVA_OPTS" "$SERIES" "$BATCH" "$CONNS" "$TARGETS" "$PER_TARGET" "$INTERVAL" >> "$RAW"

# ---- receiver ----------------------------------------------------------------------------------
printf 'global:\n  scrape_interval: 15s\nscrape_configs: []\n' > "$W/empty.yml"
receiver_run() { # sys round [jfr]
  local sys=$1 r=$2 port dir res load
  port=$(freeport); dir="$W/recv-$sys"
  rm -rf "$dir"
  JFR_OPTS=""
  [ "${3:-}" = jfr ] && JFR_OPTS="-XX:StartFlightRecording=filename=$OUT/cardinal-receiver.jfr,settings=profile"
  start_server "$sys" "$dir" "$W/empty.yml" "$port" "recv-$sys-$r" --web.enable-remote-write-receiver
  JFR_OPTS=""
  wait_ready "$port" 120 || { log "$sys did not get ready"; stop "$SPID"; return; }
  load=$(cut -d' ' -f1 /proc/loadavg)
  res=$(timeout $((LOAD_SECONDS + 300)) java -Xmx3g -cp "$BJAR" io.cardinal.bench.compare.RemoteWriteLoad \
    "http://127.0.0.1:$port/api/v1/write" --series "$SERIES" --batch "$BATCH" --connections "$CONNS" \
    --seconds "$LOAD_SECONDS" --step-ms "$STEP_MS" --max-mb "$LOAD_MAX_MB" --cache "$W/requests.bin" \
    --pid "$SPID" --hz "$TICK" 2>> "$OUT/logs/load.log") || res=""
  stop "$SPID"
  rm -rf "$dir"
  if [ -z "$res" ]; then log "receiver $sys round $r: the load generator failed"; return; fi
  [ "${3:-}" = jfr ] && return
  echo "{\"type\":\"receiver\",\"system\":\"$sys\",\"round\":$r,\"load1\":$load,\"result\":$res}" >> "$RAW"
  log "receiver $sys round $r: $(echo "$res" | jq -c '{samples_per_s, cpu_s_per_million, status}')"
}
if want receiver; then
  log "receiver: $SERIES series, batches of $BATCH, $CONNS connections, ${LOAD_SECONDS}s per run"
  if [ ! -f "$W/requests.bin" ]; then   # build the requests once, outside any measurement
    java -Xmx3g -cp "$BJAR" io.cardinal.bench.compare.RemoteWriteLoad http://127.0.0.1:9/ --build-only --series "$SERIES" \
      --batch "$BATCH" --step-ms "$STEP_MS" --max-mb "$LOAD_MAX_MB" --cache "$W/requests.bin" \
      >/dev/null 2>> "$OUT/logs/load.log" || true
  fi
  for ((r = 1; r <= ROUNDS; r++)); do
    for sys in $(order_for "$r"); do receiver_run "$sys" "$r"; done
  done
  if [ "$JFR" = 1 ]; then
    receiver_run cardinal 0 jfr
    [ -f "$OUT/cardinal-receiver.jfr" ] && jfr_top "$OUT/cardinal-receiver.jfr" > "$OUT/cardinal-receiver-top.txt"
  fi
  rm -f "$W/requests.bin"
fi

# ---- sender ------------------------------------------------------------------------------------
sender_run() { # sys round mode(rw|baseline|jfr)
  local sys=$1 r=$2 mode=$3 port dir cfg load c0 c1 s0 s1 a0 a1 t0 t1 lag
  port=$(freeport); dir="$W/send-$sys"; cfg="$W/send-$mode.yml"
  rm -rf "$dir"
  JFR_OPTS=""
  [ "$mode" = jfr ] && JFR_OPTS="-XX:StartFlightRecording=filename=$OUT/cardinal-sender.jfr,settings=profile"
  start_server "$sys" "$dir" "$cfg" "$port" "send-$sys-$mode-$r"
  JFR_OPTS=""
  wait_ready "$port" 120 || { log "$sys did not get ready"; stop "$SPID"; return; }
  sleep "$WARM"
  load=$(cut -d' ' -f1 /proc/loadavg)
  c0=$(cpu_ticks "$SPID"); s0=$(curl -s --max-time 10 "http://127.0.0.1:$SINK_PORT/stats" | cut -d' ' -f2)
  a0=$(metric "$port" prometheus_tsdb_head_samples_appended_total); t0=$(date +%s.%N)
  sleep "$WINDOW"
  c1=$(cpu_ticks "$SPID"); s1=$(curl -s --max-time 10 "http://127.0.0.1:$SINK_PORT/stats" | cut -d' ' -f2)
  a1=$(metric "$port" prometheus_tsdb_head_samples_appended_total); t1=$(date +%s.%N)
  lag=$(awk -v a="$(metric "$port" prometheus_remote_storage_highest_timestamp_in_seconds)" \
    -v b="$(metric "$port" prometheus_remote_storage_queue_highest_sent_timestamp_seconds)" 'BEGIN{printf "%.1f", a-b}')
  local failed
  failed=$(metric "$port" prometheus_remote_storage_samples_failed_total)
  stop "$SPID"
  rm -rf "$dir"
  [ "$mode" = jfr ] && return
  echo "{\"type\":\"sender\",\"system\":\"$sys\",\"mode\":\"$mode\",\"round\":$r,\"load1\":$load,\"seconds\":$(awk -v a="$t1" -v b="$t0" 'BEGIN{print a-b}'),\"cpu_s\":$(awk -v a="$c1" -v b="$c0" -v h="$TICK" 'BEGIN{print (a-b)/h}'),\"delivered\":$((s1 - s0)),\"appended\":$(awk -v a="$a1" -v b="$a0" 'BEGIN{printf "%.0f", a-b}'),\"lag_s\":$lag,\"failed\":$failed}" >> "$RAW"
  log "sender $sys $mode round $r: $(tail -1 "$RAW")"
}
sink() { curl -s --max-time 10 "http://127.0.0.1:$SINK_PORT/stats" | cut -d' ' -f2; }
catchup_run() { # sys round
  local sys=$1 r=$2 port dir load a0 s0 ar sr c0 tr now sn tc c1 backlog done_=0 i
  port=$(freeport); dir="$W/catchup-$sys"
  rm -rf "$dir"
  start_server "$sys" "$dir" "$W/send-rw.yml" "$port" "catchup-$sys-$r"
  wait_ready "$port" 120 || { log "$sys did not get ready"; stop "$SPID"; return; }
  sleep "$WARM"
  load=$(cut -d' ' -f1 /proc/loadavg)
  a0=$(metric "$port" prometheus_tsdb_head_samples_appended_total); s0=$(sink)
  curl -s --max-time 10 "http://127.0.0.1:$SINK_PORT/fail?seconds=$OUTAGE" >/dev/null
  sleep "$OUTAGE"
  ar=$(metric "$port" prometheus_tsdb_head_samples_appended_total); sr=$(sink); c0=$(cpu_ticks "$SPID"); tr=$(date +%s.%N)
  backlog=$(awk -v a="$ar" -v b="$a0" 'BEGIN{printf "%.0f", a-b}')
  for ((i = 0; i < CATCHUP_MAX * 4; i++)); do   # poll until everything appended before the outage's end arrived
    sleep 0.25
    sn=$(sink)
    if [ $((sn - s0)) -ge "$backlog" ]; then done_=1; break; fi
  done
  tc=$(date +%s.%N); c1=$(cpu_ticks "$SPID")
  stop "$SPID"
  rm -rf "$dir"
  echo "{\"type\":\"catchup\",\"system\":\"$sys\",\"round\":$r,\"load1\":$load,\"outage_s\":$OUTAGE,\"backlog\":$backlog,\"delivered_during_outage\":$((sr - s0)),\"caught_up\":$done_,\"seconds\":$(awk -v a="$tc" -v b="$tr" 'BEGIN{print a-b}'),\"delivered\":$((sn - sr)),\"cpu_s\":$(awk -v a="$c1" -v b="$c0" -v h="$TICK" 'BEGIN{print (a-b)/h}')}" >> "$RAW"
  log "catchup $sys round $r: $(tail -1 "$RAW")"
}
if want sender || want catchup; then
  rm -f "$W/ports" "$W/sinkport"
  java -Xmx2g -cp "$BJAR" io.cardinal.bench.compare.TargetServer "$W/ports" "$TARGETS" "$PER_TARGET" 0 7200 \
    2>> "$OUT/logs/targets.log" &
  PIDS+=("$!")
  java -Xmx1g -cp "$BJAR" io.cardinal.bench.compare.RemoteWriteSink "$W/sinkport" 7200 2>> "$OUT/logs/sink.log" &
  PIDS+=("$!")
  for _ in $(seq 1 600); do [ -f "$W/ports" ] && [ -f "$W/sinkport" ] && break; sleep 0.1; done
  [ -f "$W/ports" ] && [ -f "$W/sinkport" ] || { log "target server or sink did not start"; exit 1; }
  mapfile -t PORTS < "$W/ports"
  SINK_PORT=$(cat "$W/sinkport")
  for mode in rw baseline; do
    {
      printf 'global:\n  scrape_interval: %ss\n  scrape_timeout: %ss\nscrape_configs:\n' "$INTERVAL" "$INTERVAL"
      printf '  - job_name: bench\n    static_configs:\n      - targets:\n'
      for p in "${PORTS[@]}"; do printf '          - 127.0.0.1:%s\n' "$p"; done
      if [ "$mode" = rw ]; then
        # the same queue settings for both (Cardinal's defaults; Prometheus 2.42's are 2,500/500/200 shards)
        printf 'remote_write:\n  - url: http://127.0.0.1:%s/api/v1/write\n    name: sink\n' "$SINK_PORT"
        printf '    queue_config: {capacity: 10000, min_shards: 1, max_shards: 50, max_samples_per_send: 2000, batch_send_deadline: 5s, min_backoff: 30ms, max_backoff: 1s}\n'
      fi
    } > "$W/send-$mode.yml"
  done
  cp "$W/send-rw.yml" "$W/send-jfr.yml"
  log "sender: $TARGETS targets x $PER_TARGET series every ${INTERVAL}s, ${WARM}s warm-up, ${WINDOW}s window"
  if want sender; then
    for ((r = 1; r <= ROUNDS; r++)); do
      for sys in $(order_for "$r"); do sender_run "$sys" "$r" rw; done
    done
  fi
  if want catchup; then
    log "catch-up: ${OUTAGE}s outage (503) after ${WARM}s, then at most ${CATCHUP_MAX}s to catch up"
    for ((r = 1; r <= ROUNDS; r++)); do
      for sys in $(order_for "$r"); do catchup_run "$sys" "$r"; done
    done
  fi
  if [ "$BASELINE" = 1 ] && want sender; then
    for sys in prometheus cardinal; do sender_run "$sys" 1 baseline; done
  fi
  if [ "$JFR" = 1 ] && want sender; then
    sender_run cardinal 0 jfr
    [ -f "$OUT/cardinal-sender.jfr" ] && jfr_top "$OUT/cardinal-sender.jfr" > "$OUT/cardinal-sender-top.txt"
  fi
fi

# ---- report --------------------------------------------------------------------------------------
python3 - "$RAW" > "$OUT/results.md" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
meta = rows[0]
med = statistics.median
def fmt(v, d=0):
    return f"{v:,.{d}f}"
out = []
rec = [r for r in rows if r["type"] == "receiver"]
if rec:
    out.append(f"Receiver: {meta['series']:,} series, batches of {meta['batch']:,} samples, {meta['connections']} connections; medians of {len(rec)//2 or 1} runs each\n")
    out.append("| receiver | samples/s accepted (runs) | median | CPU s per M samples (median) | requests: 204 / errors | load1 |")
    out.append("|---|---|---|---|---|---|")
    m = {}
    for sys_ in ("prometheus", "cardinal"):
        rs = [r for r in rec if r["system"] == sys_]
        if not rs: continue
        sps = [r["result"]["samples_per_s"] for r in rs]
        cpu = [r["result"]["cpu_s_per_million"] for r in rs]
        m[sys_] = (med(sps), med(cpu))
        out.append(f"| {'Prometheus 2.42' if sys_=='prometheus' else 'Cardinal'} | {', '.join(fmt(x) for x in sps)} | **{fmt(med(sps))}** | {fmt(med(cpu),2)} | "
                   f"{sum(r['result']['ok_204'] for r in rs):,} / {sum(r['result']['errors'] for r in rs):,} | {', '.join(str(r['load1']) for r in rs)} |")
    if len(m) == 2:
        out.append(f"\nRatio Cardinal/Prometheus: throughput **{m['cardinal'][0]/m['prometheus'][0]:.2f}**, CPU per sample **{m['cardinal'][1]/m['prometheus'][1]:.2f}**\n")
snd = [r for r in rows if r["type"] == "sender"]
if snd:
    out.append(f"Sender: {meta['targets']} targets x {meta['per_target']:,} series scraped every {meta['interval_s']} s, remote-written to RemoteWriteSink\n")
    out.append("| sender | delivered samples/s (runs) | median | CPU s per M samples delivered (median) | scraped samples/s (median) | lag at end (s) | failed | load1 |")
    out.append("|---|---|---|---|---|---|---|---|")
    m = {}
    for sys_ in ("prometheus", "cardinal"):
        rs = [r for r in snd if r["system"] == sys_ and r["mode"] == "rw"]
        if not rs: continue
        d = [r["delivered"] / r["seconds"] for r in rs]
        cpu = [r["cpu_s"] / (r["delivered"] / 1e6) if r["delivered"] else float("nan") for r in rs]
        a = [r["appended"] / r["seconds"] for r in rs]
        m[sys_] = (med(d), med(cpu))
        out.append(f"| {'Prometheus 2.42' if sys_=='prometheus' else 'Cardinal'} | {', '.join(fmt(x) for x in d)} | **{fmt(med(d))}** | {fmt(med(cpu),2)} | {fmt(med(a))} | "
                   f"{', '.join(str(r['lag_s']) for r in rs)} | {sum(r['failed'] for r in rs):.0f} | {', '.join(str(r['load1']) for r in rs)} |")
    for sys_ in ("prometheus", "cardinal"):
        rs = [r for r in snd if r["system"] == sys_ and r["mode"] == "baseline"]
        for r in rs:
            out.append(f"| {'Prometheus 2.42' if sys_=='prometheus' else 'Cardinal'}, scraping without remote_write | — | — | {r['cpu_s']/(r['appended']/1e6):.2f} per M scraped | {fmt(r['appended']/r['seconds'])} | — | — | {r['load1']} |")
    if len(m) == 2:
        out.append(f"\nRatio Cardinal/Prometheus: delivered throughput **{m['cardinal'][0]/m['prometheus'][0]:.2f}**, CPU per sample delivered **{m['cardinal'][1]/m['prometheus'][1]:.2f}**\n")
cu = [r for r in rows if r["type"] == "catchup"]
if cu:
    out.append(f"Catch-up after a {cu[0]['outage_s']} s outage (sink answers 503), same targets and queue_config\n")
    out.append("| sender | backlog (samples) | time to catch up, s (runs) | delivered samples/s while catching up (runs) | median | CPU s per M samples (median) | load1 |")
    out.append("|---|---|---|---|---|---|---|")
    m = {}
    for sys_ in ("prometheus", "cardinal"):
        rs = [r for r in cu if r["system"] == sys_]
        if not rs: continue
        d = [r["delivered"] / r["seconds"] for r in rs]
        cpu = [r["cpu_s"] / (r["delivered"] / 1e6) if r["delivered"] else float("nan") for r in rs]
        m[sys_] = med(d)
        times = ", ".join("%.1f%s" % (r["seconds"], "" if r["caught_up"] else " (not caught up)") for r in rs)
        out.append(f"| {'Prometheus 2.42' if sys_=='prometheus' else 'Cardinal'} | {fmt(med([r['backlog'] for r in rs]))} | "
                   f"{times} | "
                   f"{', '.join(fmt(x) for x in d)} | **{fmt(med(d))}** | {fmt(med(cpu),2)} | {', '.join(str(r['load1']) for r in rs)} |")
    if len(m) == 2:
        out.append(f"\nRatio Cardinal/Prometheus: catch-up throughput **{m['cardinal']/m['prometheus']:.2f}**\n")
out.append(f"Command: `{meta['command']}` ({meta['date']}, git {meta['git']}, {meta['cores']} cores, {meta['java']}, Prometheus {meta['prometheus']})")
print("\n".join(out))
EOF
cat "$OUT/results.md"
for f in "$OUT"/cardinal-*-top.txt; do [ -f "$f" ] && { echo; echo "JFR top frames, $(basename "$f" -top.txt):"; cat "$f"; }; done
log "done; $(uptime_now)"
