package dev.socketeer.server;

import dev.socketeer.adapter.Adapter;
import dev.socketeer.adapter.BroadcastOptions;
import dev.socketeer.adapter.InMemoryAdapter;
import dev.socketeer.adapter.LocalNamespace;
import dev.socketeer.adapter.SocketDetails;
import dev.socketeer.protocol.socketio.Packet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiPredicate;
import tools.jackson.databind.JsonNode;

/**
 * The namespace returned by {@code of(Pattern)} / {@code of(Predicate)}: it creates a child
 * namespace for each matching name, handing it its middlewares and connection listeners;
 * broadcasts from it reach every child.
 */
final class ParentNamespace extends Namespace {

    private static final java.util.concurrent.atomic.AtomicInteger COUNT = new java.util.concurrent.atomic.AtomicInteger();

    private final BiPredicate<String, JsonNode> matcher;
    private final List<Namespace> children = new CopyOnWriteArrayList<>();

    ParentNamespace(SocketIoServer server, BiPredicate<String, JsonNode> matcher) {
        super(server, "/_" + COUNT.getAndIncrement(), null, ChildrenAdapter::new);
        this.matcher = matcher;
        ((ChildrenAdapter) adapter()).parent = this;
    }

    boolean matches(String name, JsonNode auth) {
        try {
            return matcher.test(name, auth);
        } catch (RuntimeException e) {
            Listeners.warn("namespace matcher threw for " + name + ": " + e);
            return false;
        }
    }

    Namespace createChild(String name) {
        Namespace child = new Namespace(server(), name, this, server().options().adapterFactory()::create);
        child.middlewares.addAll(middlewares);
        child.connectionListeners.addAll(connectionListeners);
        children.add(child);
        return child;
    }

    void removeChild(Namespace child) {
        if (children.remove(child)) {
            child.adapter().close();
            server().removeNamespace(child);
        }
    }

    List<Namespace> children() {
        return children;
    }

    /** Broadcasts from the parent reach every child namespace. */
    private static final class ChildrenAdapter extends InMemoryAdapter {

        private ParentNamespace parent;

        ChildrenAdapter(LocalNamespace namespace) {
            super(namespace);
        }

        @Override
        public CompletableFuture<Void> broadcast(Packet packet, BroadcastOptions options) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (Namespace child : parent.children) {
                all.add(child.adapter().broadcast(packet.withNamespace(child.name()), options));
            }
            return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
        }

        @Override
        public CompletableFuture<List<SocketDetails>> fetchSockets(BroadcastOptions options) {
            List<CompletableFuture<List<SocketDetails>>> all = new ArrayList<>();
            for (Namespace child : parent.children) {
                all.add(child.adapter().fetchSockets(options));
            }
            return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
                List<SocketDetails> details = new ArrayList<>();
                all.forEach(future -> details.addAll(future.join()));
                return details;
            });
        }

        @Override
        public CompletableFuture<Void> addSockets(BroadcastOptions options, Set<String> rooms) {
            return forEachChild(adapter -> adapter.addSockets(options, rooms));
        }

        @Override
        public CompletableFuture<Void> delSockets(BroadcastOptions options, Set<String> rooms) {
            return forEachChild(adapter -> adapter.delSockets(options, rooms));
        }

        @Override
        public CompletableFuture<Void> disconnectSockets(BroadcastOptions options, boolean close) {
            return forEachChild(adapter -> adapter.disconnectSockets(options, close));
        }

        private CompletableFuture<Void> forEachChild(java.util.function.Function<Adapter, CompletableFuture<Void>> action) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (Namespace child : parent.children) {
                all.add(action.apply(child.adapter()));
            }
            return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
        }
    }
}
