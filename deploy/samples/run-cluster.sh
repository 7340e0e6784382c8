#!/usr/bin/env bash
# One command for the samples as the Socket.IO tutorials deploy them: a redis-server, three sample-app nodes on the
# Redis adapter and a load balancer in front of them, all on this machine. Ctrl-C stops everything.
#
#   deploy/samples/run-cluster.sh            # then open http://localhost:8080/ (chat) and
#                                            #           http://localhost:8080/private-messaging/
#   PROFILE=streams deploy/samples/run-cluster.sh                 # the chat tutorial's last step: recovery on any node
#   BALANCER=nginx PROFILE=streams deploy/samples/run-cluster.sh  # the same behind nginx
#
# PROFILE: the nodes' Spring profile: "redis" (the default: the classic Redis adapter, as private messaging part IV
# does) or "streams" (the Redis adapter in streams mode with connection state recovery: a client whose node goes away
# recovers on another node with its id and the messages it missed, as in the chat tutorial's last step).
# BALANCER: "haproxy" (the default: deploy/haproxy/haproxy.cfg, sticky by the cookie HAProxy inserts, so every browser
# gets its node), "nginx" (deploy/nginx/socketio.conf without its hash line, i.e. round robin, and the nodes started
# with socketio.cluster.sticky-sessions=false: they serve each other's long-polling requests, and the browsers of this
# machine spread over the three nodes) or "nginx-hash" (deploy/nginx/socketio.conf as shipped, `hash $remote_addr
# consistent`: right for clients with their own addresses, but every browser of this machine has 127.0.0.1 and lands
# on one node).
#
# Needs what the README's build needs (JDK 17+, Maven, Node/npm), plus redis-server and haproxy or nginx (Debian:
# apt-get install redis-server haproxy nginx). Ports: PORT (8080) for the balancer, NODE_PORTS ("8081 8082 8083") for
# the nodes, REDIS_PORT (6390, not your own Redis's 6379) for a throw-away redis-server.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PORT=${PORT:-8080}
read -r -a NODE_PORTS <<< "${NODE_PORTS:-8081 8082 8083}"
REDIS_PORT=${REDIS_PORT:-6390}
PROFILE=${PROFILE:-redis}
BALANCER=${BALANCER:-haproxy}
WORK=$(mktemp -d /tmp/socketeer-cluster.XXXXXX)
PIDS=()

log() { printf '[cluster] %s\n' "$*"; }
stop() {
  log "stopping"
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap stop EXIT
trap 'exit 0' INT TERM

case "$PROFILE" in redis|streams) ;; *) log "PROFILE must be redis or streams"; exit 1 ;; esac
case "$BALANCER" in
  haproxy) BALANCER_BIN=haproxy ;;
  nginx|nginx-hash) BALANCER_BIN=nginx ;;
  *) log "BALANCER must be haproxy, nginx or nginx-hash"; exit 1 ;;
esac
NODE_ARGS=()
if [ "$BALANCER" = nginx ]; then NODE_ARGS+=(--socketio.cluster.sticky-sessions=false); fi
export PATH=$PATH:/usr/sbin
for tool in redis-server "$BALANCER_BIN" java mvn curl; do
  command -v "$tool" >/dev/null || { log "$tool not found (apt-get install redis-server $BALANCER_BIN)"; exit 1; }
done
[ "${#NODE_PORTS[@]}" -eq 3 ] || { log "NODE_PORTS must list three ports"; exit 1; }

log "building the sample app"
(cd "$REPO" && mvn -B -q -DskipTests -pl sample-app -am package)
JAR=$(ls "$REPO"/sample-app/target/sample-app-*.jar | grep -v -e sources -e javadoc | head -n1)

log "redis-server on port $REDIS_PORT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" \
  --logfile "$WORK/redis.log" &
PIDS+=($!)

# the chat's sign-in tokens must verify on every node: one secret for the three
SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
for port in "${NODE_PORTS[@]}"; do
  log "node on port $port (log: $WORK/node-$port.log)"
  CHAT_TOKEN_SECRET=$SECRET java -jar "$JAR" --spring.profiles.active="$PROFILE" --server.port="$port" \
    --spring.data.redis.host=127.0.0.1 --spring.data.redis.port="$REDIS_PORT" ${NODE_ARGS[@]+"${NODE_ARGS[@]}"} \
    > "$WORK/node-$port.log" 2>&1 &
  PIDS+=($!)
done

nodes=(-e "s/10\.0\.0\.11:8080/127.0.0.1:${NODE_PORTS[0]}/" -e "s/10\.0\.0\.12:8080/127.0.0.1:${NODE_PORTS[1]}/"
       -e "s/10\.0\.0\.13:8080/127.0.0.1:${NODE_PORTS[2]}/")
if [ "$BALANCER" = haproxy ]; then
  sed "${nodes[@]}" -e "s/^    bind :80$/    bind 127.0.0.1:${PORT}/" "$REPO/deploy/haproxy/haproxy.cfg" > "$WORK/haproxy.cfg"
  log "HAProxy on port $PORT (log: $WORK/balancer.log)"
  haproxy -db -f "$WORK/haproxy.cfg" > "$WORK/balancer.log" 2>&1 &
else
  # deploy/nginx/socketio.conf is an http { } include: a minimal nginx.conf around it, everything in $WORK
  hash=()
  if [ "$BALANCER" = nginx ]; then hash=(-e 's/^    hash \$remote_addr consistent;$/    # round robin/'); fi
  sed "${nodes[@]}" ${hash[@]+"${hash[@]}"} -e "s/^    listen 80;$/    listen 127.0.0.1:${PORT};/" \
    "$REPO/deploy/nginx/socketio.conf" > "$WORK/socketio.conf"
  mkdir -p "$WORK/nginx"
  user=""
  if [ "$(id -u)" -eq 0 ]; then user="user root root;"; fi
  cat > "$WORK/nginx.conf" <<EOF
$user
pid $WORK/nginx.pid;
error_log $WORK/balancer.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/client_body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    include $WORK/socketio.conf;
}
EOF
  log "nginx ($BALANCER) on port $PORT (log: $WORK/balancer.log)"
  nginx -p "$WORK/nginx" -c "$WORK/nginx.conf" -e "$WORK/balancer.log" -g 'daemon off;' &
fi
PIDS+=($!)

for port in "${NODE_PORTS[@]}"; do
  for _ in $(seq 1 120); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.5
  done
  curl -fs -o /dev/null "http://127.0.0.1:$port/" || { log "node $port did not start:"; tail -n 30 "$WORK/node-$port.log"; exit 1; }
done
# HAProxy marks a node up after two good health checks (2 s apart): wait until the balancer serves the page
for _ in $(seq 1 60); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/private-messaging/" && break
  sleep 0.5
done
log "ready: http://localhost:$PORT/ (chat) and http://localhost:$PORT/private-messaging/ — Ctrl-C stops"
wait
