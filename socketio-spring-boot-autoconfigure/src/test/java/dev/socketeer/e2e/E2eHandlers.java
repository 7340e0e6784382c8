package dev.socketeer.e2e;

import dev.socketeer.adapter.AckTimeoutException;
import dev.socketeer.autoconfigure.SocketIoServerCustomizer;
import dev.socketeer.server.ConnectionRefusedException;
import dev.socketeer.server.Namespace;
import dev.socketeer.server.RemoteSocket;
import dev.socketeer.server.Socket;
import dev.socketeer.server.SocketIoServer;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The server side of the end-to-end suites, registered through a {@link SocketIoServerCustomizer}
 * exactly as an application would, recording what the server saw (disconnect reasons, rooms while
 * disconnecting, catch-all listeners) for the tests to assert.
 */
final class E2eHandlers implements SocketIoServerCustomizer {

    /** Server-side disconnect reason by socket id. */
    final Map<String, String> disconnectReasons = new ConcurrentHashMap<>();
    /** Rooms seen by the "disconnecting" listener, by socket id. */
    final Map<String, Set<String>> roomsWhileDisconnecting = new ConcurrentHashMap<>();
    /** Incoming event names seen by onAny, by socket id. */
    final Map<String, List<String>> incoming = new ConcurrentHashMap<>();
    /** Outgoing event names seen by onAnyOutgoing, by socket id. */
    final Map<String, List<String>> outgoing = new ConcurrentHashMap<>();
    /** Sockets connected to the main namespace, by id. */
    final Map<String, Socket> sockets = new ConcurrentHashMap<>();
    volatile SocketIoServer server;

    @Override
    public void customize(SocketIoServer server) {
        this.server = server;
        server.onConnection(socket -> register(server, socket));
        server.of("/chat").onConnection(socket -> register(server, socket));
        server.of(Pattern.compile("^/dyn-\\d+$")).onConnection(socket -> {
            register(server, socket);
            socket.emit("hello", socket.namespace().name());
        });
        Namespace guarded = server.of("/guarded");
        guarded.use((socket, next) -> {
            JsonNode token = socket.handshake().auth().get("token");
            if (token != null && "ok".equals(token.asString())) {
                next.proceed();
            } else {
                next.refuse(new ConnectionRefusedException("not authorized", Map.of("code", 401, "hint", "send a token")));
            }
        });
        guarded.onConnection(socket -> register(server, socket));
    }

