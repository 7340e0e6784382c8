// A Node socket.io 4.8 server on @socket.io/redis-adapter 8.3 (and a @socket.io/redis-emitter 5.1), or on
// @socket.io/redis-streams-adapter 0.3.1 ("streams"), for the mixed Java/Node cluster tests
// (dev.socketeer.adapter.redis.Redis*NodeInteropTest).
//
// Usage: node redis-cluster-node.mjs <redisPort | sentinel:<masterName>:<port1,port2,...> | cluster:<port1,port2,...>>
//        <classic|sharded|streams> [maxDisconnectionDurationMs, 0 for none] [key]
// The sentinel form connects with ioredis through Redis Sentinel, as Node users do; the cluster form with an ioredis
// Cluster (shardedSubscribers on: each shard channel subscribed on its slot's master, and moved there again after a
// failover, which node-redis 4.7's cluster client does not do).
// With a duration, connection state recovery is on (skipMiddlewares default) and each connection reports
// {"type":"connection","sid","recovered","rooms"}.
// With a key, the adapter's channels start with it instead of "socket.io" (key of createAdapter and of the emitter,
// channelPrefix of the sharded and streams adapters), so that clusters of several modes can share one Redis.
// Prints {"type":"listening","port":N,"uid":...} first. Exits when stdin closes.
//
// Behaviour on "/": socket.data = {origin:"node"}; "join" room -> joins, acks; server-side "ask" -> answers "node-answer";
// any other server-side event -> report {"type":"serverSideEvent","event","args"}.
// Commands (JSON lines; "id" is echoed in the "result" report):
//   {"op":"emit","rooms":[],"except":[],"event":"e","args":[]}
//   {"op":"emitWithAck","id":1,"rooms":[],"event":"e","args":[],"timeout":ms}      -> result {value:[...]} | {error}
//   {"op":"fetchSockets","id":1,"rooms":[]}                                        -> result {value:[{id,rooms,data,handshake}]}
//   {"op":"socketsJoin","id":1,"rooms":[],"join":["r"]}                            -> result {}
//   {"op":"serverSideEmit","event":"e","args":[]}
//   {"op":"serverSideEmitWithAck","id":1,"event":"e","args":[],"timeout":ms}       -> result {value:[...]} | {error}
//   {"op":"serverCount","id":1}                                                    -> result {value:n}
//   {"op":"emitterEmit","rooms":[],"event":"e","args":[]}                           (@socket.io/redis-emitter)
//   {"op":"emitterJoin","id":1,"rooms":[],"join":["r"]}                            -> result {}
//   {"op":"emitterServerSideEmit","event":"e","args":[]}
// Binary values travel as {"$bin":"<base64>"}.
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { Server } from "socket.io";
import { createAdapter, createShardedAdapter } from "@socket.io/redis-adapter";
import { createAdapter as createStreamsAdapter } from "@socket.io/redis-streams-adapter";
import { Emitter } from "@socket.io/redis-emitter";
import { createClient } from "redis";

const [redisPort, mode = "classic", recovery, key] = process.argv.slice(2);
const url = `redis://127.0.0.1:${redisPort}`;

function write(report) {
  process.stdout.write(JSON.stringify(encode(report)) + "\n");
}

function encode(value) {
  if (value === null || value === undefined) return value ?? null;
  if (Buffer.isBuffer(value)) return { $bin: value.toString("base64") };
  if (ArrayBuffer.isView(value)) return { $bin: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  if (value instanceof Set) return [...value].map(encode);
  if (Array.isArray(value)) return value.map(encode);
  if (typeof value === "object") {
    if (typeof value.toJSON === "function" && !(value instanceof Map)) return encode(value.toJSON());
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = encode(v);
    return out;
  }
  if (typeof value === "function") return null;
  return value;
}

function decode(value) {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "$bin") return Buffer.from(value.$bin, "base64");
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = decode(v);
    return out;
  }
  return value;
}

