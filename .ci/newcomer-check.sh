#!/usr/bin/env bash
# The newcomer check: a brand-new Spring Boot 4.1 WebFlux application, in a fresh directory outside the repository,
# built from the README's "Getting started" section alone (its install command, dependency blocks, handler class and
# YAML are read from README.md, not copied here), tested with real socket.io-client instances:
#   1. in-memory adapter, one node;
#   2. switched to Redis (one Boot-managed dependency + properties), two nodes on a throw-away redis-server;
#   3. switched to PostgreSQL the same way, two nodes on a throw-away PostgreSQL cluster;
#   4. the start.spring.io mistake (spring-boot-starter-web added): startup fails with the report that says why.
# Backends run on free ports (never 6379/5432). The library is installed into a copy of the local Maven repository
# (SOCKETEER_NEWCOMER_M2 to choose another), so the user's own repository is never touched.
# Usage: .ci/newcomer-check.sh   (KEEP=1 keeps the work directory)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
README="$REPO/README.md"
HERE="$REPO/.ci/newcomer"
WORK=$(mktemp -d /tmp/socketeer-newcomer.XXXXXX)
APP="$WORK/app"
M2="${SOCKETEER_NEWCOMER_M2:-$WORK/m2}"
PIDS=()
PGDATA_DIR=""
STARTED=$SECONDS

