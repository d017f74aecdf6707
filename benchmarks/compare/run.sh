#!/usr/bin/env bash
# Side by side with Prometheus 2.42: one command, same machine, same data, ratios in one run.
#
#   benchmarks/compare/run.sh [--large] [--jmh] [--profile] [--only=LIST] [--repeats=N] [--out=DIR]
#
#   --large      sweep up to the largest sizes a 24 GiB machine holds (hours, not minutes)
#   --jmh        also run the JMH suite with short settings (results kept in the output directory)
#   --profile    record JFR on Cardinal's largest ingestion run, larger query data set and first
#                restart (summarised in results.md); off by default because a recording costs
#                Cardinal CPU and latency that Prometheus does not pay in the same run
#   --only=LIST  comma-separated subset of: ingest,backfill,query,restart,explosion
#   --repeats=N  repetitions of every timed run (default 3 small, 3 large; ingestion/explosion 1 run
#                each with the median over measurement windows inside the run)
#   --out=DIR    output directory (default benchmarks/results/<UTC timestamp>)
#
# Workloads (docs/benchmarks.md, "Side by side with Prometheus 2.42"):
#   ingest     T targets x M series from an in-process target server (TargetServer), both servers
#              scrape the same prometheus.yml for a fixed time: CPU s per million samples
#              (SYSTEMS="cardinal" skips Prometheus for quick iterations; default "cardinal prometheus")
#              (/proc/<pid>/stat), bytes per active series (VmRSS; JVM heap too), swept over sizes
#   backfill   create-blocks-from openmetrics on the same file: samples/s, bytes per sample on disk
#   query      both servers on copies of the same blocks: median latency of queries.promql,
#              instant and range, alternating systems per repetition, after QUERY_WARMUP seconds
#              (default 20) of untimed passes over the set; each query's first time after start
#              is kept too
#   restart    the same un-compacted head (WAL + head chunks, WalGenerator): start to /-/ready
#   explosion  healthy targets plus one that adds new series every scrape, without and with limits
# Writes results.json, results.md, raw.jsonl, *.png and logs to the output directory.
# Every wait is bounded; servers bind 127.0.0.1; every process started here is killed on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SIZE=small JMH=0 PROFILE=0 ONLY="ingest,backfill,query,restart,explosion" REPEATS=3 OUT=""
for a in "$@"; do
  case $a in
    --large) SIZE=large ;;
    --jmh) JMH=1 ;;
    --profile) PROFILE=1 ;;
    --only=*) ONLY=${a#--only=} ;;
    --repeats=*) REPEATS=${a#--repeats=} ;;
    --out=*) OUT=${a#--out=} ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
ts=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$here/benchmarks/results/$ts}
mkdir -p "$OUT/work" "$OUT/logs"
OUT=$(cd "$OUT" && pwd)
W=$OUT/work
RAW=$OUT/raw.jsonl
: > "$RAW"
log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$OUT/logs/run.log" >&2; }
want() { [[ ",$ONLY," == *",$1,"* ]]; }

if [ "$SIZE" = small ]; then
  INGEST_SIZES="${INGEST_SIZES:-20x500 100x500}"     # targets x series per target: 10k, 50k series
  INTERVAL=${INTERVAL:-5}; WARM=${WARM:-20}; WINDOWS=${WINDOWS:-3}; WINDOW=${WINDOW:-10}
  BLOCK_SIZES="${BLOCK_SIZES:-10x200 50x200}"       # 2k, 10k series x 2h at 15s
  QUERY_REPS=${QUERY_REPS:-11}; QUERY_WARMUP=${QUERY_WARMUP:-20}
  WAL_SERIES=${WAL_SERIES:-1000000}; WAL_SAMPLES=${WAL_SAMPLES:-20}   # the issue's head of 1M series
  EXPLODE_HEALTHY="${EXPLODE_HEALTHY:-20x500}"; EXPLODE_NEW=${EXPLODE_NEW:-2000}; EXPLODE_SECONDS=${EXPLODE_SECONDS:-45}
  LOAD_POLLS=${LOAD_POLLS:-12}
