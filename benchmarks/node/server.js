// Node.js socket.io under test. Handler logic shared by every server of the benchmark:
// join the room named by the `room` query parameter; bcast(room, payload) -> to(room).emit("m", payload);
// req(payload, ack) -> ack(payload). REDIS_URL set: @socket.io/redis-adapter across processes.
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
  if (process.env.REDIS_URL) {
    const { createClient } = require("redis");
    const { createAdapter } = require("@socket.io/redis-adapter");
    const pub = createClient({ url: process.env.REDIS_URL });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createAdapter(pub, sub));
  }
  io.listen(port);
  console.error(`node socket.io ${require("socket.io/package.json").version} listening on ${port}` +
    (process.env.REDIS_URL ? " (redis adapter)" : ""));
}
main().catch((e) => { console.error(e); process.exit(1); });
