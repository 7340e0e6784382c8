// Hundreds of official socket.io-clients through a load balancer, for LoadBalancerTest: one run, one summary.
//
// argv[2]: {"url":"http://127.0.0.1:PORT/", "perMode":200, "modes":["polling","upgrade","websocket"],
//           "addresses":40, "pings":2, "messagesPerNode":3, "timeoutMs":30000, "awaitUpgrades":true}
// Modes: "polling" = transports ["polling"]; "upgrade" = polling then WebSocket (the client's default);
// "websocket" = transports ["websocket"]. Client i of a mode connects from 127.0.0.(1 + i % addresses), through an
// http.Agent with that localAddress (both transports use it), so a balancer that hashes the address spreads them.
// Clients keep cookies (withCredentials: the Node client's cookie jar), as browsers do; reconnection is off, so a
// failure is final and counted.
//
// The run: connect every client; wait for the upgrade of the "upgrade" clients; ask each client's node its name
// ("origin" with an ack) and join room "everyone" (acked); wait until every client has seen `pings` more heartbeats;
// one client per node then sends `messagesPerNode` numbered "broadcast-to" everyone messages; every client must get
// each exactly once. Servers answer "origin" with their node name and send "hit" <value> to a room on "broadcast-to".
//
// With "switchTraffic": true, each "upgrade" client sends "broadcast-to" <its own id> "sw:<n>" every 100 ms from its
// connection until 3 sends after its upgrade (50 at most: a loaded machine must not drown in them): the server sends each back as "hit" through whatever transport is
// current, so packets in both directions cross the switch from polling to WebSocket; each must come back exactly
// once, in order ("switch" in the mode's summary).
//
// Stdout: progress lines {"type":"phase",...}, then one {"type":"summary", modes:{<mode>:{...}}, ...}; the clients
// disconnect once a line arrives on stdin (or it closes), then the script exits.
import { io } from "socket.io-client";
import http from "node:http";

const config = JSON.parse(process.argv[2]);
const modes = config.modes ?? ["polling", "upgrade", "websocket"];
const perMode = config.perMode ?? 200;
const addresses = config.addresses ?? 40;
const pingsToSee = config.pings ?? 2;
const messagesPerNode = config.messagesPerNode ?? 3;
const timeoutMs = config.timeoutMs ?? 30000;
const room = "everyone";

function write(report) {
  process.stdout.write(JSON.stringify(report) + "\n");
}

const agents = new Map();
function agentFor(address) {
  let agent = agents.get(address);
  if (!agent) {
    agent = new http.Agent({ keepAlive: true, localAddress: address });
    agents.set(address, agent);
  }
  return agent;
}

const clients = [];
for (const mode of modes) {
  for (let i = 0; i < perMode; i++) {
    const address = "127.0.0." + (1 + (i % addresses));
    const options = {
      forceNew: true,
      reconnection: false,
      withCredentials: true,
      agent: agentFor(address),
      localAddress: address,
      transports: mode === "polling" ? ["polling"] : mode === "websocket" ? ["websocket"] : ["polling", "websocket"],
      upgrade: mode === "upgrade",
      autoConnect: false,
      timeout: timeoutMs,
    };
    const client = {
      mode, address, connected: false, failed: null, upgraded: false, pings: 0, node: null, joined: 0,
      disconnectedDuringRun: null, hits: new Map(), socket: io(config.url, options),
      switchSent: 0, switchGot: [],
    };
    const socket = client.socket;
    socket.on("connect", () => {
      client.connected = true;
      const engine = socket.io.engine;
      if (engine.transport.name === "websocket") {
        client.upgraded = true;
      }
      engine.on("upgrade", () => { client.upgraded = true; });
      if (config.switchTraffic && mode === "upgrade" && !client.switchTimer) {
        let afterUpgrade = 0;
        client.switchTimer = setInterval(() => {
          if (client.upgraded && ++afterUpgrade > 3 || client.switchSent >= 50) {
            clearInterval(client.switchTimer);
            client.switchFinished = true;
            return;
          }
          socket.emit("broadcast-to", socket.id, "sw:" + client.switchSent++);
        }, 100);
      }
    });
    socket.on("connect_error", (error) => { client.failed = "connect_error: " + error.message; });
    socket.on("disconnect", (reason, description) => {
      if (!finished) {
        const context = description && description.context;
        client.disconnectedDuringRun = reason + (description && description.description
            ? " (" + (description.description.message ?? description.description) + ")" : "")
            + (context && context.code ? " code " + context.code : "") + " after " + (Date.now() - start) + " ms";
      }
    });
    socket.io.on("ping", () => { client.pings++; });
    socket.on("hit", (value) => {
      if (typeof value === "string" && value.startsWith("sw:")) {
        client.switchGot.push(Number(value.substring(3)));
      } else {
        client.hits.set(value, (client.hits.get(value) ?? 0) + 1);
      }
    });
    clients.push(client);
  }
}

let finished = false;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition, ms) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) {
      return false;
    }
    await sleep(50);
  }
  return true;
}

const live = () => clients.filter((c) => c.connected && !c.disconnectedDuringRun);
const start = Date.now();