else
  INGEST_SIZES="${INGEST_SIZES:-50x2000 250x2000 500x2000 1000x2000}"  # 100k .. 2M series
  INTERVAL=${INTERVAL:-10}; WARM=${WARM:-60}; WINDOWS=${WINDOWS:-5}; WINDOW=${WINDOW:-20}
  BLOCK_SIZES="${BLOCK_SIZES:-50x1000 200x1000}"                      # 50k, 200k series x 2h
  QUERY_REPS=${QUERY_REPS:-11}; QUERY_WARMUP=${QUERY_WARMUP:-60}
  WAL_SERIES=${WAL_SERIES:-2000000}; WAL_SAMPLES=${WAL_SAMPLES:-240}
  EXPLODE_HEALTHY="${EXPLODE_HEALTHY:-200x1000}"; EXPLODE_NEW=${EXPLODE_NEW:-20000}; EXPLODE_SECONDS=${EXPLODE_SECONDS:-120}
  LOAD_POLLS=${LOAD_POLLS:-60}
  # Cardinal's default heap (1/4 of RAM) would cap it near 6 GiB.
  CARDINAL_JAVA_OPTS=${CARDINAL_JAVA_OPTS:--Xmx16g $("$here/bin/server-jvm-options")}
fi
# Unless set, the JVM options bin/cardinal server uses (garbage collector and heap policy).
CARDINAL_JAVA_OPTS=${CARDINAL_JAVA_OPTS:-$("$here/bin/server-jvm-options")}

# ---- prerequisites --------------------------------------------------------------------------
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null || ! command -v gnuplot >/dev/null; then
  log "installing prometheus and gnuplot-nox from Debian"
  apt-get update -qq && apt-get install -y -qq prometheus gnuplot-nox >/dev/null
  (pkill -x prometheus || true) 2>/dev/null   # the Debian package starts a service; we run our own
fi
if [ ! -f "$here/cli/target/cardinal.jar" ] || [ ! -f "$here/benchmarks/target/benchmarks.jar" ]; then
  log "building Cardinal (./mvnw -q -B -DskipTests install)"
  (cd "$here" && ./mvnw -q -B -DskipTests install >&2)
fi
# Snapshot the jars: a rebuild by someone else mid-run must not change what is measured.
cp "$here/cli/target/cardinal.jar" "$W/cardinal.jar"
cp "$here/benchmarks/target/benchmarks.jar" "$W/benchmarks.jar"
CJAR=$W/cardinal.jar BJAR=$W/benchmarks.jar
TICK=$(getconf CLK_TCK)

