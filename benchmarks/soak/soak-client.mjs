// The soak's clients (started by benchmarks/soak.py): official socket.io-client instances driving mixed traffic at
// two Socketeer nodes sharing a Redis adapter, for a given time, then a JSON report on stdout ("RESULT {...}").
//
// argv[2]: {"urls":["http://127.0.0.1:A/","http://127.0.0.1:B/"], "durationSec":1800, "wsClients":300,
//           "pollClients":60, ...} (defaults below). urls[0] is the node that broadcasts the numbered "seq" messages.
//
// What runs, all at once:
//   stable clients   WebSocket and long-polling clients in the room "seq", half on each node, for the whole run;
//                    each checks that the numbered broadcasts arrive without gaps (a gap is a loss)
//   churn            short-lived clients (WebSocket, polling, polling then upgrade) that connect, echo once, leave
//   bursts           a client asks for burstCount x burstSize (1 MB) messages and must get all of them, in order
//   big echoes       a client sends two ~1 MB messages and must get both back
//   lagging readers  a WebSocket client stops reading its socket for a few seconds during a burst, then reads on:
//                    it must get everything (a client that reads is not cut off)
//   stalled readers  a WebSocket client stops reading for good during a burst: the server must cut it off
//                    ("slow client") instead of holding what it cannot send
// Progress lines ("PROGRESS {...}") every 60 s; the final "RESULT {...}" once every client has left.
import { io } from "socket.io-client";

const cfg = Object.assign({
  durationSec: 1800,
  wsClients: 300,
  pollClients: 60,
  churnIntervalMs: 2000,
  churnPerTick: 4,
  burstEverySec: 20,
  burstCount: 10,
  burstSize: 1_000_000,
  bigEchoEverySec: 15,
  lagReaderEverySec: 90,
  lagReaderPauseMs: 4000,
  lagReaderBurst: 40,
  stalledReaderEverySec: 120,
  stalledReaderBurst: 60,
  stalledReaderWaitSec: 75,
}, JSON.parse(process.argv[2]));

const started = Date.now();
const elapsed = () => Math.round((Date.now() - started) / 1000);
const stats = {
  stable: { ws: 0, polling: 0, connected: 0, received: 0, lost: 0, lostByNode: [0, 0], duplicates: 0,
            disconnects: {}, lossBuckets: {} },
  churn: { ok: 0, failed: 0, errors: {} },
  bursts: { ok: 0, failed: 0, byTransport: {} },
  bigEchoes: { ok: 0, failed: 0 },
  lagReaders: { ok: 0, failed: 0 },
  stalledReaders: { started: 0, cutOff: 0, notCutOff: 0, reasons: {} },
};
const stable = [];
const inFlight = new Set();
let stopping = false;

function count(map, key) {
  map[key] = (map[key] || 0) + 1;
}

function payload(index, size) {
  const head = index + ":";
  return head + "x".repeat(Math.max(0, size - head.length));
}

function connect(url, opts) {
  return io(url, Object.assign({ forceNew: true, reconnection: false, timeout: 20000 }, opts));
}

// ---- stable clients

function startStable(index, transport) {
  const node = index % 2;
  const socket = connect(cfg.urls[node], { transports: [transport], reconnection: true, query: { room: "seq" } });
  const state = { socket, node, last: null };
  stable.push(state);
  stats.stable[transport === "websocket" ? "ws" : "polling"]++;
  socket.on("connect", () => stats.stable.connected++);
  socket.on("disconnect", (reason) => {
    stats.stable.connected--;
    if (!stopping) count(stats.stable.disconnects, reason);
  });
  socket.on("seq", (n) => {
    stats.stable.received++;
    if (state.last !== null) {
      if (n > state.last + 1) {
        const missing = n - state.last - 1;
        stats.stable.lost += missing;
        stats.stable.lostByNode[node] += missing;
        const bucket = Math.floor(elapsed() / 10) * 10;
        stats.stable.lossBuckets[bucket] = (stats.stable.lossBuckets[bucket] || 0) + missing;
      } else if (n <= state.last) {
        stats.stable.duplicates++;
      }
    }
    state.last = Math.max(n, state.last ?? n);
  });
}

// ---- short-lived clients

/** Runs one short-lived client task; resolves with true (it went as expected) or false. */
function task(name, body, timeoutMs) {
  const p = new Promise((resolve) => {
    let done = false;
    const finish = (ok, why) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ok, why });
    };
    const timer = setTimeout(() => finish(false, "timeout"), timeoutMs);
    body(finish);
  });
  inFlight.add(p);
  p.finally(() => inFlight.delete(p));
  return p;
}

let churnCounter = 0;
function churnOnce() {
  const kind = churnCounter++ % 3;
  const transports = kind === 0 ? ["websocket"] : kind === 1 ? ["polling"] : ["polling", "websocket"];
  task("churn", (finish) => {
    const socket = connect(cfg.urls[churnCounter % 2], { transports });
    const token = "hi-" + churnCounter;
    socket.on("connect", () => socket.emit("echo", token));
    socket.on("echo-back", (value) => {
      finish(value === token);
      socket.disconnect();
    });
    socket.on("connect_error", (err) => {
      socket.close();
      finish(false, "connect_error " + err.message);
    });
  }, 15000).then(({ ok, why }) => {
    ok ? stats.churn.ok++ : (stats.churn.failed++, count(stats.churn.errors, why || "wrong echo"));
  });
}

