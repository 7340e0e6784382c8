// One official socket.io-client moving bulk traffic, for the backpressure tests (Java drives it through NodeProcess):
// the payloads are made and checked here, so megabytes never cross the JSON-line pipe.
//
// argv[2]: {"url":"http://127.0.0.1:PORT/","transports":["websocket"]}
// Reconnection is off: a disconnect is final and reported.
//
// Commands (stdin, one JSON object per line):
//   {"op":"echo","count":30,"size":1000000}     emits `count` "echo" events carrying "<index>:" + filler up to `size`
//                                               characters; reports {"type":"done","received":n,"inOrder":bool}
//                                               once every "echo-back" came back whole
//   {"op":"expect","event":"burst-item","count":60,"size":1000000}
//                                               counts `event` events whose first argument is a string of `size`
//                                               characters starting with "<index>:"; reports done as above
//   {"op":"emit","event":"x","args":[...]}      emits one event (e.g. asking the server for a burst)
//   {"op":"pause"} / {"op":"resume"}            stops / restarts reading the WebSocket's TCP socket (a client
//                                               that falls behind while its process keeps running)
//
// Reports: {"type":"connect","sid":socket.id,"engineId":...}, {"type":"done",...},
//   {"type":"disconnect","reason":..., "received":n, "closeCode":n|null}, {"type":"error","message":...}
import { io } from "socket.io-client";
import { createInterface } from "node:readline";

const config = JSON.parse(process.argv[2]);
const socket = io(config.url, { transports: config.transports ?? ["websocket"], forceNew: true, reconnection: false });

let expected = null; // { event, count, size, received, inOrder }

function write(report) {
  process.stdout.write(JSON.stringify(report) + "\n");
}

function payload(index, size) {
  const head = index + ":";
  return head + "x".repeat(Math.max(0, size - head.length));
}

function expect(event, count, size) {
  expected = { event, count, size, received: 0, inOrder: true };
  socket.off(event);
  socket.on(event, (value) => {
    if (typeof value !== "string" || value.length !== size) {
      write({ type: "error", message: `${event} #${expected.received} has ${typeof value === "string" ? value.length : typeof value} characters, expected ${size}` });
      return;
    }
    if (!value.startsWith(expected.received + ":")) {
      expected.inOrder = false;
    }
    expected.received++;
    if (expected.received === count) {
      write({ type: "done", received: expected.received, inOrder: expected.inOrder });
    }
  });
}

socket.on("connect", () => write({ type: "connect", sid: socket.id, engineId: socket.io.engine.id }));
socket.on("connect_error", (err) => write({ type: "error", message: "connect_error: " + err.message }));
socket.on("disconnect", (reason, description) => {
  const context = description && description.context;
  write({
    type: "disconnect",
    reason,
    received: expected ? expected.received : 0,
    closeCode: context && typeof context.code === "number" ? context.code : null,
  });
});

createInterface({ input: process.stdin }).on("line", (line) => {
  if (!line.trim()) return;
  const command = JSON.parse(line);
  switch (command.op) {
    case "echo":
      expect("echo-back", command.count, command.size);
      for (let i = 0; i < command.count; i++) {
        socket.emit("echo", payload(i, command.size));
      }
      break;
    case "expect":
      expect(command.event, command.count, command.size);
      write({ type: "expecting", event: command.event });
      break;
    case "emit":
      socket.emit(command.event, ...(command.args ?? []));
      break;
    case "pause":
    case "resume": {
      const tcp = socket.io.engine.transport.ws && socket.io.engine.transport.ws._socket;
      if (!tcp) {
        write({ type: "error", message: "no WebSocket to " + command.op });
        break;
      }
      command.op === "pause" ? tcp.pause() : tcp.resume();
      write({ type: command.op === "pause" ? "paused" : "resumed" });
      break;
    }
    default:
      write({ type: "error", message: "unknown op " + command.op });
  }
}).on("close", () => {
  socket.close();
  process.exit(0);
});
