// Drives official socket.io-client instances for Java tests (dev.socketeer.test.NodeSocketIoClient).
//
// Protocol: one JSON object per line on stdin (commands), one JSON object per line on stdout (reports).
// Binary values travel as {"$bin":"<base64>"} in both directions (Buffer on this side).
// Every command may carry "id"; reports caused by that command echo it back.
// The driver closes every client and exits when stdin closes or on {"op":"close"}.
//
// Commands:
//   {"op":"connect","client":"c1","url":"http://127.0.0.1:PORT/nsp","opts":{...},"acks":{"evt":{"reply":[...]}|{"echo":true}}}
//   {"op":"emit","client":"c1","event":"x","args":[...],"ack":true,"timeout":ms,"volatile":false,"compress":true}
//   {"op":"acks","client":"c1","event":"x","reply":[...]}  or  {"op":"acks","client":"c1","event":"x","echo":true}
//   {"op":"ack","client":"c1","ackId":3,"args":[...]}      answers an ack the server requested (see "event".ackId)
//   {"op":"disconnect","client":"c1"}                      socket.disconnect()
//   {"op":"open","client":"c1"}                            socket.connect() again
//   {"op":"closeTransport","client":"c1"}                  drops the engine.io connection like a network failure
//   {"op":"state","client":"c1"}                           reports connected/id/transport/recovered
//   {"op":"ping"}                                          reports {"type":"pong"}: every earlier command was handled
//   {"op":"close"}                                         closes every client and exits
//
// Reports (type): ready, connect, connect_error, disconnect, event, ack, ack_error, upgrade, reconnect_attempt,
//   reconnect, reconnect_error, reconnect_failed, state, pong, error, closed.
import { io } from "socket.io-client";
import { createInterface } from "node:readline";

const clients = new Map();

function write(report) {
  process.stdout.write(JSON.stringify(encode(report)) + "\n");
}

