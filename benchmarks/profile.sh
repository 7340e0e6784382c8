#!/usr/bin/env bash
# CPU profile of a server under one load scenario, in steady state, with async-profiler (kernel frames included).
#   benchmarks/profile.sh single|annotated|cross|floor|node [scenario] [clients]
#     single  the Socketeer bench app, in-memory adapter
#     annotated  the same handlers as an annotated controller (blocking by default; ANNOTATED_ARGS adds properties,
#             e.g. --socketio.handler.non-blocking-by-default=true)
#     cross   two Socketeer nodes and a Redis (free ports), broadcasts from the first node
#     floor   the bare Reactor Netty floor;  node  Node socket.io (measured, not profiled)
#   scenario: fanout-max (default), fanout-fixed, ack, poll-ack (N long-polling clients, at most 9000, 200 of
#   them in the ack loop), or ws-connect (profiles the connect storm itself);
#   clients: 10000 by default
# Environment: WARM (s of load before the profile starts, default 14), SECONDS_PROFILED (default 10),
#   LIB (a directory whose socketio-spring-boot-autoconfigure jar goes first on the class path, for an A/B run),
#   NOPROF=1 (measure only), EVENT (async-profiler event, default cpu).
# Needs a build (benchmarks/run.sh builds; or --skip-build after one). Output: benchmarks/target/profile/<name>/:
# the generator's RESULT line and one collapsed-stack file per JVM (flame graph input; `prof-<pid>.collapsed`).
set -euo pipefail
cd "$(dirname "$0")/.."
B=$(pwd)/benchmarks
MODE=${1:?single, annotated, cross, floor or node}; SCEN=${2:-fanout-max}; N=${3:-10000}
WARM=${WARM:-14}; PROFILED=${SECONDS_PROFILED:-10}; EVENT=${EVENT:-cpu}
OUT=$B/target/profile/$MODE-$SCEN-$(date +%H%M%S); mkdir -p "$OUT"
AP=$B/target/async-profiler/linux-x64/libasyncProfiler.so
if [ ! -f "$AP" ] && [ -z "${NOPROF:-}" ]; then
  mvn -q -B dependency:copy -Dartifact=tools.profiler:async-profiler:3.0 -DoutputDirectory="$B/target/async-profiler"
  (cd "$B/target/async-profiler" && unzip -q -o async-profiler-3.0.jar 'linux-x64/*')
fi
JOPTS=(-Xms32m -Xmx1g -XX:+UseG1GC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:MaxDirectMemorySize=512m -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints)
# glibc's free malloc memory back to the system every 5 s, as harness.py runs the JVMs (JDK 17.0.9+)
if java -XX:TrimNativeHeapInterval=5000 -version > /dev/null 2>&1; then JOPTS+=(-XX:TrimNativeHeapInterval=5000); fi
CP="$B/socketeer-app/target/classes:${LIB:+$LIB/*:}$B/socketeer-app/target/lib/*"
pids=(); urls=(); aux=""; kind=jvm
trap 'kill ${pids[*]:-} $aux 2>/dev/null || true; wait 2>/dev/null || true' EXIT
# three free ports in a row (a server of the previous run may still be going away on the old ones)
P0=$(python3 -c 'import socket,random
while True:
    p = random.randrange(20000, 30000, 3); ok = True
    for q in (p, p + 1, p + 2):
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try: s.bind(("127.0.0.1", q))
        except OSError: ok = False
        finally: s.close()
    if ok: print(p); break')
P1=$((P0 + 1)); P2=$((P0 + 2))
case $MODE in
  cross)
    redis-server --port $P0 --bind 127.0.0.1 --save "" --appendonly no > "$OUT/redis.log" 2>&1 & aux=$!
    for p in $P1 $P2; do
      java "${JOPTS[@]}" -cp "$CP" dev.socketeer.bench.app.BenchApplication --server.port=$p --socketio.adapter.type=redis \
        --spring.data.redis.host=127.0.0.1 --spring.data.redis.port=$P0 > "$OUT/server-$p.log" 2>&1 &
      pids+=($!); urls+=("http://127.0.0.1:$p/socket.io/")
    done ;;
  single)
    java "${JOPTS[@]}" -cp "$CP" dev.socketeer.bench.app.BenchApplication --server.port=$P1 > "$OUT/server.log" 2>&1 &
    pids+=($!); urls+=("http://127.0.0.1:$P1/socket.io/") ;;
  annotated)
    # shellcheck disable=SC2086
    java "${JOPTS[@]}" -cp "$CP" dev.socketeer.bench.annotated.AnnotatedBenchApplication --server.port=$P1 \
      ${ANNOTATED_ARGS:-} > "$OUT/server.log" 2>&1 &
    pids+=($!); urls+=("http://127.0.0.1:$P1/socket.io/") ;;
  floor)
    PORT=$P1 java "${JOPTS[@]}" -cp "$B/floor/target/classes:$B/floor/target/lib/*" dev.socketeer.bench.floor.FloorServer \
      > "$OUT/server.log" 2>&1 &
    pids+=($!); urls+=("http://127.0.0.1:$P1/socket.io/") ;;
  node)
    kind=node
    PORT=$P1 MEMDIR="$OUT" node --max-old-space-size=1024 --expose-gc "$B/node/server.js" > "$OUT/server.log" 2>&1 &
    pids+=($!); urls+=("http://127.0.0.1:$P1/socket.io/") ;;
  *) echo "unknown mode $MODE" >&2; exit 2 ;;
