// Hundreds of official socket.io-clients with connection state recovery, for the rolling-restart tests: one process
// drives them all and counts, per client, what a node's restart cost it.
//
// argv[2]: {"url":"http://127.0.0.1:PORT/", "clients":300, "rooms":10, "timeoutMs":30000}
// Client i joins room "room-<i % rooms>" ("join", acked) once, on its first connection: after that only recovery
// keeps it there. After every connection it asks its node's name ("origin", acked). Reconnection is on with the
// client's default delays (1 s, randomized by half), WebSocket only, so a client whose node goes away comes back
// through the balancer, as browsers would, not all in the same millisecond; each connection after the first is
// "recovered" when socket.recovered is true with the first connection's id, "fresh" otherwise (then it joins its
// room again, so that what it lost meanwhile is counted rather than everything after).
// The server sends "tick" <room> <n> (n = 0, 1, 2... per room); each client counts the n of its room it received
// (lost, duplicated, out of order, ticks of another room).
//
// Stdout: {"type":"ready", connected, perNode} once every client is connected, in its room and knows its node;
// stdin commands (JSON lines):
//   {"op":"status"} -> {"type":"status", connected, known, perNode:{<node>:clients}, connects, recovered, fresh,
//                       disconnects, connectErrors}
//   {"op":"finish", "sent":{"room-0":<ticks sent>,...}} -> waits (timeoutMs at most) until each client has every
//       tick of its room, then {"type":"summary", ...totals, worst:[a few clients with a problem]}
// The clients disconnect and the script exits when stdin closes.
import { io } from "socket.io-client";

const config = JSON.parse(process.argv[2]);
const count = config.clients ?? 300;
const rooms = config.rooms ?? 10;
const timeoutMs = config.timeoutMs ?? 30000;

function write(report) {
  process.stdout.write(JSON.stringify(report) + "\n");
}

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

const start = Date.now();
const clients = [];
for (let i = 0; i < count; i++) {
  const socket = io(config.url, {
    forceNew: true,
    transports: ["websocket"],
    timeout: timeoutMs,
    autoConnect: false,
  });
  const client = {
    index: i, room: "room-" + (i % rooms), socket, id: null, joined: false, node: null,
    connects: 0, recovered: 0, fresh: 0, freshReasons: [], disconnects: 0, connectErrors: 0, reasons: {},
    counts: [], max: -1, outOfOrder: 0, otherRoom: 0, nodes: [],
  };
  socket.on("connect", async () => {
    client.connects++;
    client.node = null;
    if (client.connects === 1) {
      client.id = socket.id;
    } else if (socket.recovered && socket.id === client.id) {
      client.recovered++;
    } else {
      client.fresh++;
      client.joined = false;
    }
    try {
      if (!client.joined) {
        await socket.timeout(timeoutMs).emitWithAck("join", client.room);
        client.joined = true;
      }
      client.node = await socket.timeout(timeoutMs).emitWithAck("origin");
      client.nodes.push(client.node);
      if (client.connects > 1 && !(socket.recovered && socket.id === client.id)) {
        client.freshReasons.push((socket.recovered ? "recovered with another id" : "not recovered") + " on "
            + client.node + " at " + new Date().toISOString().slice(11, 23) + ", after " + (client.nodes.at(-2) ?? "?"));
      }
    } catch (error) {
      client.failed = "ack: " + error.message;
    }
  });
  socket.on("disconnect", (reason) => {
    client.lastDisconnect = Date.now() - start;
    client.disconnects++;
    client.node = null;
    client.reasons[reason] = (client.reasons[reason] ?? 0) + 1;
  });
  socket.on("connect_error", () => { client.connectErrors++; });
  socket.on("tick", (room, n) => {
    if (room !== client.room) {
      client.otherRoom++;
      return;
    }
    if ((client.counts[n] ?? 0) === 0 && n < client.max) {
      client.outOfOrder++;
    }
    client.counts[n] = (client.counts[n] ?? 0) + 1;
    client.max = Math.max(client.max, n);
  });
  clients.push(client);
}

function perNode() {
  const nodes = {};
  for (const c of clients) {
    if (c.socket.connected && c.node) {
      nodes[c.node] = (nodes[c.node] ?? 0) + 1;
    }
  }
  return nodes;
}

const sum = (f) => clients.reduce((total, c) => total + f(c), 0);

function status() {
  return {
    type: "status",
    connected: sum((c) => c.socket.connected ? 1 : 0),
    known: sum((c) => c.socket.connected && c.node ? 1 : 0),
    perNode: perNode(),
    connects: sum((c) => c.connects),
    recovered: sum((c) => c.recovered),
    fresh: sum((c) => c.fresh),
    disconnects: sum((c) => c.disconnects),
    connectErrors: sum((c) => c.connectErrors),
  };
}

