#!/usr/bin/env bash
# Long-polling round trips through round-robin nginx (forwarded over Redis, socketio.cluster.sticky-sessions=false)
# vs sticky nginx vs one node, and (with --cluster-engine) Node socket.io nodes on @socket.io/cluster-engine behind the
# same nginx set-ups in the same run: builds the bench app with the library (reactor package, tests skipped, never
# `mvn install`), the npm client and the Node server, then runs benchmarks/polling-forwarding.py.
#   benchmarks/polling-forwarding.sh [--clients 100] [--seconds 20] [--rounds 2] [--skip-build]
#     [--cluster-engine <dist/index.js of @socket.io/cluster-engine built from source>: adds Node nodes on it]
set -euo pipefail
cd "$(dirname "$0")/.."
skip_build=0; args=()
for a in "$@"; do
  case "$a" in
    --skip-build) skip_build=1 ;;
    *) args+=("$a") ;;
  esac
done
for tool in java mvn node npm python3 redis-server nginx; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "polling-forwarding.sh: '$tool' is required" >&2; exit 2; }
done
if [ "$skip_build" = 0 ]; then
  mvn -q -B -Pbenchmarks -DskipTests -pl benchmarks/socketeer-app -am clean package
  (cd benchmarks/forwarding && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  (cd benchmarks/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
exec python3 benchmarks/polling-forwarding.py "${args[@]}"
