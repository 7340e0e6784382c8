// A Node socket.io 4.8 server instrumented by the real @socket.io/admin-ui 0.5.1 (instrument()), on
// @socket.io/redis-adapter 8.3: the reference the Admin UI tests compare Socketeer with, and a Node member of a mixed
// Java/Node cluster (dev.socketeer.adapter.redis.AdminNodeInteropTest).
//
// Usage: node admin-node-server.mjs <redisPort> <password>
// The password is hashed with bcryptjs (cost 4), the library instrument() checks it with; the hash is reported so
// that the Java nodes of the test are configured with the very same one.
// Prints {"type":"listening","port":N,"hash":"$2a$..."} first. Exits when stdin closes.
// Behaviour on "/": socket.data.origin = "node"; "join" room -> joins. instrument() options: basic auth (user "admin"),
// serverId "node", development mode, in-memory session store.
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { instrument } from "@socket.io/admin-ui";
import bcrypt from "bcryptjs";
import { createClient } from "redis";

const [redisPort, password] = process.argv.slice(2);
const url = `redis://127.0.0.1:${redisPort}`;

const pubClient = createClient({ url });
const subClient = pubClient.duplicate();
for (const client of [pubClient, subClient]) {
  client.on("error", (err) => process.stderr.write(`redis error: ${err.message}\n`));
}
await Promise.all([pubClient.connect(), subClient.connect()]);

const hash = bcrypt.hashSync(password, 4);
const httpServer = createServer();
const io = new Server(httpServer, { cors: { origin: "*" }, adapter: createAdapter(pubClient, subClient) });
io.on("connection", (socket) => {
  socket.data.origin = "node";
  socket.on("join", (room) => socket.join(room));
});
instrument(io, { auth: { type: "basic", username: "admin", password: hash }, serverId: "node", mode: "development" });

httpServer.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ type: "listening", port: httpServer.address().port, hash }) + "\n");
});

const lines = createInterface({ input: process.stdin });
lines.on("close", async () => {
  io.close();
  await Promise.allSettled([pubClient.quit(), subClient.quit()]);
  process.exit(0);
});