let pubClient, subClient, emitterClient;
if (redisPort.startsWith("sentinel:")) {
  const [, name, ports] = redisPort.split(":");
  const { Redis } = await import("ioredis");
  pubClient = new Redis({ name, sentinels: ports.split(",").map((port) => ({ host: "127.0.0.1", port: Number(port) })) });
  subClient = pubClient.duplicate();
  emitterClient = pubClient.duplicate();
  for (const client of [pubClient, subClient, emitterClient]) {
    client.on("error", (err) => process.stderr.write(`redis error: ${err.message}\n`));
  }
  await Promise.all([pubClient, subClient, emitterClient].map((client) =>
    client.status === "ready" ? null : new Promise((resolve) => client.once("ready", resolve))));
} else if (redisPort.startsWith("cluster:")) {
  const { Cluster } = await import("ioredis");
  const nodes = redisPort.slice("cluster:".length).split(",").map((port) => ({ host: "127.0.0.1", port: Number(port) }));
  pubClient = new Cluster(nodes, { shardedSubscribers: true });
  subClient = pubClient.duplicate();
  emitterClient = pubClient.duplicate();
  for (const client of [pubClient, subClient, emitterClient]) {
    client.on("error", (err) => process.stderr.write(`redis error: ${err.message}\n`));
  }
  await Promise.all([pubClient, subClient, emitterClient].map((client) =>
    client.status === "ready" ? null : new Promise((resolve) => client.once("ready", resolve))));
} else {
  pubClient = createClient({ url });
  subClient = pubClient.duplicate();
  emitterClient = pubClient.duplicate();
  for (const client of [pubClient, subClient, emitterClient]) {
    client.on("error", (err) => process.stderr.write(`redis error: ${err.message}\n`));
  }
  await Promise.all([pubClient.connect(), subClient.connect(), emitterClient.connect()]);
}

const adapter = mode === "streams" ? createStreamsAdapter(pubClient, key ? { channelPrefix: key } : {})
  : mode === "sharded" ? createShardedAdapter(pubClient, subClient, key ? { channelPrefix: key } : {})
  : createAdapter(pubClient, subClient, key ? { key } : {});
const httpServer = createServer();
const options = { cors: { origin: "*" }, adapter };
if (Number(recovery) > 0) options.connectionStateRecovery = { maxDisconnectionDuration: Number(recovery) };
const io = new Server(httpServer, options);
const emitter = new Emitter(emitterClient, key ? { key } : {});

io.on("connection", (socket) => {
  if (!socket.recovered) socket.data = { origin: "node" };
  write({ type: "connection", sid: socket.id, recovered: socket.recovered, rooms: [...socket.rooms], data: socket.data });
  socket.on("join", (room, ack) => {
    socket.join(room);
    if (typeof ack === "function") ack([...socket.rooms]);
  });
});
io.on("ask", (...args) => {
  const ack = args.pop();
  ack("node-answer");
});
for (const event of ["announce", "hello-servers"]) {
  io.on(event, (...args) => write({ type: "serverSideEvent", event, args }));
}

function target(rooms = [], except = []) {
  let op = io.of("/");
  if (rooms.length) op = op.to(rooms);
  if (except.length) op = op.except(except);
  return op;
}

function emitterTarget(rooms = [], except = []) {
  let op = emitter;
  if (rooms.length) op = op.to(rooms);
  if (except.length) op = op.except(except);
  return op;
}

async function handle(command) {
  const { op, id } = command;
  const args = decode(command.args ?? []);
  try {
    switch (op) {
      case "emit":
        target(command.rooms, command.except).emit(command.event, ...args);
        break;
      case "emitWithAck": {
        const value = await target(command.rooms, command.except).timeout(command.timeout ?? 2000)
          .emitWithAck(command.event, ...args);
        write({ type: "result", id, value });
        break;
      }
      case "fetchSockets": {
        const sockets = await target(command.rooms).fetchSockets();
        write({ type: "result", id, value: sockets.map((s) => ({ id: s.id, rooms: [...s.rooms], data: s.data,
          handshake: s.handshake })) });
        break;
      }
      case "socketsJoin":
        await target(command.rooms).socketsJoin(command.join);
        write({ type: "result", id });
        break;
      case "serverSideEmit":
        io.serverSideEmit(command.event, ...args);
        break;
      case "serverSideEmitWithAck": {
        const value = await io.serverSideEmitWithAck(command.event, ...args);
        write({ type: "result", id, value });
        break;
      }
      case "serverCount":
        write({ type: "result", id, value: await io.of("/").adapter.serverCount() });
        break;
      case "emitterEmit":
        emitterTarget(command.rooms, command.except).emit(command.event, ...args);
        break;
      case "emitterJoin":
        emitterTarget(command.rooms).socketsJoin(command.join);
        write({ type: "result", id });
        break;
      case "emitterServerSideEmit":
        emitter.serverSideEmit(command.event, ...args);
        break;
      default:
        write({ type: "error", id, message: `unknown op ${op}` });
    }
  } catch (err) {
    write({ type: "result", id, error: err.message ?? String(err) });
  }
}

httpServer.listen(0, "127.0.0.1", () => {
  write({ type: "listening", port: httpServer.address().port, uid: io.of("/").adapter.uid });
});

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line.trim()) handle(JSON.parse(line));
});
lines.on("close", async () => {
  // a client still reconnecting (ioredis after a failover) may never answer QUIT: the test waits on this exit
  setTimeout(() => process.exit(0), 1000).unref();
  io.close();
  await Promise.allSettled([pubClient.quit(), subClient.quit(), emitterClient.quit()]);
  process.exit(0);
});
