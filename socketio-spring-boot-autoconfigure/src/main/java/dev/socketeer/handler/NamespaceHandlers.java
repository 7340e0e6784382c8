package dev.socketeer.handler;

import dev.socketeer.server.Namespace;
import dev.socketeer.server.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The handler methods of one namespace (or namespace pattern), from every controller declaring it; registered on
 * each socket as it connects, with a {@link SocketTaskQueue} of its own.
 */
final class NamespaceHandlers {

    private static final Set<String> RESERVED_EVENTS = Set.of("connect", "connect_error", "disconnect",
            "disconnecting", "newListener", "removeListener");

    record Mapped(HandlerMethod method, ExceptionHandlers exceptionHandlers) {
    }

    private final String description;
    private final List<Mapped> connect = new ArrayList<>();
    private final Map<String, Mapped> events = new LinkedHashMap<>();
    private final List<Mapped> anyEvent = new ArrayList<>();
    private final List<Mapped> disconnecting = new ArrayList<>();
    private final List<Mapped> disconnect = new ArrayList<>();
    private final Map<String, Mapped> serverSideEvents = new LinkedHashMap<>();

    NamespaceHandlers(String description) {
        this.description = description;
    }

    void addConnect(Mapped mapped) {
        connect.add(mapped);
    }

    void addEvent(String event, Mapped mapped) {
        if (RESERVED_EVENTS.contains(event)) {
            throw new IllegalStateException("@OnEvent(\"" + event + "\") on " + mapped.method().description()
                    + ": \"" + event + "\" is a reserved event name; use @OnConnect/@OnDisconnect/@OnDisconnecting"
                    + " or another name");
        }
        Mapped previous = events.putIfAbsent(event, mapped);
        if (previous != null) {
            throw new IllegalStateException("Two handlers for event '" + event + "' in namespace " + description
                    + ": " + previous.method().description() + " and " + mapped.method().description()
                    + "; an event has at most one handler per namespace");
        }
    }

    void addServerSideEvent(String event, Mapped mapped) {
        if (description.startsWith("pattern ")) {
            throw new IllegalStateException("@OnServerSideEvent(\"" + event + "\") on " + mapped.method().description()
                    + ": server-side events are received by named namespaces, not by a namespacePattern controller;"
                    + " move the method to a controller of a named namespace");
        }
        Mapped previous = serverSideEvents.putIfAbsent(event, mapped);
        if (previous != null) {
            throw new IllegalStateException("Two handlers for server-side event '" + event + "' in namespace "
                    + description + ": " + previous.method().description() + " and " + mapped.method().description()
                    + "; a server-side event has at most one handler per namespace");
        }
    }

    /** Registers the server-side event handlers on the namespace, once. */
    void attachServerSide(Namespace namespace, Invoker invoker, HandlerExecutor executor) {
        serverSideEvents.forEach((event, mapped) -> namespace.onServerSideEmit(event, (args, ack) -> {
            SocketIoInvocation invocation = new SocketIoInvocation(null, event, args, ack, null, null, namespace);
            Runnable task = () -> invoker.invoke(mapped.method(), mapped.exceptionHandlers(), invocation);
            if (mapped.method().blocking()) {
                SocketTaskQueue.runBlocking(executor, task);
            } else {
                HandlerLog.safely(task);
            }
        }));
    }

    void addAnyEvent(Mapped mapped) {
        anyEvent.add(mapped);
    }

    void addDisconnecting(Mapped mapped) {
        disconnecting.add(mapped);
    }

    void addDisconnect(Mapped mapped) {
        disconnect.add(mapped);
    }

    int size() {
        return connect.size() + events.size() + anyEvent.size() + disconnecting.size() + disconnect.size()
                + serverSideEvents.size();
    }

    /**
     * Where each method runs, for the startup log: "Socket.IO namespace /chat: on the event loop: A#typing; on
     * HandlerExecutor[virtual threads]: A#message".
     */
    String describeThreads(HandlerExecutor executor) {
        List<String> loop = new ArrayList<>();
        List<String> offLoop = new ArrayList<>();
        List<Mapped> all = new ArrayList<>(connect);
        all.addAll(events.values());
        all.addAll(anyEvent);
        all.addAll(serverSideEvents.values());
        all.addAll(disconnecting);
        all.addAll(disconnect);
        for (Mapped mapped : all) {
            String name = mapped.method().method().getDeclaringClass().getSimpleName() + "#"
                    + mapped.method().method().getName();
            (mapped.method().blocking() ? offLoop : loop).add(name);
        }
        return "Socket.IO namespace " + description + ": " + all.size() + " handler methods; on the event loop: "
                + (loop.isEmpty() ? "none" : String.join(", ", loop)) + "; on " + executor + ": "
                + (offLoop.isEmpty() ? "none" : String.join(", ", offLoop));
    }

    /** Registers the handlers on a socket that just connected. */
    @SuppressWarnings("unchecked")
    void attach(Socket socket, Invoker invoker, HandlerExecutor executor, PendingHandlers pending) {
        SocketTaskQueue queue = new SocketTaskQueue(executor);
        // connection handlers first, so that the socket's events queue up behind them
        for (Mapped mapped : connect) {
            submit(queue, invoker, mapped, new SocketIoInvocation(socket, null, List.of(), null, null, null));
        }
        if (!anyEvent.isEmpty()) {
            socket.onAny((event, args) -> {
                for (Mapped mapped : anyEvent) {
                    submit(queue, invoker, mapped,
                            new SocketIoInvocation(socket, event, (List<JsonNode>) args, null, null, null));
                }
            });
        }
        events.forEach((event, mapped) -> socket.on(event, (args, ack) -> submit(queue, invoker, mapped,
                new SocketIoInvocation(socket, event, args, ack, null, null))));
        if (!disconnecting.isEmpty()) {
            socket.onDisconnecting((closing, reason) -> {
                for (Mapped mapped : disconnecting) {
                    submitCounted(queue, invoker, mapped,
                            new SocketIoInvocation(socket, null, List.of(), null, DisconnectReason.of(reason), null),
                            pending);
                }
            });
        }
        if (!disconnect.isEmpty()) {
            socket.onDisconnect((closed, reason) -> {
                for (Mapped mapped : disconnect) {
                    submitCounted(queue, invoker, mapped,
                            new SocketIoInvocation(socket, null, List.of(), null, DisconnectReason.of(reason), null),
                            pending);
                }
            });
        }
    }

    /** Submits a disconnect handler, counted in {@code pending} until it is over (a shutdown waits for it). */
    private static void submitCounted(SocketTaskQueue queue, Invoker invoker, Mapped mapped,
            SocketIoInvocation invocation, PendingHandlers pending) {
        pending.started();
        queue.submit(() -> invoker.invoke(mapped.method(), mapped.exceptionHandlers(), invocation, pending::finished),
                mapped.method().blocking());
    }

    private static void submit(SocketTaskQueue queue, Invoker invoker, Mapped mapped, SocketIoInvocation invocation) {
        queue.submit(() -> invoker.invoke(mapped.method(), mapped.exceptionHandlers(), invocation),
                mapped.method().blocking());
    }
}