esac
for u in "${urls[@]}"; do
  p=${u#http://127.0.0.1:}; p=${p%%/*}
  for _ in $(seq 1 240); do (echo > /dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.5; done
done
sleep 2
PIDS=$(IFS=,; echo "${pids[*]}"); URLS=$(IFS=,; echo "${urls[*]}")
SCENS=ws-connect; [ "$SCEN" = ws-connect ] || SCENS="ws-connect,$SCEN"
POLLS=0
if [ "$SCEN" = poll-ack ]; then SCENS="poll-connect,poll-ack"; POLLS=$((N < 9000 ? N : 9000)); fi
JVM_PIDS=$([ $kind = jvm ] && echo "$PIDS" || true); NODE_PIDS=$([ $kind = node ] && echo "$PIDS" || true)
java -Xms512m -Xmx2g -XX:+UseParallelGC -cp "$B/loadgen/target/classes:$B/loadgen/target/lib/*" \
  dev.socketeer.bench.loadgen.LoadGen --urls "$URLS" --pids "$PIDS" --jvm-pids "$JVM_PIDS" --node-pids "$NODE_PIDS" \
  --aux-pids "$aux" --scenarios "$SCENS" --label "$MODE" --source-prefix "127.$((RANDOM % 200 + 20)).$((RANDOM % 250))." \
  --node-memdir "$OUT" --clients "$N" --poll-clients "$POLLS" --rooms 100 --payload 100 --rate 200 --window 16 --warmup 2 \
  --duration $((WARM + PROFILED + 2)) --ack-clients 1000 --poll-ack-clients 200 --settle 2 --threads 2 \
  --connect-concurrency 200 --connect-timeout 120 > "$OUT/loadgen.out" 2> "$OUT/loadgen.err" &
lg=$!
if [ "$SCEN" = ws-connect ] && [ $kind = jvm ] && [ -z "${NOPROF:-}" ]; then
  # the connect storm itself: profiled from the first handshake to the last
  for p in "${pids[@]}"; do jcmd "$p" JVMTI.agent_load "$AP" "\"start,event=$EVENT,interval=1ms\"" > /dev/null; done
fi
until grep -q "connected in" "$OUT/loadgen.err" 2>/dev/null; do kill -0 $lg 2>/dev/null || break; sleep 0.5; done
if [ "$SCEN" = ws-connect ] && [ $kind = jvm ] && [ -z "${NOPROF:-}" ]; then
  for p in "${pids[@]}"; do
    jcmd "$p" JVMTI.agent_load "$AP" "\"stop,file=$OUT/prof-$p.collapsed,collapsed\"" > /dev/null
  done
elif [ $kind = jvm ] && [ -z "${NOPROF:-}" ]; then
  sleep $((4 + WARM))  # settle + the generator's own warm-up + WARM seconds of load
  # jcmd treats a=b arguments as its own options: the agent's option string goes in quotes
  for p in "${pids[@]}"; do jcmd "$p" JVMTI.agent_load "$AP" "\"start,event=$EVENT,interval=1ms\"" > /dev/null; done
  sleep "$PROFILED"
  for p in "${pids[@]}"; do
    jcmd "$p" JVMTI.agent_load "$AP" "\"stop,file=$OUT/prof-$p.collapsed,collapsed\"" > /dev/null
  done
fi
wait $lg || true
grep -h "^\[loadgen\]" "$OUT/loadgen.err" || true
grep -h "^RESULT" "$OUT/loadgen.out" | head -c 2000; echo
echo "output: $OUT"