/** Calls finish(true) once `count` items of `size` characters ("<index>:" then filler) came in order, else false. */
function expectItems(socket, count, size, finish) {
  let received = 0;
  socket.on("burst-item", (value) => {
    if (typeof value !== "string" || value.length !== size || !value.startsWith(received + ":")) {
      finish(false);
      socket.disconnect();
      return;
    }
    if (++received === count) {
      finish(true);
      socket.disconnect();
    }
  });
  socket.on("disconnect", () => finish(false));
}

let burstCounter = 0;
function burstOnce() {
  const transport = burstCounter++ % 2 === 0 ? "websocket" : "polling";
  task("burst", (finish) => {
    const socket = connect(cfg.urls[burstCounter % 2], { transports: [transport] });
    socket.on("connect", () => socket.emit("burst", cfg.burstCount, cfg.burstSize));
    expectItems(socket, cfg.burstCount, cfg.burstSize, finish);
  }, 120000).then(({ ok }) => {
    const t = (stats.bursts.byTransport[transport] ||= { ok: 0, failed: 0 });
    ok ? (stats.bursts.ok++, t.ok++) : (stats.bursts.failed++, t.failed++);
  });
}

function bigEchoOnce() {
  task("bigEcho", (finish) => {
    const socket = connect(cfg.urls[elapsed() % 2], { transports: ["websocket"] });
    const sent = [payload(0, 999_000), payload(1, 999_000)];
    let back = 0;
    socket.on("connect", () => sent.forEach((p) => socket.emit("echo", p)));
    socket.on("echo-back", (value) => {
      if (value !== sent[back]) {
        socket.disconnect();
        finish(false);
        return;
      }
      if (++back === sent.length) {
        finish(true);
        socket.disconnect();
      }
    });
    socket.on("disconnect", () => finish(false));
  }, 60000).then(({ ok }) => (ok ? stats.bigEchoes.ok++ : stats.bigEchoes.failed++));
}

/** The WebSocket's TCP socket under socket.io-client (Node's ws), to stop and restart reading it. */
function tcpOf(socket) {
  const ws = socket.io.engine && socket.io.engine.transport && socket.io.engine.transport.ws;
  return ws && ws._socket;
}

function lagReaderOnce() {
  task("lagReader", (finish) => {
    const socket = connect(cfg.urls[1], { transports: ["websocket"] });
    socket.on("connect", () => {
      tcpOf(socket).pause();
      socket.emit("burst", cfg.lagReaderBurst, 1_000_000);
      setTimeout(() => tcpOf(socket) && tcpOf(socket).resume(), cfg.lagReaderPauseMs);
    });
    expectItems(socket, cfg.lagReaderBurst, 1_000_000, finish);
  }, 120000).then(({ ok }) => (ok ? stats.lagReaders.ok++ : stats.lagReaders.failed++));
}

function stalledReaderOnce() {
  stats.stalledReaders.started++;
  task("stalledReader", (finish) => {
    const socket = connect(cfg.urls[0], { transports: ["websocket"] });
    socket.on("connect", () => {
      tcpOf(socket).pause();
      socket.emit("burst", cfg.stalledReaderBurst, 1_000_000);
      // reads again only long after the server's max-lag: by then it should have been cut off
      setTimeout(() => tcpOf(socket) && tcpOf(socket).resume(), cfg.stalledReaderWaitSec * 1000);
    });
    socket.on("disconnect", (reason) => {
      count(stats.stalledReaders.reasons, reason);
      finish(true);
    });
  }, (cfg.stalledReaderWaitSec + 60) * 1000).then(({ ok }) => {
    ok ? stats.stalledReaders.cutOff++ : stats.stalledReaders.notCutOff++;
  });
}

// ---- the run

for (let i = 0; i < cfg.wsClients; i++) startStable(i, "websocket");
for (let i = 0; i < cfg.pollClients; i++) startStable(i, "polling");

const timers = [
  setInterval(() => { for (let i = 0; i < cfg.churnPerTick; i++) churnOnce(); }, cfg.churnIntervalMs),
  setInterval(burstOnce, cfg.burstEverySec * 1000),
  setInterval(bigEchoOnce, cfg.bigEchoEverySec * 1000),
  setInterval(lagReaderOnce, cfg.lagReaderEverySec * 1000),
  setInterval(stalledReaderOnce, cfg.stalledReaderEverySec * 1000),
  setInterval(() => console.log("PROGRESS " + JSON.stringify({ t: elapsed(), inFlight: inFlight.size, ...stats })),
    60000),
];

setTimeout(async () => {
  timers.forEach(clearInterval);
  console.error(`[soak-client] ${elapsed()} s: load stopped, waiting for ${inFlight.size} tasks in flight`);
  await Promise.all([...inFlight]);
  stopping = true;
  stable.forEach((s) => s.socket.disconnect());
  stats.durationSec = elapsed();
  console.log("RESULT " + JSON.stringify(stats));
  setTimeout(() => process.exit(0), 1000);
}, cfg.durationSec * 1000);
