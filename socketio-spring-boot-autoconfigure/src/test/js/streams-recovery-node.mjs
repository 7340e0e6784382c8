// One node of a Node.js socket.io 4.8 cluster on @socket.io/redis-streams-adapter 0.3.1 with connection state
// recovery, run as a dev.socketeer.test.ForkedNode: the reference of the rolling-restart measurement
// (dev.socketeer.adapter.redis.NodeStreamsRollingRestartReference).
//
// Usage: node streams-recovery-node.mjs <name> <redisPort> <port (0: any free one)> <maxDisconnectionDurationMs>
// Prints "NODE-PORT=<port>" once it listens. On "/": event "join" room joins it and acks with the socket's rooms;
// event "origin" acks with the node's name, "rooms" with the socket's rooms (the handlers of the Java test nodes).
// SIGTERM is a graceful stop, the way a Node deployment handles it: io.close() (each socket is closed with
// "server shutting down", which the adapter persists as a session for recovery elsewhere), then the Redis client
// quits once its pending commands are written, then the process exits. It also exits when stdin closes.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import { createClient } from "redis";

const [name, redisPort, port, maxDisconnectionDuration] = process.argv.slice(2);

const redisClient = createClient({ url: `redis://127.0.0.1:${redisPort}` });
redisClient.on("error", (error) => console.log(`${name}: redis error: ${error.message}`));
await redisClient.connect();

const httpServer = createServer();
const io = new Server(httpServer, {
  adapter: createAdapter(redisClient),
  connectionStateRecovery: { maxDisconnectionDuration: Number(maxDisconnectionDuration) },
});

io.on("connection", (socket) => {
  socket.on("join", (room, ack) => {
    socket.join(room);
    if (typeof ack === "function") ack([...socket.rooms]);
  });
  socket.on("origin", (ack) => {
    if (typeof ack === "function") ack(name);
  });
  socket.on("rooms", (ack) => {
    if (typeof ack === "function") ack([...socket.rooms]);
  });
});

let stopping = false;
async function stop(why) {
  if (stopping) return;
  stopping = true;
  console.log(`${name}: stopping (${why}), ${io.of("/").sockets.size} sockets`);
  setTimeout(() => {
    console.log(`${name}: not closed after 20 s, exiting`);
    process.exit(1);
  }, 20000).unref();
  await io.close();
  await redisClient.quit().catch(() => {});
  console.log(`${name}: stopped`);
  process.exit(0);
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.stdin.on("end", () => stop("stdin closed"));
process.stdin.resume();

httpServer.listen(Number(port), "127.0.0.1", () => {
  console.log(`NODE-PORT=${httpServer.address().port}`);
});
