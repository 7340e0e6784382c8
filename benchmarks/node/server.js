// Node.js socket.io under test. Handler logic shared by every server of the benchmark:
// join the room named by the `room` query parameter; bcast(room, payload) -> to(room).emit("m", payload);
// req(payload, ack) -> ack(payload). REDIS_URL set: @socket.io/redis-adapter across processes (REDIS_MODE=sharded:
// createShardedAdapter; REDIS_MODE=streams: @socket.io/redis-streams-adapter). CLUSTER_ENGINE=<dist/index.js of
// @socket.io/cluster-engine, built from its source> with REDIS_URL: its RedisEngine, so that the nodes need no sticky
// sessions (benchmarks/polling-forwarding.py).
// The `room` parameter may name several rooms, comma-separated. Measurement hooks of the scale scenario
// (benchmarks/run.sh --scale), the same in the Socketeer bench app: bcastall(payload) -> io.emit("m", payload);
// fetch(room, ack): cluster-wide fetchSockets() on the room ("*": on all), ack(count, micros); count(ack):
// serverCount(), ack(count, micros); micros: the time the node took, from the call to the answer.
// REQUESTS_TIMEOUT (ms): the Redis adapter's requestsTimeout (default 5000).
// SIGUSR2: gc() (needs --expose-gc) and write process.memoryUsage() to $MEMDIR/mem-<pid>.json.
"use strict";
const { Server } = require("socket.io");
const fs = require("fs");
const path = require("path");

const port = Number(process.env.PORT || 3000);
const io = new Server({ serveClient: false, transports: ["polling", "websocket"] });

io.on("connection", (socket) => {
  const room = socket.handshake.query.room;
  if (room) socket.join(room.split(","));
  socket.on("bcast", (room, payload) => io.to(room).emit("m", payload));
  socket.on("bcastall", (payload) => io.emit("m", payload));
  const answer = (ack, t0, promise) => promise.then(
    (n) => { if (typeof ack === "function") ack(n, Number((process.hrtime.bigint() - t0) / 1000n)); },
    (e) => { console.error("node-bench query failed:", e); if (typeof ack === "function") ack(-1, Number((process.hrtime.bigint() - t0) / 1000n)); });
  socket.on("fetch", (target, ack) => {
    const t0 = process.hrtime.bigint();
    answer(ack, t0, (target === "*" ? io : io.in(target)).fetchSockets().then((s) => s.length));
  });
  socket.on("count", (ack) => {
    const t0 = process.hrtime.bigint();
    answer(ack, t0, io.of("/").adapter.serverCount());
  });
  socket.on("req", (payload, ack) => { if (typeof ack === "function") ack(payload); });
});

process.on("SIGUSR2", () => {
  if (global.gc) global.gc();
  const file = path.join(process.env.MEMDIR || "/tmp", `mem-${process.pid}.json`);
  fs.writeFileSync(file + ".tmp", JSON.stringify(process.memoryUsage()));
  fs.renameSync(file + ".tmp", file);
});

async function main() {
  const mode = process.env.REDIS_MODE || "classic";
  const opts = process.env.REQUESTS_TIMEOUT ? { requestsTimeout: Number(process.env.REQUESTS_TIMEOUT) } : {};
  if (process.env.REDIS_URL) {
    const { createClient } = require("redis");
    const pub = createClient({ url: process.env.REDIS_URL });
    if (mode === "streams") {
      await pub.connect();
      io.adapter(require("@socket.io/redis-streams-adapter").createAdapter(pub, opts));
    } else {
      const { createAdapter, createShardedAdapter } = require("@socket.io/redis-adapter");
      const sub = pub.duplicate();
      await Promise.all([pub.connect(), sub.connect()]);
      io.adapter(mode === "sharded" ? createShardedAdapter(pub, sub, opts) : createAdapter(pub, sub, opts));
    }
  }
  if (process.env.CLUSTER_ENGINE && process.env.REDIS_URL) {
    const { createClient } = require("redis");
    const { RedisEngine } = require(path.resolve(process.env.CLUSTER_ENGINE));
    const enginePub = createClient({ url: process.env.REDIS_URL });
    const engineSub = enginePub.duplicate();
    await Promise.all([enginePub.connect(), engineSub.connect()]);
    const httpServer = require("http").createServer((req, res) => res.writeHead(404).end());
    const engine = new RedisEngine(enginePub, engineSub, { transports: ["polling", "websocket"] });
    engine.attach(httpServer, { path: "/socket.io/" });
    io.bind(engine);
    httpServer.listen(port);
  } else {
    io.listen(port);
  }
  console.error(`node socket.io ${require("socket.io/package.json").version} listening on ${port}` +
    (process.env.REDIS_URL ? ` (redis adapter) ${mode}` : "") + (process.env.CLUSTER_ENGINE ? " (cluster engine)" : ""));
}
main().catch((e) => { console.error(e); process.exit(1); });