function score(c, sent) {
  const expected = sent[c.room] ?? 0;
  let lost = 0;
  let duplicated = 0;
  for (let n = 0; n < expected; n++) {
    const got = c.counts[n] ?? 0;
    lost += got === 0 ? 1 : 0;
    duplicated += Math.max(0, got - 1);
  }
  const beyond = c.counts.length > expected ? c.counts.slice(expected).filter((got) => got).length : 0;
  return { expected, lost, duplicated, beyond };
}

async function finish(sent) {
  const whole = (c) => {
    const expected = sent[c.room] ?? 0;
    for (let n = 0; n < expected; n++) {
      if (!c.counts[n]) {
        return false;
      }
    }
    return true;
  };
  await until(() => clients.every(whole), timeoutMs);
  await sleep(300); // a duplicate would arrive right behind
  const totals = { lost: 0, duplicated: 0, beyond: 0, received: 0, expected: 0, clientsWithLoss: 0,
    clientsWithDuplicates: 0 };
  const worst = [];
  // the clients with a fresh session first, then those that lost ticks, then the others with a problem
  const lostAny = (c) => score(c, sent).lost > 0;
  for (const c of [...clients.filter((c) => c.fresh), ...clients.filter((c) => !c.fresh && lostAny(c)),
    ...clients.filter((c) => !c.fresh && !lostAny(c))]) {
    const s = score(c, sent);
    totals.lost += s.lost;
    totals.duplicated += s.duplicated;
    totals.beyond += s.beyond;
    totals.expected += s.expected;
    totals.received += c.counts.reduce((total, got) => total + (got ?? 0), 0);
    totals.clientsWithLoss += s.lost > 0 ? 1 : 0;
    totals.clientsWithDuplicates += s.duplicated > 0 ? 1 : 0;
    if ((s.lost || s.duplicated || c.fresh || c.outOfOrder || c.otherRoom || c.failed || c.recovered === 0)
        && worst.length < 8) {
      const missing = [];
      for (let n = 0; n < s.expected && missing.length < 10; n++) {
        if (!c.counts[n]) {
          missing.push(n);
        }
      }
      worst.push({ index: c.index, room: c.room, nodes: c.nodes, ...s, missing, fresh: c.freshReasons,
        outOfOrder: c.outOfOrder, otherRoom: c.otherRoom, failed: c.failed, reasons: c.reasons });
      if (s.lost && c.socket.connected) {
        // which rooms its node has it in now: is it out of its room, or in it and not served? ("rooms" acks with
        // the socket's rooms)
        worst.at(-1).roomsAtEnd = await c.socket.timeout(5000).emitWithAck("rooms")
          .catch((error) => "no answer: " + error.message);
      }
    }
  }
  const recoveries = clients.map((c) => c.recovered);
  write({
    ...status(), type: "summary", clients: clients.length, ...totals,
    outOfOrder: sum((c) => c.outOfOrder), otherRoom: sum((c) => c.otherRoom),
    failed: sum((c) => c.failed ? 1 : 0), neverRecovered: sum((c) => c.recovered === 0 ? 1 : 0),
    minRecoveries: Math.min(...recoveries), maxRecoveries: Math.max(...recoveries),
    sidChanged: sum((c) => c.socket.id !== c.id ? 1 : 0), worst,
  });
}

// connect in batches, as a crowd arriving over a moment rather than in one instant
for (let i = 0; i < clients.length; i++) {
  clients[i].socket.connect();
  if (i % 20 === 19) {
    await sleep(20);
  }
}
await until(() => clients.every((c) => c.socket.connected && c.joined && c.node), timeoutMs);
write({ type: "ready", connected: status().known, perNode: perNode() });

let buffered = "";
process.stdin.on("data", (chunk) => {
  buffered += chunk;
  let newline;
  while ((newline = buffered.indexOf("\n")) >= 0) {
    const line = buffered.slice(0, newline).trim();
    buffered = buffered.slice(newline + 1);
    if (!line) {
      continue;
    }
    const command = JSON.parse(line);
    if (command.op === "status") {
      write(status());
    } else if (command.op === "finish") {
      finish(command.sent).catch((error) => write({ type: "error", message: String(error) }));
    } else {
      write({ type: "error", message: "unknown op " + command.op });
    }
  }
});
process.stdin.on("end", () => {
  for (const c of clients) {
    c.socket.disconnect();
  }
  setTimeout(() => process.exit(0), 200);
});
