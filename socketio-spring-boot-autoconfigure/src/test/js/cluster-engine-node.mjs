// A Node socket.io 4.8 server without sticky sessions: @socket.io/cluster-engine's RedisEngine (built from the
// socket.io monorepo's source outside this repository; the package is not on the registry reachable here) plus
// @socket.io/redis-adapter 8.3, for the mixed Java/Node cluster test (MixedClusterWithoutStickySessionsTest).
//
// Usage: node cluster-engine-node.mjs <redisPort> <path to the cluster engine's dist/index.js> <responseTimeoutMs>
// Prints {"type":"listening","port":N} first. Exits when stdin closes.
// On "/": "origin" acks "node"; "join" room joins it and acks the socket's rooms; "broadcast-to" room, value sends
// "hit" value to the room (as dev.socketeer.adapter.redis.ClusterNode does).
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";

const [redisPort, enginePath, responseTimeout = "1000"] = process.argv.slice(2);
const { RedisEngine } = createRequire(import.meta.url)(enginePath);
const url = `redis://127.0.0.1:${redisPort}`;

const enginePub = createClient({ url });
const engineSub = enginePub.duplicate();
const adapterPub = createClient({ url });
const adapterSub = adapterPub.duplicate();
await Promise.all([enginePub.connect(), engineSub.connect(), adapterPub.connect(), adapterSub.connect()]);

const httpServer = createServer((req, res) => res.writeHead(404).end());
const engine = new RedisEngine(enginePub, engineSub, { responseTimeout: Number(responseTimeout), pingInterval: 2000,
  pingTimeout: 20000 });
engine.attach(httpServer, { path: "/socket.io/" });
const io = new Server({ adapter: createAdapter(adapterPub, adapterSub) });
io.bind(engine);

io.on("connection", (socket) => {
  socket.on("origin", (ack) => typeof ack === "function" && ack("node"));
  socket.on("join", (room, ack) => {
    socket.join(room);
    if (typeof ack === "function") ack([...socket.rooms]);
  });
  socket.on("broadcast-to", (room, value) => io.to(room).emit("hit", value));
});

httpServer.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ type: "listening", port: httpServer.address().port }) + "\n");
});
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
