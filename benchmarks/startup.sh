#!/usr/bin/env bash
# Startup of the sample app (see benchmarks/README.md, "Startup"): builds the sample's jar with Spring AOT's code in
# it (`-Paot`, reactor package, tests skipped, never `mvn install`) and the Node reference server's modules, then runs
# benchmarks/startup.py: plain, CDS and Spring AOT + CDS on the default JDK; plain, AOT cache and Spring AOT + AOT
# cache on a JDK 24+ under /usr/lib/jvm when there is one; Node.js socket.io as the reference.
#   benchmarks/startup.sh                 7 runs per mode, docs/benchmarks/startup-<date>.md
#   benchmarks/startup.sh --runs 3        other options: --out DIR, --no-node, --skip-build
set -euo pipefail
cd "$(dirname "$0")/.."
skip_build=0; args=()
for a in "$@"; do
  case "$a" in
    --skip-build) skip_build=1 ;;
    *) args+=("$a") ;;
  esac
done
for tool in java mvn node npm python3; do
  command -v "$tool" >/dev/null || { echo "startup.sh: '$tool' is required" >&2; exit 2; }
done
if [ "$skip_build" = 0 ]; then
  echo "[startup.sh] building the sample app with Spring AOT (reactor package -Paot, tests skipped)" >&2
  mvn -q -B -Paot -DskipTests -pl sample-app -am package
  (cd benchmarks/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
exec python3 benchmarks/startup.py "${args[@]}"
