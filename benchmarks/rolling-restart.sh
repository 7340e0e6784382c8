#!/usr/bin/env bash
# A rolling restart under continuous room broadcasts, Socketeer against Node.js (see benchmarks/README.md, "Rolling
# restart"): the scenario of RollingRestartRecoveryTestBase (three nodes behind a round-robin balancer, 300 npm
# socket.io-client clients with connection state recovery in 30 rooms, 200 room broadcasts/s from a fourth node, each
# node SIGTERMed and started again in turn) run through the library's test harness on
#   - Node.js socket.io 4.8 on @socket.io/redis-streams-adapter 0.3.1 (NodeStreamsRollingRestartReference),
#   - Socketeer on its Redis Streams adapter (RedisStreamsRollingRestartRecoveryTest),
#   - Socketeer on its Postgres adapter (PostgresRollingRestartRecoveryTest),
# each --runs times (one Maven run per round, the three sides in it), then writes the table of every run to
# docs/benchmarks/rolling-restart-<UTC date>.md (benchmarks/rolling-restart.py).
#   benchmarks/rolling-restart.sh                  3 rounds
#   benchmarks/rolling-restart.sh --runs 1         other options: --sides node,streams,postgres (any of them),
#                                                  --out FILE (the markdown), --keep DIR (the raw JSON lines there)
# Needs JDK 17+, Maven, Node 18+ with npm (Maven runs `npm ci` in the test harness when its lockfile changed),
# Python 3, redis-server and PostgreSQL's binaries (as the library's tests). A Socketeer run that fails its
# assertions still reports its figures; the Maven failure is noted beside them.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3; sides="node,streams,postgres"; out=""; keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --sides) sides="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    *) echo "rolling-restart.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in java mvn node npm python3 redis-server; do
  command -v "$tool" >/dev/null || { echo "rolling-restart.sh: '$tool' is required" >&2; exit 2; }
done

classes=()
for side in ${sides//,/ }; do
  case "$side" in
    node) classes+=(NodeStreamsRollingRestartReference) ;;
    streams) classes+=(RedisStreamsRollingRestartRecoveryTest) ;;
    postgres) classes+=(PostgresRollingRestartRecoveryTest) ;;
    *) echo "rolling-restart.sh: unknown side $side (node, streams, postgres)" >&2; exit 2 ;;
  esac
done
tests=$(IFS=,; echo "${classes[*]}")

work=$(mktemp -d -t rolling-restart.XXXXXX)
trap 'rm -rf "$work"' EXIT
date=$(date -u +%F)
out=${out:-docs/benchmarks/rolling-restart-$date.md}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%s)

for round in $(seq 1 "$runs"); do
  echo "[rolling-restart.sh] round $round of $runs: $tests" >&2
  touch "$work/runs.jsonl"
  before=$(wc -l < "$work/runs.jsonl")
  # OnBootModules*Test (the module's second surefire execution) is left out: -Dsocketeer.test.bootModules=none
  set +e
  mvn -B -q -pl socketio-spring-boot-autoconfigure test -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false \
      -Dsocketeer.test.bootModules=none -Dsocketeer.measure=true \
      -Dsocketeer.rollingRestart.report="$work/runs.jsonl" > "$work/mvn-$round.log" 2>&1
  rc=$?
  set -e
  after=$(wc -l < "$work/runs.jsonl")
  echo "{\"round\": $round, \"rc\": $rc, \"lines\": [$before, $after]}" >> "$work/rounds.jsonl"
  if [ "$rc" != 0 ]; then
    echo "[rolling-restart.sh] round $round: Maven exited $rc (the report quotes its failures)" >&2
    grep -E '^\[ERROR\] +[A-Za-z]+(Test|Reference)>' "$work/mvn-$round.log" | cut -c1-200 >&2 || true
  fi
done

{
  echo "commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!docs' || echo ' (dirty)')"
  echo "seconds=$(( $(date -u +%s) - started ))"
  echo "load_before=$load_before"
  echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "java=$(java -version 2>&1 | head -1)"
  echo "node=$(node --version)"
  echo "redis=$(redis-server --version | cut -d' ' -f3)"
  pg=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  echo "postgres=$([ -n "$pg" ] && "$pg/postgres" --version || echo '?')"
  echo "runs=$runs"
  echo "sides=$sides"
} > "$work/meta.txt"

if [ -n "$keep" ]; then
  mkdir -p "$keep" && cp "$work"/* "$keep"/
fi
python3 benchmarks/rolling-restart.py "$work" "$out"
echo "[rolling-restart.sh] wrote $out" >&2