log() { printf '[newcomer %3ds] %s\n' "$((SECONDS - STARTED))" "$*"; }
die() { log "FAILED: $*"; exit 1; }

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$PGDATA_DIR" ]; then rm -rf "$PGDATA_DIR"; fi
  if [ "${KEEP:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

block() { # block <context> <language>: a code block of the README's "Getting started"
  node "$HERE/readme-blocks.mjs" "$README" "Getting started" "$1" "$2"
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

mvn_newcomer() { mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$M2" "$@"; }

as_postgres() { # PostgreSQL refuses to run as root; its programs run in a directory they can enter
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$PGDATA_DIR" && runuser -u postgres -- "$@")
  else
    (cd "$PGDATA_DIR" && "$@")
  fi
}

# --- the newcomer's application, as start.spring.io generates it (Maven, Java 17, "Spring Reactive Web";
#     test dependencies left out), plus the README's dependency blocks given as arguments
write_pom() {
  {
    cat <<'POM'
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>4.1.0</version>
    <relativePath/>
  </parent>
  <groupId>com.example</groupId>
  <artifactId>newcomer</artifactId>
  <version>0.0.1-SNAPSHOT</version>
  <properties>
    <java.version>17</java.version>
  </properties>
  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-webflux</artifactId>
    </dependency>
POM
    local extra
    for extra in "$@"; do
      printf '%s\n' "$extra" | sed 's/^/    /'
    done
    cat <<'POM'
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-maven-plugin</artifactId>
      </plugin>
    </plugins>
  </build>
</project>
POM
  } > "$APP/pom.xml"
}

build_app() {
  log "building the application ($1)"
  (cd "$APP" && mvn_newcomer -DskipTests clean package) || die "the application does not build ($1)"
}

# start_node <name> <port> [args...]: runs the jar, waits for the startup line, prints it
start_node() {
  local name=$1 port=$2
  shift 2
  : > "$WORK/$name.log"
  java -jar "$APP/target/newcomer-0.0.1-SNAPSHOT.jar" --server.port="$port" "$@" > "$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  local pid=$! waited=0
  until grep -q "Socket.IO serving" "$WORK/$name.log"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$WORK/$name.log"
      die "$name exited before serving Socket.IO"
    fi
    if [ "$waited" -ge 120 ]; then
      cat "$WORK/$name.log"
      die "$name did not start within 60 s"
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  grep -o "Socket.IO serving.*" "$WORK/$name.log"
}

stop_nodes() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}

expect_line() { # expect_line <node> <text>
  grep -qF "$2" "$WORK/$1.log" || { cat "$WORK/$1.log"; die "$1's log lacks: $2"; }
}

clients() { # clients <urlA> <urlB>
  (cd "$WORK/client" && node client-check.mjs "$1" "$2") || die "the client check failed"
}

# --- 0. prerequisites: Node's socket.io-client from the test harness (npm ci when missing), a Maven repository
log "work directory $WORK"
(cd "$REPO/socketio-spring-boot-autoconfigure/src/test/js" && node ensure-deps.mjs >/dev/null)
mkdir -p "$WORK/client" "$APP/src/main/java/com/example/newcomer" "$APP/src/main/resources"
ln -s "$REPO/socketio-spring-boot-autoconfigure/src/test/js/node_modules" "$WORK/client/node_modules"
cp "$HERE/client-check.mjs" "$WORK/client/"
if [ -z "${SOCKETEER_NEWCOMER_M2:-}" ] && [ -d "$HOME/.m2/repository" ]; then
  log "copying the local Maven repository (the snapshot is installed into the copy)"
  cp -a "$HOME/.m2/repository" "$M2"
fi

# --- 1. "Get the library": the README's mvn command(s), in the repository
install=$(block "1. Get the library" bash | grep '^mvn ' || true)
[ -n "$install" ] || die "no mvn command in the README's \"1. Get the library\""
log "installing the library: $install"
while IFS= read -r command; do
  # shellcheck disable=SC2086 # the README's command, word-split as a shell would
  (cd "$REPO" && ${command/#mvn /mvn -q -Dstyle.color=never -Dmaven.repo.local=$M2 }) || die "the README's install command failed"
done <<< "$install"
[ -f "$M2/dev/socketeer/socketio-spring-boot-starter/0.1.0-SNAPSHOT/socketio-spring-boot-starter-0.1.0-SNAPSHOT.jar" ] \
  || die "the starter was not installed"
[ ! -e "$M2/dev/socketeer/sample-app" ] || die "the install put the sample app into the local repository"
for artifact in socketio-spring-boot-autoconfigure socketio-spring-boot-starter; do
  for classifier in sources javadoc; do
    [ -f "$M2/dev/socketeer/$artifact/0.1.0-SNAPSHOT/$artifact-0.1.0-SNAPSHOT-$classifier.jar" ] \
      || die "no $classifier jar for $artifact"
  done
done

# --- 2. a new application with the README's dependency and handler
starter=$(block "2. Add the dependency" xml)
{
  echo "package com.example.newcomer;"
  echo
  block "3. Handle events" java
} > "$APP/src/main/java/com/example/newcomer/ChatController.java"
cat > "$APP/src/main/java/com/example/newcomer/NewcomerApplication.java" <<'JAVA'
package com.example.newcomer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class NewcomerApplication {

    public static void main(String[] args) {
        SpringApplication.run(NewcomerApplication.class, args);
    }
}
JAVA

log "step 1: in-memory adapter, one node"
write_pom "$starter"
build_app "memory"
P1=$(free_port)
start_node memory "$P1"
expect_line memory "adapter: memory (this node only)"
clients "http://127.0.0.1:$P1" "http://127.0.0.1:$P1"
stop_nodes

log "step 2: Redis adapter, two nodes"
write_pom "$starter" "$(block Redis xml)"
block Redis yaml > "$APP/src/main/resources/application.yml"
build_app "redis"
RP=$(free_port)
redis-server --port "$RP" --bind 127.0.0.1 --save "" --appendonly no > "$WORK/redis.log" 2>&1 &
PIDS+=($!)
P1=$(free_port)
P2=$(free_port)
start_node redis1 "$P1" --spring.data.redis.host=127.0.0.1 --spring.data.redis.port="$RP"
start_node redis2 "$P2" --spring.data.redis.host=127.0.0.1 --spring.data.redis.port="$RP"
expect_line redis1 "adapter: redis (classic, prefix \"socket.io\", 127.0.0.1:$RP)"
clients "http://127.0.0.1:$P1" "http://127.0.0.1:$P2"
stop_nodes

log "step 3: PostgreSQL adapter, two nodes (the Redis dependency replaced)"
write_pom "$starter" "$(block PostgreSQL xml)"
block PostgreSQL yaml > "$APP/src/main/resources/application.yml"
build_app "postgres"
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
PG_BIN=${PG_BIN:-$(dirname "$(command -v postgres)")}
PGDATA_DIR=$(mktemp -d /tmp/socketeer-newcomer-pg.XXXXXX)
if [ "$(id -u)" -eq 0 ]; then chown postgres "$PGDATA_DIR"; fi
PP=$(free_port)
as_postgres "$PG_BIN/initdb" -D "$PGDATA_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync > "$WORK/initdb.log" 2>&1 \
  || { cat "$WORK/initdb.log"; die "initdb failed"; }
as_postgres "$PG_BIN/postgres" -D "$PGDATA_DIR/data" -p "$PP" -k "$PGDATA_DIR" -c listen_addresses=127.0.0.1 -c fsync=off \
  > "$WORK/postgres.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do
  as_postgres "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PP" && break
  sleep 0.5
done
# the README's settings (user app, password secret, database app), on this server's port
as_postgres "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PP" -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE app LOGIN PASSWORD 'secret'" -c "CREATE DATABASE app OWNER app" > /dev/null
P1=$(free_port)
P2=$(free_port)
start_node postgres1 "$P1" --spring.r2dbc.url="r2dbc:postgresql://127.0.0.1:$PP/app"
start_node postgres2 "$P2" --spring.r2dbc.url="r2dbc:postgresql://127.0.0.1:$PP/app"
expect_line postgres1 "adapter: postgres (prefix \"socket.io\", 127.0.0.1:$PP/app)"
clients "http://127.0.0.1:$P1" "http://127.0.0.1:$P2"
stop_nodes

log "step 4: spring-boot-starter-web added by mistake"
rm -f "$APP/src/main/resources/application.yml"
write_pom "$starter" "<dependency>
  <groupId>org.springframework.boot</groupId>
  <artifactId>spring-boot-starter-web</artifactId>
</dependency>
"
build_app "with spring-boot-starter-web"
set +e
timeout 120 java -jar "$APP/target/newcomer-0.0.1-SNAPSHOT.jar" --server.port=0 > "$WORK/servlet.log" 2>&1
status=$?
set -e
[ "$status" -ne 0 ] || die "the servlet application started"
expect_line servlet "APPLICATION FAILED TO START"
expect_line servlet "needs a reactive web application"
expect_line servlet "spring.main.web-application-type=reactive"
if grep -q "required a bean of type" "$WORK/servlet.log"; then die "the servlet report still says 'required a bean'"; fi
sed -n '/^Description:/,/^Action:/p' "$WORK/servlet.log" | head -n 8

log "passed: README getting-started, memory, redis and postgres adapters, servlet report ($((SECONDS - STARTED)) s)"
