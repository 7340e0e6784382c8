package dev.socketeer.handler;

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
        return connect.size() + events.size() + anyEvent.size() + disconnecting.size() + disconnect.size();
    }

    /** Registers the handlers on a socket that just connected. */
    @SuppressWarnings("unchecked")
    void attach(Socket socket, Invoker invoker, HandlerExecutor executor) {
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
                    submit(queue, invoker, mapped,
                            new SocketIoInvocation(socket, null, List.of(), null, DisconnectReason.of(reason), null));
                }
            });
        }
        if (!disconnect.isEmpty()) {
            socket.onDisconnect((closed, reason) -> {
                for (Mapped mapped : disconnect) {
                    submit(queue, invoker, mapped,
                            new SocketIoInvocation(socket, null, List.of(), null, DisconnectReason.of(reason), null));
                }
            });
        }
    }

    private static void submit(SocketTaskQueue queue, Invoker invoker, Mapped mapped, SocketIoInvocation invocation) {
        queue.submit(() -> invoker.invoke(mapped.method(), mapped.exceptionHandlers(), invocation),
                mapped.method().blocking());
    }
}
