// Long-polling round trips through a load balancer, for benchmarks/polling-forwarding.py: `clients` npm clients on
// long-polling only, each sending "req" with an ack in a loop (one at a time) for `seconds` after a warm-up; the
// server answers the ack with the payload. Clients come from 127.0.0.1..40 (an address-hashing balancer spreads them).
// argv[2]: {"url":"http://127.0.0.1:PORT/","clients":100,"seconds":20,"warmupSeconds":5}
// Stdout: one JSON line {roundTrips, perSecond, p50Ms, p99Ms, errors, connected}.
import { io } from "socket.io-client";
import http from "node:http";

const config = JSON.parse(process.argv[2]);
const agents = new Map();
const agent = (address) => {
  if (!agents.has(address)) {
    agents.set(address, new http.Agent({ keepAlive: true, localAddress: address }));
  }
  return agents.get(address);
};

const sockets = [];
for (let i = 0; i < config.clients; i++) {
  const address = "127.0.0." + (1 + (i % 40));
  sockets.push(io(config.url, { transports: ["polling"], forceNew: true, reconnection: false, withCredentials: true,
    agent: agent(address), localAddress: address }));
}
let errors = 0;
sockets.forEach((s) => s.on("connect_error", () => errors++).on("disconnect", () => errors++));
const deadline = Date.now() + 60000;
while (sockets.some((s) => !s.connected) && Date.now() < deadline && errors === 0) {
  await new Promise((r) => setTimeout(r, 50));
}
const connected = sockets.filter((s) => s.connected).length;

let measuring = false;
let stop = false;
const latencies = [];
async function loop(socket) {
  const payload = "x".repeat(64);
  while (!stop && socket.connected) {
    const t0 = process.hrtime.bigint();
    try {
      await socket.timeout(10000).emitWithAck("req", payload);
    } catch {
      errors++;
      continue;
    }
    if (measuring) {
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
}
const loops = sockets.map(loop);
await new Promise((r) => setTimeout(r, (config.warmupSeconds ?? 5) * 1000));
measuring = true;
const t0 = Date.now();
await new Promise((r) => setTimeout(r, config.seconds * 1000));
measuring = false;
const elapsed = (Date.now() - t0) / 1000;
stop = true;
await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 12000))]);
latencies.sort((a, b) => a - b);
const pct = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] : null;
process.stdout.write(JSON.stringify({ roundTrips: latencies.length, perSecond: latencies.length / elapsed,
  p50Ms: pct(0.5), p99Ms: pct(0.99), errors, connected }) + "\n");
sockets.forEach((s) => s.disconnect());
setTimeout(() => process.exit(0), 200);
