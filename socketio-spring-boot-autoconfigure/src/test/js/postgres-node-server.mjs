// A Node socket.io 4.8 server on @socket.io/postgres-adapter 0.5, plus an @socket.io/postgres-emitter 0.1.1, for the
// mixed-cluster tests of the Java Postgres adapter (dev.socketeer.adapter.postgres.PostgresMixedClusterTest).
//
// Usage: node postgres-node-server.mjs <postgres connection string> [adapterOptionsJson]
// Prints {"type":"listening","port":N} first. JSON lines on stdin; binary values travel as {"$bin":"<base64>"}.
// Every command may carry "id", echoed in its result report. Exits when stdin closes.
//
// Server behaviour on "/": on connection socket.data = {node:"node"}; "join" room -> joins, acks "joined";
//   server-side event "ping" ...args -> report {"type":"server-side-emit","args"}, acks "pong-node" if asked.
// Commands:
//   {"op":"broadcast","event","args","rooms"?}                          io.to(rooms).emit(...)
//   {"op":"broadcastWithAck","event","args","timeout"}                  -> {"type":"broadcast-acks","err","responses"}
//   {"op":"fetchSockets"}                                              -> {"type":"sockets","sockets":[{id,rooms,data}]}
//   {"op":"serverSideEmit","event","args"}
//   {"op":"serverSideEmitWithAck","event","args"}                       -> {"type":"server-side-acks","err","responses"}
//   {"op":"serverCount"}                                               -> {"type":"server-count","count"}
//   {"op":"emitterEmit","nsp","rooms"?,"event","args"}                 -> {"type":"emitted"}  (postgres-emitter)
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { Server } from "socket.io";
import pg from "pg";
import { createAdapter } from "@socket.io/postgres-adapter";
import { Emitter } from "@socket.io/postgres-emitter";

const pool = new pg.Pool({ connectionString: process.argv[2], max: 4 });
pool.on("error", () => {}); // a restarted Postgres drops idle clients; the adapter reconnects by itself
const adapterOptions = JSON.parse(process.argv[3] ?? "{}");
const httpServer = createServer();
const io = new Server(httpServer, { cors: { origin: "*" }, adapter: createAdapter(pool, adapterOptions) });
const emitter = new Emitter(pool);

function report(record) {
  process.stdout.write(JSON.stringify(encode(record)) + "\n");
}

function encode(value) {
  if (value === null || value === undefined) return value ?? null;
  if (Buffer.isBuffer(value)) return { $bin: value.toString("base64") };
  if (ArrayBuffer.isView(value)) {
    return { $bin: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  }
  if (value instanceof Error) return value.message;
  if (Array.isArray(value)) return value.map(encode);
  if (value instanceof Set) return [...value].map(encode);
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  }
  return value;
}

function decode(value) {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map(decode);
  if (typeof value === "object") {
    if (typeof value.$bin === "string") return Buffer.from(value.$bin, "base64");
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}

io.on("connection", (socket) => {
  socket.data = { node: "node" };
  report({ type: "connection", sid: socket.id });
  socket.on("join", (room, ack) => {
    socket.join(room);
    if (typeof ack === "function") ack("joined");
  });
});
io.on("ping", (...args) => {
  const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
  report({ type: "server-side-emit", args });
  if (ack) ack("pong-node");
});

async function handle(command) {
  const id = command.id ?? null;
  const args = decode(command.args ?? []);
  switch (command.op) {
    case "broadcast":
      (command.rooms ? io.to(command.rooms) : io).emit(command.event, ...args);
      return report({ type: "done", id });
    case "broadcastWithAck":
      return io.timeout(command.timeout ?? 5000).emit(command.event, ...args, (err, responses) =>
        report({ type: "broadcast-acks", id, err: err ? err.message : null, responses }));
    case "fetchSockets": {
      const sockets = await io.fetchSockets();
      return report({ type: "sockets", id, sockets: sockets.map((s) => ({ id: s.id, rooms: [...s.rooms], data: s.data })) });
    }
    case "serverSideEmit":
      io.serverSideEmit(command.event, ...args);
      return report({ type: "done", id });
    case "serverSideEmitWithAck":
      return io.serverSideEmit(command.event, ...args, (err, responses) =>
        report({ type: "server-side-acks", id, err: err ? err.message : null, responses }));
    case "serverCount":
      return report({ type: "server-count", id, count: await io.of("/").adapter.serverCount() });
    case "emitterEmit": {
      let target = emitter.of(command.nsp ?? "/");
      if (command.rooms) target = target.to(command.rooms);
      await target.emit(command.event, ...args);
      return report({ type: "emitted", id });
    }
    default:
      return report({ type: "error", id, message: "unknown op " + command.op });
  }
}

httpServer.listen(0, "127.0.0.1", () => {
  report({ type: "listening", port: httpServer.address().port });
});

createInterface({ input: process.stdin }).on("line", (line) => {
  if (!line.trim()) return;
  let command;
  try {
    command = JSON.parse(line);
  } catch (e) {
    return report({ type: "error", message: "bad json: " + e.message });
  }
  handle(command).catch((e) => report({ type: "error", id: command.id ?? null, message: String(e?.stack ?? e) }));
}).on("close", async () => {
  io.close();
  await pool.end().catch(() => {});
  process.exit(0);
});