    private void register(SocketIoServer server, Socket socket) {
        Namespace nsp = socket.namespace();
        sockets.put(socket.id(), socket);
        List<String> in = incoming.computeIfAbsent(socket.id(), id -> new CopyOnWriteArrayList<>());
        List<String> out = outgoing.computeIfAbsent(socket.id(), id -> new CopyOnWriteArrayList<>());
        socket.onAny((event, args) -> in.add(event));
        socket.onAnyOutgoing((event, args) -> out.add(event));
        socket.onDisconnecting((s, reason) -> roomsWhileDisconnecting.put(s.id(), new TreeSet<>(s.rooms())));
        socket.onDisconnect((s, reason) -> {
            disconnectReasons.put(s.id(), reason);
            sockets.remove(s.id());
        });

        socket.on("echo", (args, ack) -> socket.emit("echo-back", args.toArray()));
        socket.on("echo-ack", (args, ack) -> ack.send(args.toArray()));
        socket.on("engine-id", (args, ack) -> ack.send(socket.conn().id(), socket.id(), nsp.name()));
        socket.on("generated", (args, ack) -> {
            Map<String, Object> nested = new LinkedHashMap<>();
            nested.put("list", List.of(1, "two", List.of(3.5, false)));
            nested.put("nothing", null);
            ack.send("é日本😀\u2028\u2029", 9_007_199_254_740_991L, new BigInteger("9007199254740991"), 3.25, true,
                    nested);
        });
        socket.on("binary-out", (args, ack) -> socket.emit("binary", new byte[] {1, 2, 3},
                Map.of("nested", new byte[] {4, 5}, "list", List.of(new byte[] {6}, "x", new byte[] {7, 8})),
                "text"));
        socket.on("binary-ack", (args, ack) -> ack.send(new byte[] {9, 8, 7}, Map.of("inner", new byte[] {6})));
        socket.on("join", (args, ack) -> {
            socket.join(args.get(0).asString());
            ack.send(new ArrayList<>(new TreeSet<>(socket.rooms())));
        });
        socket.on("leave", (args, ack) -> {
            socket.leave(args.get(0).asString());
            ack.send(new ArrayList<>(new TreeSet<>(socket.rooms())));
        });
        socket.on("to-room", (args, ack) -> socket.to(args.get(0).asString()).emit("room-msg", args.get(1)));
        socket.on("broadcast", (args, ack) -> socket.broadcast().emit("broadcast-msg", args.get(0)));
        socket.on("all-except", (args, ack) -> nsp.except(args.get(0).asString()).emit("except-msg", args.get(1)));
        socket.on("ask", (args, ack) -> socket.timeout(Duration.ofMillis(args.get(0).asLong()))
                .emitWithAck("question", "q?")
                .whenComplete((answer, error) -> ack.send(error == null ? Map.of("answer", answer)
                        : Map.of("error", unwrap(error).getMessage()))));
        socket.on("ask-all", (args, ack) -> nsp.timeout(Duration.ofMillis(args.get(0).asLong()))
                .emitWithAck("poll", "vote?")
                .whenComplete((answers, error) -> {
                    Throwable cause = error == null ? null : unwrap(error);
                    if (cause == null) {
                        ack.send(Map.of("answers", sorted(answers)));
                    } else {
                        List<JsonNode> partial = cause instanceof AckTimeoutException timeout ? timeout.responses() : List.of();
                        ack.send(Map.of("error", cause.getMessage(), "answers", sorted(partial)));
                    }
                }));
        socket.on("fetch", (args, ack) -> nsp.in(args.get(0).asString()).fetchSockets().thenAccept(found -> {
            List<Map<String, Object>> out2 = new ArrayList<>();
            for (RemoteSocket remote : found) {
                out2.add(Map.of("id", remote.id(), "rooms", new ArrayList<>(new TreeSet<>(remote.rooms()))));
            }
            ack.send(out2);
        }));
        socket.on("sockets-join", (args, ack) -> nsp.in(args.get(0).asString()).socketsJoin(args.get(1).asString())
                .thenRun(() -> ack.send("done")));
        socket.on("sockets-leave", (args, ack) -> nsp.in(args.get(0).asString()).socketsLeave(args.get(1).asString())
                .thenRun(() -> ack.send("done")));
        socket.on("disconnect-room", (args, ack) -> nsp.in(args.get(0).asString()).disconnectSockets(false));
        socket.on("volatile", (args, ack) -> {
            socket.asVolatile().emit("v", 1);
            socket.asVolatile().emit("v", 2);
            socket.emit("after-volatile");
        });
        socket.on("interleave", (args, ack) -> {
            // From an application thread: broadcasts (a fan-out, whose writes are handed to the event loop in a
            // batch) interleaved with direct emits (queued one by one), then a close; the client must see them all,
            // in order.
            int count = args.get(0).asInt();
            Thread sender = new Thread(() -> {
                for (int i = 0; i < count; i++) {
                    if (i % 3 == 0) {
                        socket.emit("seq", i);
                    } else {
                        nsp.to(socket.id()).emit("seq", i);
                    }
                }
                socket.emit("seq-done", count);
                if (args.size() > 1 && args.get(1).asBoolean()) {
                    socket.disconnect(false);
                }
            }, "interleave-sender");
            sender.start();
        });
        socket.on("compressed", (args, ack) -> {
            socket.compress(false).emit("c", "plain");
            socket.compress(true).emit("c", "x".repeat(4096));
        });
        socket.on("catch-all", (args, ack) -> {
            socket.emit("outgoing-probe", 1);
            ack.send(List.copyOf(in), List.copyOf(out));
        });
        socket.on("server-disconnect", (args, ack) -> socket.disconnect(false));
        socket.on("handshake", (args, ack) -> ack.send(socket.handshake().toMap()));
        socket.on("server-close", (args, ack) -> socket.disconnect(true));
        socket.on("conn-close", (args, ack) -> socket.conn().close());
    }

    private static List<String> sorted(List<JsonNode> answers) {
        List<String> out = new ArrayList<>();
        answers.forEach(answer -> out.add(answer.asString()));
        out.sort(null);
        return out;
    }

    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
