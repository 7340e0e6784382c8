package dev.socketeer.server;

import dev.socketeer.adapter.Adapter;
import dev.socketeer.adapter.BroadcastFlags;
import dev.socketeer.adapter.BroadcastOptions;
import dev.socketeer.adapter.SocketDetails;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A socket returned by {@code fetchSockets()}, on this server or another one: its details at
 * fetch time, and operations that reach it through the adapter.
 */
public final class RemoteSocket {

    private final Namespace namespace;
    private final Adapter adapter;
    private final SocketDetails details;

    RemoteSocket(Namespace namespace, Adapter adapter, SocketDetails details) {
        this.namespace = namespace;
        this.adapter = adapter;
        this.details = details;
    }

    public String id() {
        return details.id();
    }

    /** The {@link Handshake} of a local socket, the decoded handshake map of a remote one. */
    public Object handshake() {
        return details.handshake();
    }

    public Set<String> rooms() {
        return details.rooms();
    }

    public Map<String, Object> data() {
        return details.data();
    }

    /** Whether the socket lives on this server. */
    public boolean local() {
        return details.local();
    }

    private BroadcastOptions self() {
        return new BroadcastOptions(Set.of(details.id()), Set.of(), BroadcastFlags.NONE);
    }

    public boolean emit(String event, Object... args) {
        return new BroadcastOperator(namespace, adapter, Set.of(details.id()), Set.of(), BroadcastFlags.NONE)
                .emit(event, args);
    }

    public CompletableFuture<Void> join(String... rooms) {
        return adapter.addSockets(self(), Set.of(rooms));
    }

    public CompletableFuture<Void> leave(String... rooms) {
        return adapter.delSockets(self(), Set.of(rooms));
    }

    public CompletableFuture<Void> disconnect(boolean close) {
        return adapter.disconnectSockets(self(), close);
    }
}