function encode(value) {
  if (value === null || value === undefined) return value ?? null;
  if (Buffer.isBuffer(value)) return { $bin: value.toString("base64") };
  if (value instanceof ArrayBuffer) return { $bin: Buffer.from(value).toString("base64") };
  if (ArrayBuffer.isView(value)) {
    return { $bin: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  }
  if (Array.isArray(value)) return value.map(encode);
  if (typeof value === "object") {
    if (typeof value.toJSON === "function") return encode(value.toJSON());
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
    if (keys.length === 1 && keys[0] === "$bin" && typeof value.$bin === "string") {
      return Buffer.from(value.$bin, "base64");
    }
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = decode(v);
    return out;
  }
  return value;
}

function describeError(err) {
  if (err === null || err === undefined) return { message: String(err) };
  const out = { message: err.message ?? String(err) };
  if (err.data !== undefined) out.data = err.data;
  if (err.description !== undefined) out.description = describeDescription(err.description);
  if (err.type !== undefined) out.errorType = err.type;
  return out;
}

function describeDescription(description) {
  if (description === null || description === undefined) return null;
  if (description instanceof Error) return { message: description.message };
  if (typeof description === "object") {
    return { description: String(description.description ?? ""), context: String(description.context ?? "") };
  }
  return String(description);
}

function transportOf(socket) {
  return socket.io.engine?.transport?.name ?? null;
}

function requireClient(cmd) {
  const entry = clients.get(cmd.client);
  if (!entry) throw new Error(`unknown client '${cmd.client}': connect it first`);
  return entry;
}

function connect(cmd) {
  if (!cmd.client || !cmd.url) throw new Error("connect needs 'client' and 'url'");
  if (clients.has(cmd.client)) throw new Error(`client '${cmd.client}' already exists`);
  // forceNew keeps test clients independent; every other option keeps socket.io-client's default.
  const opts = { forceNew: true, ...decode(cmd.opts ?? {}) };
  const socket = io(cmd.url, opts);
  const entry = { socket, acks: { ...(cmd.acks ?? {}) }, pendingAcks: new Map(), nextAckId: 1 };
  clients.set(cmd.client, entry);
  const name = cmd.client;

  socket.on("connect", () => {
    write({ type: "connect", client: name, sid: socket.id, recovered: socket.recovered === true, transport: transportOf(socket) });
  });
  socket.on("connect_error", (err) => write({ type: "connect_error", client: name, ...describeError(err) }));
  socket.on("disconnect", (reason, description) =>
    write({ type: "disconnect", client: name, reason, description: describeDescription(description) }));
  socket.onAny((event, ...args) => {
    let ackId = null;
    if (args.length > 0 && typeof args[args.length - 1] === "function") {
      const callback = args.pop();
      const rule = entry.acks[event];
      if (rule && rule.echo) {
        callback(...args);
      } else if (rule && Array.isArray(rule.reply)) {
        callback(...decode(rule.reply));
      } else {
        ackId = entry.nextAckId++;
        entry.pendingAcks.set(ackId, callback);
      }
      write({ type: "event", client: name, event, args, ackRequested: true, ackId });
      return;
    }
    write({ type: "event", client: name, event, args, ackRequested: false, ackId: null });
  });

  const manager = socket.io;
  manager.on("open", () => {
    manager.engine.on("upgrade", (transport) => write({ type: "upgrade", client: name, transport: transport.name }));
  });
  manager.on("reconnect_attempt", (attempt) => write({ type: "reconnect_attempt", client: name, attempt }));
  manager.on("reconnect", (attempt) => write({ type: "reconnect", client: name, attempt }));
  manager.on("reconnect_error", (err) => write({ type: "reconnect_error", client: name, ...describeError(err) }));
  manager.on("reconnect_failed", () => write({ type: "reconnect_failed", client: name }));
}

function emit(cmd) {
  const { socket } = requireClient(cmd);
  const args = decode(cmd.args ?? []);
  let target = socket;
  if (cmd.volatile) target = target.volatile;
  if (cmd.compress === false) target = target.compress(false);
  if (!cmd.ack) {
    target.emit(cmd.event, ...args);
    return;
  }
  const base = { client: cmd.client, event: cmd.event, id: cmd.id ?? null };
  if (cmd.timeout !== undefined && cmd.timeout !== null) {
    target.timeout(cmd.timeout).emit(cmd.event, ...args, (err, ...response) => {
      if (err) write({ type: "ack_error", ...base, ...describeError(err) });
      else write({ type: "ack", ...base, args: response });
    });
  } else {
    target.emit(cmd.event, ...args, (...response) => write({ type: "ack", ...base, args: response }));
  }
}

function configureAcks(cmd) {
  const entry = requireClient(cmd);
  if (!cmd.event) throw new Error("acks needs 'event'");
  if (cmd.echo) entry.acks[cmd.event] = { echo: true };
  else if (Array.isArray(cmd.reply)) entry.acks[cmd.event] = { reply: cmd.reply };
  else delete entry.acks[cmd.event];
}

function answerAck(cmd) {
  const entry = requireClient(cmd);
  const callback = entry.pendingAcks.get(cmd.ackId);
  if (!callback) throw new Error(`client '${cmd.client}' has no pending server ack ${cmd.ackId}`);
  entry.pendingAcks.delete(cmd.ackId);
  callback(...decode(cmd.args ?? []));
}

// Drops the Engine.IO connection the way a network failure does (reason "transport close"), without a close packet.
function closeTransport(cmd) {
  const engine = requireClient(cmd).socket.io.engine;
  if (!engine) throw new Error(`client '${cmd.client}' has no engine connection`);
  if (typeof engine._onClose === "function") engine._onClose("transport close");
  else engine.close();
}

function state(cmd) {
  const { socket } = requireClient(cmd);
  write({
    type: "state",
    client: cmd.client,
    id: cmd.id ?? null,
    connected: socket.connected,
    active: socket.active,
    sid: socket.id ?? null,
    recovered: socket.recovered === true,
    transport: transportOf(socket),
  });
}

let closing = false;

function closeAll() {
  if (closing) return;
  closing = true;
  for (const { socket } of clients.values()) {
    try {
      socket.io.reconnection(false);
      socket.disconnect();
      socket.io.engine?.close();
    } catch {
      // already closed
    }
  }
  clients.clear();
  write({ type: "closed" });
  // Let stdout drain, then leave even if a transport still holds a timer.
  setTimeout(() => process.exit(0), 50).unref();
  process.stdout.write("", () => process.exit(0));
}

function handle(cmd) {
  switch (cmd.op) {
    case "connect": return connect(cmd);
    case "emit": return emit(cmd);
    case "acks": return configureAcks(cmd);
    case "ack": return answerAck(cmd);
    case "disconnect": return requireClient(cmd).socket.disconnect();
    case "open": return requireClient(cmd).socket.connect();
    case "closeTransport": return closeTransport(cmd);
    case "state": return state(cmd);
    case "ping": return write({ type: "pong", id: cmd.id ?? null });
    case "close": return closeAll();
    default: throw new Error(`unknown op '${cmd.op}'`);
  }
}

process.on("uncaughtException", (err) => write({ type: "error", message: `uncaught: ${err.stack ?? err}` }));
process.on("unhandledRejection", (err) => write({ type: "error", message: `unhandled rejection: ${err?.stack ?? err}` }));

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  if (line.trim() === "") return;
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (err) {
    write({ type: "error", message: `not JSON: ${err.message}`, line });
    return;
  }
  try {
    handle(cmd);
  } catch (err) {
    write({ type: "error", op: cmd.op ?? null, client: cmd.client ?? null, id: cmd.id ?? null, message: err.message });
  }
});
lines.on("close", closeAll);

write({ type: "ready", node: process.version });
