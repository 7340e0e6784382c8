#!/usr/bin/env bash
# The soak (see benchmarks/README.md): builds the bench app with the library (reactor package, tests skipped, never
# `mvn install`) and the soak's npm client, then runs benchmarks/soak.py.
#   benchmarks/soak.sh                    30 minutes of mixed traffic at two nodes on Redis, a Redis restart halfway
#   benchmarks/soak.sh --minutes 5        a shorter run; other options: --ws-clients N, --poll-clients N,
#                                         --redis-outage S, --out DIR, --skip-build
set -euo pipefail
cd "$(dirname "$0")/.."
skip_build=0; args=()
for a in "$@"; do
  case "$a" in
    --skip-build) skip_build=1 ;;
    *) args+=("$a") ;;
  esac
done

child=""
cleanup() { if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then kill "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi; }
trap cleanup EXIT INT TERM

for tool in java jcmd mvn node npm python3 redis-server; do
  command -v "$tool" >/dev/null || { echo "soak.sh: '$tool' is required" >&2; exit 2; }
done

if [ "$skip_build" = 0 ]; then
  echo "[soak.sh] building the bench app and the library (reactor clean package, tests skipped)" >&2
  # clean: an incremental build keeps bench classes compiled against an older library API (a NoSuchMethodError
  # at run time, once seen here after a merge changed Socket.join's return type)
  mvn -q -B -Pbenchmarks -DskipTests -pl benchmarks/socketeer-app -am clean package
  (cd benchmarks/soak && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

python3 benchmarks/soak.py "${args[@]}" &
child=$!
wait "$child"