// connect in batches, as a crowd arriving over a moment rather than in one instant
for (let i = 0; i < clients.length; i++) {
  clients[i].socket.connect();
  if (i % 20 === 19) {
    await sleep(50);
  }
}
await until(() => clients.every((c) => c.connected || c.failed), timeoutMs);
write({ type: "phase", phase: "connected", count: live().length, ms: Date.now() - start });

// without sticky sessions an upgrade succeeds only where the WebSocket reaches the session's node: give them a moment
await until(() => live().every((c) => c.mode !== "upgrade" || c.upgraded), config.awaitUpgrades === false ? 3000 : timeoutMs);
write({ type: "phase", phase: "upgraded", ms: Date.now() - start });
if (config.switchTraffic) {
  const switchDone = (c) => c.mode !== "upgrade" || (c.upgraded && c.switchSent > 0 && c.switchGot.length >= c.switchSent);
  await until(() => live().every((c) => switchDone(c) && (c.mode !== "upgrade" || c.switchFinished)), timeoutMs);
  await sleep(200); // a duplicate would arrive right behind
  write({ type: "phase", phase: "switch", ms: Date.now() - start });
}

await Promise.all(live().map(async (c) => {
  try {
    c.node = await c.socket.timeout(timeoutMs).emitWithAck("origin");
    const rooms = await c.socket.timeout(timeoutMs).emitWithAck("join", room);
    if (Array.isArray(rooms) && rooms.includes(room)) {
      c.joined++;
    }
  } catch (error) {
    c.failed = c.failed ?? "ack: " + error.message;
  }
}));
write({ type: "phase", phase: "joined", ms: Date.now() - start });

const pingsBefore = new Map(clients.map((c) => [c, c.pings]));
await until(() => live().every((c) => c.pings - pingsBefore.get(c) >= pingsToSee), timeoutMs);
write({ type: "phase", phase: "heartbeats", ms: Date.now() - start });

// one sender per node, each sending numbered messages to the room that spans every node
const senders = new Map();
for (const c of live()) {
  if (c.node && !senders.has(c.node)) {
    senders.set(c.node, c);
  }
}
const expected = [];
for (const [node, sender] of senders) {
  for (let n = 0; n < messagesPerNode; n++) {
    const value = node + "-" + n;
    expected.push(value);
    sender.socket.emit("broadcast-to", room, value);
  }
}
const complete = (c) => expected.every((value) => c.hits.has(value));
await until(() => live().every(complete), timeoutMs);
await sleep(500); // a duplicate would arrive right behind the first copy
write({ type: "phase", phase: "broadcasts", ms: Date.now() - start });
finished = true;

const summary = { type: "summary", expectedMessages: expected.length, senders: [...senders.keys()], modes: {} };
for (const mode of modes) {
  const mine = clients.filter((c) => c.mode === mode);
  const nodes = {};
  for (const c of mine) {
    if (c.node) {
      nodes[c.node] = (nodes[c.node] ?? 0) + 1;
    }
  }
  let missing = 0;
  let duplicates = 0;
  let unexpected = 0;
  for (const c of mine) {
    for (const value of expected) {
      const count = c.hits.get(value) ?? 0;
      missing += count === 0 ? 1 : 0;
      duplicates += Math.max(0, count - 1);
    }
    for (const value of c.hits.keys()) {
      unexpected += expected.includes(value) ? 0 : 1;
    }
  }
  const failures = mine.filter((c) => c.failed || c.disconnectedDuringRun || !c.connected);
  summary.modes[mode] = {
    clients: mine.length,
    connected: mine.filter((c) => c.connected).length,
    failed: failures.length,
    failures: failures.slice(0, 5).map((c) => c.address + ": " + (c.failed ?? c.disconnectedDuringRun ?? "never connected")),
    upgraded: mine.filter((c) => c.upgraded).length,
    websocketAtEnd: mine.filter((c) => c.socket.io.engine && c.socket.io.engine.transport
        && c.socket.io.engine.transport.name === "websocket").length,
    acked: mine.filter((c) => c.node && c.joined === 1).length,
    minPings: Math.min(...mine.map((c) => c.pings - pingsBefore.get(c))),
    nodes,
    addresses: new Set(mine.map((c) => c.address)).size,
    missing,
    duplicates,
    unexpected,
  };
  if (config.switchTraffic && mode === "upgrade") {
    let sent = 0, lost = 0, duplicated = 0, outOfOrder = 0;
    for (const c of mine) {
      sent += c.switchSent;
      const seen = new Set(c.switchGot);
      duplicated += c.switchGot.length - seen.size;
      for (let n = 0; n < c.switchSent; n++) {
        lost += seen.has(n) ? 0 : 1;
      }
      for (let i = 1; i < c.switchGot.length; i++) {
        outOfOrder += c.switchGot[i] < c.switchGot[i - 1] ? 1 : 0;
      }
    }
    summary.modes[mode].switch = { sent, lost, duplicated, outOfOrder };
  }
}
summary.ms = Date.now() - start;
write(summary);
// the clients leave when stdin says so (or closes): the test reads the balancer's log of the run first
await new Promise((resolve) => {
  process.stdin.on("data", resolve);
  process.stdin.on("end", resolve);
});
for (const c of clients) {
  c.socket.disconnect();
}
for (const agent of agents.values()) {
  agent.destroy();
}
setTimeout(() => process.exit(0), 200);
