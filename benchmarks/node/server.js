// Node.js socket.io under test. Handler logic shared by every server of the benchmark:
// join the room named by the `room` query parameter; bcast(room, payload) -> to(room).emit("m", payload);
// req(payload, ack) -> ack(payload). REDIS_URL set: @socket.io/redis-adapter across processes (REDIS_MODE=sharded:
// createShardedAdapter; REDIS_MODE=streams: @socket.io/redis-streams-adapter). CLUSTER_ENGINE=<dist/index.js of
// @socket.io/cluster-engine, built from its source> with REDIS_URL: its RedisEngine, so that the nodes need no sticky
// sessions (benchmarks/polling-forwarding.py).
// SIGUSR2: gc() (needs --expose-gc) and write process.memoryUsage() to $MEMDIR/mem-<pid>.json.
"use strict";
const { Server } = require("socket.io");
const fs = require("fs");
const path = require("path");

const port = Number(process.env.PORT || 3000);
const io = new Server({ serveClient: false, transports: ["polling", "websocket"] });

io.on("connection", (socket) => {
  const room = socket.handshake.query.room;
  if (room) socket.join(room);
  socket.on("bcast", (room, payload) => io.to(room).emit("m", payload));
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
  if (process.env.REDIS_URL) {
    const { createClient } = require("redis");
    const pub = createClient({ url: process.env.REDIS_URL });
    if (mode === "streams") {
      await pub.connect();
      io.adapter(require("@socket.io/redis-streams-adapter").createAdapter(pub));
    } else {
      const { createAdapter, createShardedAdapter } = require("@socket.io/redis-adapter");
      const sub = pub.duplicate();
      await Promise.all([pub.connect(), sub.connect()]);
      io.adapter(mode === "sharded" ? createShardedAdapter(pub, sub) : createAdapter(pub, sub));
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
