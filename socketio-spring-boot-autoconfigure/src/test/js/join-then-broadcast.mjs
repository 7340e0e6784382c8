// The race of a join acknowledged by one node and a room broadcast sent at once from another node
// (dev.socketeer.adapter.redis.RedisShardedJoinTest): client A on node 1 asks to join a fresh room and waits for the
// ack; the moment it arrives, client B on node 2 asks its node to broadcast to that room. A client that got its
// join ack must receive every such broadcast.
//
// Usage: node join-then-broadcast.mjs <url of node 1> <url of node 2> <rounds>
// Node handlers used: "join" room -> joins, acks (node 1); "broadcast-to" room, value -> io.to(room).emit("hit", value)
// (node 2). Prints {"type":"done","rounds":N,"received":M,"missing":[...]} once every hit arrived or 5 s after the
// last round, then exits.
import { io } from "socket.io-client";

const [url1, url2, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg);
const options = { transports: ["websocket"], forceNew: true, reconnection: false };
const a = io(url1, options);
const b = io(url2, options);
const received = new Set();
a.on("hit", (value) => received.add(value));

const connected = (socket) => new Promise((resolve, reject) => {
  socket.once("connect", resolve);
  socket.once("connect_error", reject);
});
await Promise.all([connected(a), connected(b)]);

for (let i = 0; i < rounds; i++) {
  await a.timeout(10000).emitWithAck("join", `race-${i}`);
  b.emit("broadcast-to", `race-${i}`, i);
}

const deadline = Date.now() + 5000;
while (received.size < rounds && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const missing = [];
for (let i = 0; i < rounds; i++) {
  if (!received.has(i)) {
    missing.push(i);
  }
}
console.log(JSON.stringify({ type: "done", rounds, received: received.size, missing }));
a.close();
b.close();
process.exit(0);