# ---- process bookkeeping ----------------------------------------------------------------------
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
elapsed() { awk -v a="$(date +%s.%N)" -v b="$1" 'BEGIN{printf "%.3f\n", a-b}'; }   # seconds since $1
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
load1() { cut -d' ' -f1 /proc/loadavg; }
wait_quiet() { # poll (bounded) for load average below 1.5 before a measurement; returns the load seen
  local l
  for _ in $(seq 1 "$LOAD_POLLS"); do
    l=$(load1)
    awk -v l="$l" 'BEGIN{exit !(l < 1.5)}' && break
    sleep 10
  done
  load1
}
record() { echo "$1" >> "$RAW"; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
rss_bytes() { awk '/^VmRSS:/{print $2*1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
metric() { # port name [label filter]: sum of the metric's samples in /metrics
  curl -s --max-time 10 "http://127.0.0.1:$1/metrics" | awk -v n="$2" -v f="${3:-}" \
    '$1 ~ ("^" n "([{]|$)") && index($1, f) {s += $NF; found=1} END {if (found) printf "%.0f\n", s; else print 0}'
}
instant() { # port query: the first value of an instant query, or "null"
  curl -s --max-time 30 "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" \
    | jq -r '.data.result[0].value[1] // "null"' 2>/dev/null || echo null
}
wait_ready() { # port timeout_s -> prints seconds waited, or fails
  local t0 now
  t0=$(date +%s.%N)
  while true; do
    curl -sf --max-time 1 "http://127.0.0.1:$1/-/ready" >/dev/null 2>&1 && break
    now=$(date +%s.%N)
    if awk -v a="$now" -v b="$t0" -v m="$2" 'BEGIN{exit !(a-b > m)}'; then return 1; fi
    sleep 0.05
  done
  elapsed "$t0"
}
SPID=""
start_server() { # system datadir config port logname [extra flags...]: sets SPID
  local sys=$1 dir=$2 cfg=$3 port=$4 name=$5
  shift 5
  if [ "$sys" = prometheus ]; then
    prometheus --config.file="$cfg" --storage.tsdb.path="$dir" --web.listen-address="127.0.0.1:$port" \
      --storage.tsdb.retention.time=10y "$@" > "$OUT/logs/$name.log" 2>&1 &
  else
    # shellcheck disable=SC2086
    java $CARDINAL_JAVA_OPTS ${JFR_OPTS:-} -jar "$CJAR" server --config.file="$cfg" --storage.tsdb.path="$dir" \
      --web.listen-address="127.0.0.1:$port" --storage.tsdb.retention.time=10y "$@" > "$OUT/logs/$name.log" 2>&1 &
  fi
  SPID=$!
  PIDS+=("$SPID")
}
start_targets() { # targets perTarget newPerScrape: sets TPID, PORTS (array)
  rm -f "$W/ports"
  java -Xmx4g -cp "$BJAR" io.cardinal.bench.compare.TargetServer "$W/ports" "$1" "$2" "$3" 7200 \
    2>> "$OUT/logs/targets.log" &
  TPID=$!
  PIDS+=("$TPID")
  for _ in $(seq 1 600); do [ -f "$W/ports" ] && break; sleep 0.1; done
  [ -f "$W/ports" ] || { log "target server did not start"; exit 1; }
  mapfile -t PORTS < "$W/ports"
}
scrape_config() { # file healthyCount [explodePort explodeSampleLimit]
  {
    printf 'global:\n  scrape_interval: %ss\n  scrape_timeout: %ss\nscrape_configs:\n' "$INTERVAL" "$INTERVAL"
    printf '  - job_name: bench\n    static_configs:\n      - targets:\n'
    for ((i = 0; i < $2; i++)); do printf '          - 127.0.0.1:%s\n' "${PORTS[$i]}"; done
    if [ -n "${3:-}" ]; then
      printf '  - job_name: explode\n'
      [ "${4:-0}" != 0 ] && printf '    sample_limit: %s\n' "$4"
      printf '    static_configs:\n      - targets: ["127.0.0.1:%s"]\n' "$3"
    fi
  } > "$1"
}

HOST_JSON=$(printf '{"type":"meta","command":"%s","date":"%s","size":"%s","cores":%s,"mem_gib":%s,"java":"%s","prometheus":"%s","git":"%s","cardinal_java_opts":"%s","interval_s":%s}' \
  "benchmarks/compare/run.sh $*" "$ts" "$SIZE" "$(nproc)" "$(awk '/MemTotal/{printf "%.1f", $2/1048576}' /proc/meminfo)" \
  "$(java -version 2>&1 | head -1 | tr -d '"')" "$(prometheus --version 2>&1 | head -1 | awk '{print $3}')" \
  "$(cd "$here" && git rev-parse --short HEAD)" "$CARDINAL_JAVA_OPTS" "$INTERVAL")
record "$HOST_JSON"
log "output: $OUT (size $SIZE)"

# ---- 1. scrape ingestion -----------------------------------------------------------------------
ingest_run() { # sys targets perTarget sizeIndex rep
  local sys=$1 t=$2 m=$3 rep=$5 port dir load ready ticks samples i
  port=$(freeport); dir="$W/ingest-$sys"
  rm -rf "$dir"
  load=$(wait_quiet)
  JFR_OPTS=""
  if [ "$PROFILE" = 1 ] && [ "$sys" = cardinal ] && [ "$t" = "$LAST_T" ] && [ "$rep" = 1 ]; then
    JFR_OPTS="-XX:StartFlightRecording=filename=$OUT/cardinal-ingest.jfr,settings=profile"
  fi
  start_server "$sys" "$dir" "$W/ingest.yml" "$port" "ingest-$sys-$((t * m))-$rep"
  JFR_OPTS=""
  ready=$(wait_ready "$port" 120) || { log "$sys did not get ready"; stop "$SPID"; return; }
  sleep "$WARM"
  ticks="" samples="" rss="" stimes=""
  for ((i = 0; i <= WINDOWS; i++)); do
    [ "$i" -gt 0 ] && sleep "$WINDOW"
    ticks+="${ticks:+,}$(cpu_ticks "$SPID")"
    samples+="${samples:+,}$(metric "$port" prometheus_tsdb_head_samples_appended_total)"
    stimes+="${stimes:+,}$(date +%s.%N)"
    rss+="${rss:+,}$(rss_bytes "$SPID")"
  done
  local series heap up
  series=$(metric "$port" prometheus_tsdb_head_series)
  heap=$(metric "$port" jvm_memory_used_bytes 'area="heap"')
  up=$(instant "$port" 'sum(up{job="bench"})')
  record "$(printf '{"type":"ingest","system":"%s","targets":%s,"per_target":%s,"series_expected":%s,"rep":%s,"load":%s,"ready_s":%s,"tick_hz":%s,"cpu_ticks":[%s],"samples":[%s],"times":[%s],"rss":[%s],"head_series":%s,"heap_used":%s,"up":"%s","load_end":%s}' \
    "$sys" "$t" "$m" "$((t * m))" "$rep" "$load" "$ready" "$TICK" "$ticks" "$samples" "$stimes" "$rss" "$series" "$heap" "$up" "$(load1)")"
  log "ingest $sys $((t * m)) series: head_series=$series rss=$(rss_bytes "$SPID") up=$up"
  stop "$SPID"
}
if want ingest; then
  LAST_T=${INGEST_SIZES##* }; LAST_T=${LAST_T%x*}
  idx=0
  for sz in $INGEST_SIZES; do
    t=${sz%x*}; m=${sz#*x}
    log "ingest: $t targets x $m series, ${INTERVAL}s interval, ${WARM}s warm-up + ${WINDOWS}x${WINDOW}s"
    start_targets "$t" "$m" 0
    scrape_config "$W/ingest.yml" "$t"
    for ((rep = 1; rep <= ${INGEST_REPEATS:-1}; rep++)); do
      # Alternate which system goes first.
      if (( (idx + rep) % 2 == 0 )); then order="cardinal prometheus"; else order="prometheus cardinal"; fi
      for sys in $order; do
        [[ " ${SYSTEMS:-cardinal prometheus} " == *" $sys "* ]] || continue
        ingest_run "$sys" "$t" "$m" "$idx" "$rep"; done
    done
    stop "$TPID"
    idx=$((idx + 1))
  done
fi

# ---- 2. backfill and 3. queries on the same blocks ----------------------------------------------------
START_MS=1700006400000   # 2h-aligned: 2h of data make exactly one block, so neither server compacts
QT=$((START_MS / 1000 + 7185)); QS=$((START_MS / 1000 + 3600))
for sz in $BLOCK_SIZES; do
  want backfill || want query || break
  t=${sz%x*}; m=${sz#*x}; n=$((t * m))
  om="$W/data-$n.om"
  log "workload file: $t targets x $m series x 2h at 15s"
  java -cp "$BJAR" io.cardinal.bench.compare.ScrapeWorkload "$om" "$t" "$m" 2 15 "$START_MS" >> "$OUT/logs/generate.log"
  nsamples=$((n * 480))
  if want backfill; then
    ctool_ok=1
    java -jar "$CJAR" tsdb create-blocks-from openmetrics --help >/dev/null 2>&1 || ctool_ok=0
    for ((rep = 1; rep <= REPEATS; rep++)); do
      if (( rep % 2 == 1 )); then order="prometheus cardinal"; else order="cardinal prometheus"; fi
      for sys in $order; do
        out="$W/blocks-$sys-$n"
        rm -rf "$out"
        if [ "$sys" = cardinal ] && [ "$ctool_ok" = 0 ]; then
          record "$(printf '{"type":"backfill","system":"cardinal","series":%s,"samples":%s,"rep":%s,"pending":true}' "$n" "$nsamples" "$rep")"
          continue
        fi
        load=$(wait_quiet)
        t0=$(date +%s.%N)
        if [ "$sys" = prometheus ]; then
          timeout 1800 promtool tsdb create-blocks-from openmetrics "$om" "$out" > "$OUT/logs/backfill-$sys-$n-$rep.log" 2>&1
        else
          # shellcheck disable=SC2086
          timeout 1800 java $CARDINAL_JAVA_OPTS -jar "$CJAR" tsdb create-blocks-from openmetrics -q "$om" "$out" \
            > "$OUT/logs/backfill-$sys-$n-$rep.log" 2>&1
        fi
        secs=$(elapsed "$t0")
        bytes=$(du -sb "$out" | cut -f1)
        chunks=$(cat "$out"/*/chunks/* | wc -c)
        got=$(cat "$out"/*/meta.json | grep -Eo '"numSamples" ?: ?[0-9]+' | grep -Eo '[0-9]+$' | paste -sd+ | bc)
        record "$(printf '{"type":"backfill","system":"%s","series":%s,"samples":%s,"rep":%s,"load":%s,"seconds":%s,"bytes":%s,"chunk_bytes":%s}' \
          "$sys" "$n" "$got" "$rep" "$load" "$secs" "$bytes" "$chunks")"
        log "backfill $sys $n series: ${secs}s, $bytes bytes, $got samples"
      done
    done
  fi
  if want query; then
    src="$W/blocks-prometheus-$n"
    [ -d "$src" ] || timeout 1800 promtool tsdb create-blocks-from openmetrics "$om" "$src" > "$OUT/logs/backfill-prometheus-$n-q.log" 2>&1
    rm -rf "$W/q-prometheus" "$W/q-cardinal"
    cp -r "$src" "$W/q-prometheus"; cp -r "$src" "$W/q-cardinal"   # Cardinal reads Prometheus's blocks
    printf 'global:\n  scrape_interval: 1h\nscrape_configs: []\n' > "$W/empty.yml"
    pp=$(freeport); start_server prometheus "$W/q-prometheus" "$W/empty.yml" "$pp" "query-prometheus-$n"; ppid=$SPID
    cp=$(freeport)
    JFR_OPTS=""
    [ "$PROFILE" = 1 ] && [ "$sz" = "${BLOCK_SIZES##* }" ] && JFR_OPTS="-XX:StartFlightRecording=filename=$OUT/cardinal-query.jfr,settings=profile"
    start_server cardinal "$W/q-cardinal" "$W/empty.yml" "$cp" "query-cardinal-$n"; cpid=$SPID
    JFR_OPTS=""
    wait_ready "$pp" 120 >/dev/null || log "prometheus (query) not ready"
    wait_ready "$cp" 120 >/dev/null || log "cardinal (query) not ready"
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$cp/api/v1/query" --data-urlencode "query=up" --data-urlencode "time=$QT")
    load=$(wait_quiet)
    systems=("prometheus=http://127.0.0.1:$pp")
    if [ "$code" = 200 ]; then systems+=("cardinal=http://127.0.0.1:$cp"); else
      record "$(printf '{"type":"query_pending","series":%s,"http":"%s"}' "$n" "$code")"
      log "Cardinal /api/v1/query answered $code: query rows pending"
    fi
    log "queries on $n series (${QUERY_WARMUP}s warm-up, 3 rounds of $QUERY_REPS runs each, load $load)"
    timeout 3600 java -Dwarmup.seconds="$QUERY_WARMUP" -Danswers="$OUT/answers/$n" -cp "$BJAR" io.cardinal.bench.compare.QueryBench "$here/benchmarks/compare/queries.promql" \
      "$QT" "$QS" "$QT" 60 "$QUERY_REPS" "${systems[@]}" 2>> "$OUT/logs/query.log" \
      | while read -r line; do record "$(echo "$line" | jq -c --argjson n "$n" --argjson l "$load" '. + {type:"query",series:$n,load:$l}')"; done
    record "$(printf '{"type":"query_rss","series":%s,"prometheus_rss":%s,"cardinal_rss":%s}' "$n" "$(rss_bytes "$ppid")" "$(rss_bytes "$cpid")")"
    stop "$ppid"; stop "$cpid"
  fi
  rm -f "$om"
done

# ---- 4. restart: WAL replay of the same head ----------------------------------------------------
if want restart; then
  log "restart: WalGenerator $WAL_SERIES series x $WAL_SAMPLES samples"
  rm -rf "$W/wal-src"
  java -Xmx8g -cp "$BJAR" io.cardinal.bench.compare.WalGenerator "$W/wal-src" "$WAL_SERIES" "$WAL_SAMPLES" >> "$OUT/logs/generate.log" 2>&1
  walbytes=$(du -sb "$W/wal-src" | cut -f1)
  printf 'global:\n  scrape_interval: 1h\nscrape_configs: []\n' > "$W/empty.yml"
  for ((rep = 1; rep <= REPEATS; rep++)); do
    if (( rep % 2 == 1 )); then order="cardinal prometheus"; else order="prometheus cardinal"; fi
    for sys in $order; do
      rm -rf "$W/r-$sys"; cp -r "$W/wal-src" "$W/r-$sys"; sync
      load=$(wait_quiet)
      port=$(freeport)
      JFR_OPTS=""
      [ "$PROFILE" = 1 ] && [ "$sys" = cardinal ] && [ "$rep" = 1 ] && JFR_OPTS="-XX:StartFlightRecording=filename=$OUT/cardinal-restart.jfr,settings=profile"
      start_server "$sys" "$W/r-$sys" "$W/empty.yml" "$port" "restart-$sys-$rep"
      JFR_OPTS=""
      secs=$(wait_ready "$port" 900) || secs=null
      series=$(metric "$port" prometheus_tsdb_head_series)
      record "$(printf '{"type":"restart","system":"%s","series":%s,"samples_per_series":%s,"wal_bytes":%s,"rep":%s,"load":%s,"seconds_to_ready":%s,"head_series":%s,"rss":%s}' \
        "$sys" "$WAL_SERIES" "$WAL_SAMPLES" "$walbytes" "$rep" "$load" "$secs" "$series" "$(rss_bytes "$SPID")")"
      log "restart $sys: ${secs}s to ready, $series series"
      stop "$SPID"
    done
    rm -rf "$W/r-inproc"; cp -r "$W/wal-src" "$W/r-inproc"; sync
    # shellcheck disable=SC2086
    inproc=$(timeout 900 java $CARDINAL_JAVA_OPTS -cp "$BJAR" io.cardinal.bench.compare.ReplayOnce "$W/r-inproc" 2>> "$OUT/logs/replayonce.log" | tail -1)
    record "$(echo "$inproc" | jq -c --argjson r "$rep" '. + {type:"restart_inproc",rep:$r}' 2>/dev/null || echo '{"type":"restart_inproc","error":true}')"
  done
  rm -rf "$W/wal-src" "$W"/r-*
fi

# ---- 5. cardinality explosion -------------------------------------------------------------------
if want explosion; then
  t=${EXPLODE_HEALTHY%x*}; m=${EXPLODE_HEALTHY#*x}
  healthy=$((t * m))
  log "explosion: $healthy healthy series + 1 target adding $EXPLODE_NEW new series per scrape"
  start_targets "$t" "$m" "$EXPLODE_NEW"
  eport=${PORTS[$t]}
  limit=1000                    # the exploding target's own 250 steady series fit; the fresh ones do not
  maxseries=$((healthy + 5 * t + 5000))
  for mode in nolimit limit; do
    for sys in cardinal prometheus; do
      port=$(freeport); dir="$W/explode-$sys"; rm -rf "$dir"
      if [ "$mode" = limit ]; then scrape_config "$W/explode.yml" "$t" "$eport" "$limit"; else scrape_config "$W/explode.yml" "$t" "$eport" 0; fi
      extra=()
      [ "$mode" = limit ] && [ "$sys" = cardinal ] && extra=(--storage.tsdb.head.max-series="$maxseries")
      load=$(wait_quiet)
      start_server "$sys" "$dir" "$W/explode.yml" "$port" "explode-$sys-$mode" "${extra[@]}"
      wait_ready "$port" 120 >/dev/null || { log "$sys not ready"; stop "$SPID"; continue; }
      sleep 10
      c0=$(cpu_ticks "$SPID"); s0=$(metric "$port" prometheus_tsdb_head_samples_appended_total); t0=$(date +%s.%N)
      sleep "$EXPLODE_SECONDS"
      c1=$(cpu_ticks "$SPID"); s1=$(metric "$port" prometheus_tsdb_head_samples_appended_total); t1=$(date +%s.%N)
      win=30   # samples stored for one series per healthy target (target_info) over the last 30 s
      hs=$(instant "$port" "sum(count_over_time(target_info{job=\"bench\"}[${win}s]))")
      hup=$(instant "$port" 'avg(avg_over_time(up{job="bench"}[1m]))')
      eup=$(instant "$port" 'avg_over_time(up{job="explode"}[1m])')
      es=$(instant "$port" 'count({job="explode"})')
      record "$(printf '{"type":"explosion","system":"%s","mode":"%s","healthy_series":%s,"new_per_scrape":%s,"sample_limit":%s,"max_series":%s,"load":%s,"seconds":%s,"cpu_ticks":%s,"tick_hz":%s,"samples":%s,"head_series":%s,"rss":%s,"healthy_samples_window":"%s","healthy_expected_window":%s,"healthy_up":"%s","explode_up":"%s","explode_series_now":"%s"}' \
        "$sys" "$mode" "$healthy" "$EXPLODE_NEW" "$([ "$mode" = limit ] && echo $limit || echo 0)" \
        "$([ "$mode" = limit ] && [ "$sys" = cardinal ] && echo "$maxseries" || echo 0)" "$load" \
        "$(awk -v a="$t1" -v b="$t0" 'BEGIN{printf "%.3f", a-b}')" "$((c1 - c0))" "$TICK" "$((s1 - s0))" "$(metric "$port" prometheus_tsdb_head_series)" \
        "$(rss_bytes "$SPID")" "$hs" "$((t * win / INTERVAL))" "$hup" "$eup" "$es")"
      log "explosion $sys $mode: head_series=$(metric "$port" prometheus_tsdb_head_series) healthy_up=$hup explode_up=$eup"
      stop "$SPID"
    done
  done
  stop "$TPID"
fi

# ---- JMH -----------------------------------------------------------------------------------------------
if [ "$JMH" = 1 ]; then
  log "JMH suite, short settings"
  # shellcheck disable=SC2086
  timeout 3600 java -jar "$BJAR" -f 1 -wi 1 -w 1s -i 3 -r 1s -prof gc -rf json -rff "$OUT/jmh.json" \
    > "$OUT/jmh.txt" 2>&1 || log "JMH failed; see jmh.txt"
fi

# ---- JFR summaries, report ------------------------------------------------------------------------
for f in "$OUT"/*.jfr; do
  [ -f "$f" ] || continue
  jfr print --events jdk.ExecutionSample "$f" > "${f%.jfr}.samples.txt" 2>/dev/null || true
  jfr print --events jdk.ObjectAllocationSample "$f" > "${f%.jfr}.alloc.txt" 2>/dev/null || true
done
python3 "$here/benchmarks/compare/report.py" "$OUT"
rm -rf "$W"/blocks-* "$W"/q-* "$W"/ingest-* "$W"/explode-* "$W"/*.jar
log "done: $OUT/results.md"
