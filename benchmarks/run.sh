#!/usr/bin/env bash
# One command for the benchmarks. Builds what it needs (reactor build of the library + benchmark modules
# with -Pbenchmarks, never `mvn install`; npm ci for the Node server), then runs the harness.
#   benchmarks/run.sh                 quick set (harness < 10 min, build excluded): 10k WS clients, 500 polling, 2 rounds
#   benchmarks/run.sh --full          19.5k WS clients, 9k polling clients, longer windows, 5 rounds
#   benchmarks/run.sh --pinned        server on core 0, generator on core 1 (taskset)
#   benchmarks/run.sh --jmh           the JMH suite for the hot paths instead
#   other options go to harness.py: --rounds N, --servers socketeer,node,..., --clients N, --duration S, --no-cross
#   benchmarks/run.sh --recovery-cost connection state recovery across nodes off vs on, per join/leave, set-data
#                                     and emit, on Redis Streams and Postgres (~5 min)
#   --skip-build                      reuse the last build
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
skip_build=0; jmh=0; recovery=0; args=()
for a in "$@"; do
  case "$a" in
    --skip-build) skip_build=1 ;;
    --jmh) jmh=1 ;;
    --recovery-cost) recovery=1; args+=("$a") ;;
    *) args+=("$a") ;;
  esac
done

# every process the harness starts is killed by the harness itself (by pid); this trap stops the harness
child=""
cleanup() { if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then kill "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi; }
trap cleanup EXIT INT TERM

for tool in java mvn node npm python3 taskset redis-server; do
  command -v "$tool" >/dev/null || { echo "run.sh: '$tool' is required" >&2; exit 2; }
done

t_build=$SECONDS
if [ "$skip_build" = 0 ] && [ "$recovery" = 1 ]; then
  # only the generator and the Socketeer app (with the Redis and Postgres adapters); no Node server
  echo "[run.sh] building the library, the generator and the Socketeer bench app (reactor package, tests skipped)" >&2
  mvn -q -B -Pbenchmarks -DskipTests -pl benchmarks/loadgen,benchmarks/socketeer-app -am package
  echo "[run.sh] build took $((SECONDS - t_build)) s" >&2
elif [ "$skip_build" = 0 ]; then
  echo "[run.sh] building the library and the benchmark modules (reactor package, tests skipped)" >&2
  mvn -q -B -Pbenchmarks -DskipTests \
    -pl benchmarks/loadgen,benchmarks/floor,benchmarks/netty-socketio,benchmarks/socketeer-app,benchmarks/jmh -am package
  echo "[run.sh] npm ci for the Node server" >&2
  (cd benchmarks/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "[run.sh] build took $((SECONDS - t_build)) s" >&2
fi

if [ "$jmh" = 1 ]; then
  java -cp "benchmarks/jmh/target/classes:benchmarks/jmh/target/lib/*" org.openjdk.jmh.Main \
    -f 1 -wi 3 -w 1s -i 5 -r 1s -rf json -rff "$ROOT/benchmarks/target/jmh.json" "${args[@]}" &
  child=$!; wait "$child"; exit $?
fi

t_run=$SECONDS
python3 benchmarks/harness.py "${args[@]}" &
child=$!
rc=0; wait "$child" || rc=$?
echo "[run.sh] harness took $((SECONDS - t_run)) s; total with the build $((SECONDS - t_build)) s" >&2
exit $rc
