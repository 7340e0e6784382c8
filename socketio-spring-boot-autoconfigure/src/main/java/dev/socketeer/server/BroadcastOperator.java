package dev.socketeer.server;

import dev.socketeer.adapter.AckTimeoutException;
import dev.socketeer.adapter.Adapter;
import dev.socketeer.adapter.BroadcastFlags;
import dev.socketeer.adapter.BroadcastOptions;
import dev.socketeer.protocol.socketio.Packet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * An immutable description of who receives a broadcast (rooms, exceptions, flags); each modifier
 * returns a new operator. Mirrors the reference server's {@code BroadcastOperator}.
 */
public final class BroadcastOperator {

    private final Namespace namespace;
    private final Adapter adapter;
    private final Set<String> rooms;
    private final Set<String> except;
    private final BroadcastFlags flags;

    BroadcastOperator(Namespace namespace, Adapter adapter, Set<String> rooms, Set<String> except, BroadcastFlags flags) {
        this.namespace = namespace;
        this.adapter = adapter;
        this.rooms = rooms;
        this.except = except;
        this.flags = flags;
    }

    /** Also targets these rooms (the union of all targeted rooms receives the event). */
    public BroadcastOperator to(String... rooms) {
        return to(Arrays.asList(rooms));
    }

    public BroadcastOperator to(Collection<String> rooms) {
        Set<String> union = new LinkedHashSet<>(this.rooms);
        union.addAll(rooms);
        return new BroadcastOperator(namespace, adapter, Set.copyOf(union), except, flags);
    }

    /** Alias of {@link #to}. */
    public BroadcastOperator in(String... rooms) {
        return to(rooms);
    }

    /** Skips the sockets in these rooms. */
    public BroadcastOperator except(String... rooms) {
        return except(Arrays.asList(rooms));
    }

    public BroadcastOperator except(Collection<String> rooms) {
        Set<String> union = new LinkedHashSet<>(except);
        union.addAll(rooms);
        return new BroadcastOperator(namespace, adapter, this.rooms, Set.copyOf(union), flags);
    }

    /** The event may be dropped for clients whose transport is not writable right now. */
    public BroadcastOperator asVolatile() {
        return new BroadcastOperator(namespace, adapter, rooms, except, flags.withVolatile(true));
    }

    public BroadcastOperator compress(boolean compress) {
        return new BroadcastOperator(namespace, adapter, rooms, except, flags.withCompress(compress));
    }

    /** Only this server's sockets. */
    public BroadcastOperator local() {
        return new BroadcastOperator(namespace, adapter, rooms, except, flags.withLocal(true));
    }

    /** How long {@link #emitWithAck} waits for every answer. */
    public BroadcastOperator timeout(Duration timeout) {
        return new BroadcastOperator(namespace, adapter, rooms, except, flags.withTimeout(timeout));
    }

    BroadcastOptions options() {
        return new BroadcastOptions(rooms, except, flags);
    }

    /** Sends an event to every targeted socket. */
    public boolean emit(String event, Object... args) {
        Namespace.checkNotReserved(event);
        adapter.broadcast(Packet.event(namespace.name(), null, eventData(event, args)), options());
        return true;
    }

    /**
     * Sends an event asking every targeted socket for an acknowledgement; completes with the first
     * argument of each answer once all have answered, or fails with {@link AckTimeoutException}
     * ("operation has timed out", carrying the answers received) after the {@link #timeout}, or
     * with a {@link dev.socketeer.adapter.ClusterException} when the cluster cannot tell how many
     * servers must answer (its backend is unreachable, or too slow to say within the timeout). Without
     * {@link #timeout}, the server's default acknowledgement timeout applies ({@code socketio.ack-timeout}).
     *
     * @throws IllegalStateException if no timeout was set and the server has no default
     */
    public CompletableFuture<List<JsonNode>> emitWithAck(String event, Object... args) {
        Namespace.checkNotReserved(event);
        Duration timeout = flags.timeout() != null ? flags.timeout() : namespace.server().options().ackTimeout();
        if (timeout == null) {
            throw new IllegalStateException("emitWithAck on a broadcast needs a timeout: call timeout(Duration) first,"
                    + " or give the server a default (socketio.ack-timeout)");
        }
        AckCollector collector = new AckCollector();
        Disposable timer = Schedulers.parallel().schedule(collector::timeOut, timeout.toMillis(), TimeUnit.MILLISECONDS);
        collector.result.whenComplete((value, error) -> timer.dispose());
        adapter.broadcastWithAck(Packet.event(namespace.name(), null, eventData(event, args)), options(),
                collector::clientCount, collector::response);
        adapter.serverCount().whenComplete((count, error) -> {
            if (error == null) {
                collector.serverCount(count);
            } else {
                // the other servers' answers cannot be counted on: say so rather than pretend there are none
                collector.fail(error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error);
            }
        });
        return collector.result;
    }

    private static List<Object> eventData(String event, Object[] args) {
        List<Object> data = new ArrayList<>(args.length + 1);
        data.add(event);
        data.addAll(Arrays.asList(args));
        return data;
    }

    /** The ids of the targeted sockets. */
    public CompletableFuture<Set<String>> allSockets() {
        return adapter.sockets(rooms);
    }

    /** The targeted sockets, with their handshake, rooms and data. */
    public CompletableFuture<List<RemoteSocket>> fetchSockets() {
        return adapter.fetchSockets(options()).thenApply(details -> details.stream()
                .map(detail -> new RemoteSocket(namespace, adapter, detail))
                .toList());
    }

    /** Makes the targeted sockets join rooms. */
    public CompletableFuture<Void> socketsJoin(String... rooms) {
        return adapter.addSockets(options(), Set.of(rooms));
    }

    /** Makes the targeted sockets leave rooms. */
    public CompletableFuture<Void> socketsLeave(String... rooms) {
        return adapter.delSockets(options(), Set.of(rooms));
    }

    /** Disconnects the targeted sockets ({@code close}: their whole connections). */
    public CompletableFuture<Void> disconnectSockets(boolean close) {
        return adapter.disconnectSockets(options(), close);
    }

    /** Tracks the answers of one broadcast with acknowledgement, as the reference does. */
    private static final class AckCollector {

        final CompletableFuture<List<JsonNode>> result = new CompletableFuture<>();
        private final List<JsonNode> responses = new ArrayList<>();
        private int expectedServerCount = -1;
        private int actualServerCount;
        private int expectedClientCount;

        synchronized void clientCount(int count) {
            expectedClientCount += count;
            actualServerCount++;
            checkCompleteness();
        }

        synchronized void response(JsonNode response) {
            responses.add(response);
            checkCompleteness();
        }

        synchronized void serverCount(int count) {
            expectedServerCount = count;
            checkCompleteness();
        }

        synchronized void timeOut() {
            result.completeExceptionally(new AckTimeoutException(responses));
        }

        synchronized void fail(Throwable error) {
            result.completeExceptionally(error);
        }

        private void checkCompleteness() {
            if (!result.isDone() && expectedServerCount == actualServerCount
                    && responses.size() == expectedClientCount) {
                result.complete(List.copyOf(responses));
            }
        }
    }
}
