# Shared by the side-by-side scripts of benchmarks/compare: sourced, not run. The caller sets
# `here` (the repository root) and `W` (its scratch directory) first.

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# Builds Cardinal if a jar is missing, and copies both jars into $W, so a rebuild during a long run
# cannot change what is measured. Sets CJAR, BJAR and CARDINAL_JAVA_OPTS (the server's own JVM
# options unless the caller's environment sets them).
prepare_jars() {
  if [ ! -f "$here/cli/target/cardinal.jar" ] || [ ! -f "$here/benchmarks/target/benchmarks.jar" ]; then
    log "building Cardinal (./mvnw -q -B -DskipTests install)"
    (cd "$here" && ./mvnw -q -B -DskipTests install >&2)
  fi
  cp "$here/cli/target/cardinal.jar" "$W/cardinal.jar"
  cp "$here/benchmarks/target/benchmarks.jar" "$W/benchmarks.jar"
  CJAR=$W/cardinal.jar BJAR=$W/benchmarks.jar
  CARDINAL_JAVA_OPTS=${CARDINAL_JAVA_OPTS:-$("$here/bin/server-jvm-options")}
}

# Every pid added to PIDS is killed on exit (SIGTERM, then SIGKILL a second later) and $W removed.
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
