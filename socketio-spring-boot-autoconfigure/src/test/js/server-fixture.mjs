// The Node reference server (socket.io 4.8.4) for tests: proves the client harness against the real thing and
// serves later interop tests. Started by dev.socketeer.test.NodeSocketIoServer.
//
// Usage: node server-fixture.mjs [serverOptionsJson]   (socket.io Server options, e.g. {"pingInterval":300})
// Prints {"type":"listening","port":N} first, then one JSON line per notable server-side happening.
// Exits when stdin closes.
//
// Behaviour, on "/" and "/custom" (any other namespace is refused by socket.io itself):
//   on connection: emit("welcome", {sid, nsp, auth, query})
//   "message" ...args           -> emit("message-back", ...args)
//   "message-with-ack" ...args  -> ack(...args)
//   "request-ack" event, args[], timeoutMs -> emit(event, ...args) with an ack, then emit("ack-result", ...response)
//                                  or emit("ack-failed", message) on timeout
//   "join" room                 -> joins, acks with the socket's rooms
//   "to-room" room, event, ...args -> io.of(nsp).to(room).emit(event, ...args)
//   "server-disconnect"         -> socket.disconnect()
//   "handshake"                 -> acks with socket.handshake's time, address, xdomain, secure, issued, url, query
// On "/private": middleware refuses unless auth.token === "secret" (error "unauthorized", data {reason}).
import { createServer } from "node:http";
import { Server } from "socket.io";

const options = JSON.parse(process.argv[2] ?? "{}");
const httpServer = createServer();
const io = new Server(httpServer, { cors: { origin: "*" }, ...options });

function report(record) {
  process.stdout.write(JSON.stringify(record) + "\n");
}

function wire(namespace) {
  namespace.on("connection", (socket) => {
    report({ type: "connection", nsp: namespace.name, sid: socket.id, recovered: socket.recovered === true });
    socket.emit("welcome", {
      sid: socket.id,
      nsp: namespace.name,
      auth: socket.handshake.auth,
      query: socket.handshake.query,
    });
    socket.on("message", (...args) => socket.emit("message-back", ...args));
    socket.on("message-with-ack", (...args) => {
      const ack = args.pop();
      if (typeof ack === "function") ack(...args);
    });
    socket.on("request-ack", (event, args = [], timeoutMs = 2000) => {
      socket.timeout(timeoutMs).emit(event, ...args, (err, ...response) => {
        if (err) socket.emit("ack-failed", err.message);
        else socket.emit("ack-result", ...response);
      });
    });
    socket.on("join", (room, ack) => {
      socket.join(room);
      if (typeof ack === "function") ack([...socket.rooms]);
    });
    socket.on("to-room", (room, event, ...args) => namespace.to(room).emit(event, ...args));
    socket.on("server-disconnect", () => socket.disconnect());
    socket.on("handshake", (ack) => {
      const { time, address, xdomain, secure, issued, url, query } = socket.handshake;
      ack({ time, address, xdomain, secure, issued, url, query });
    });
    socket.on("disconnect", (reason) => report({ type: "disconnect", nsp: namespace.name, sid: socket.id, reason }));
  });
}

wire(io.of("/"));
wire(io.of("/custom"));
const privateNamespace = io.of("/private");
privateNamespace.use((socket, next) => {
  if (socket.handshake.auth?.token === "secret") return next();
  const err = new Error("unauthorized");
  err.data = { reason: "auth.token must be 'secret'" };
  next(err);
});
wire(privateNamespace);

httpServer.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  report({ type: "listening", port: httpServer.address().port });
});

function shutdown() {
  io.close();
  httpServer.closeAllConnections?.();
  setTimeout(() => process.exit(0), 100).unref();
}

process.stdin.on("end", shutdown);
process.stdin.on("close", shutdown);
process.stdin.resume();
