package dev.socketeer.adapter;

import dev.socketeer.protocol.socketio.Packet;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import tools.jackson.databind.JsonNode;

/**
 * Keeps the rooms of one namespace and delivers broadcasts, on one server ({@link InMemoryAdapter})
 * or across a cluster. Mirrors socket.io-adapter's {@code Adapter}.
 *
 * <p>Room membership is always local and synchronous. Operations that may have to reach other
 * servers start immediately when called and return a {@link CompletableFuture} that completes
 * when they are done; nothing waits for a subscriber. No method blocks.
 */
public interface Adapter {

    /** Starts the adapter (cluster adapters subscribe and announce themselves). */
    CompletableFuture<Void> init();

    /** Stops the adapter (cluster adapters say goodbye and unsubscribe). */
    CompletableFuture<Void> close();

    /** How many servers share this namespace, this one included. */
    CompletableFuture<Integer> serverCount();

    /**
     * Adds a socket to rooms. Membership changes at once; the future completes when the socket will
     * also receive the broadcasts that other servers send to these rooms (at once on one server; a
     * sharded Redis adapter waits for its room subscriptions). It fails with a
     * {@link ClusterException} when the backend cannot confirm that in time: the socket is still in
     * the rooms, and gets this server's broadcasts.
     */
    CompletableFuture<Void> addAll(String id, Set<String> rooms);

    /** Removes a socket from one room. */
    void del(String id, String room);

    /** Removes a socket from all its rooms. */
    void delAll(String id);

    /** The rooms of a local socket (empty when unknown); a snapshot. */
    Set<String> socketRooms(String id);

    /** The local rooms that currently have members; a snapshot. */
    Set<String> rooms();

    /** The rooms that have members on any server of the cluster (this server's rooms by default). */
    default CompletableFuture<Set<String>> allRooms() {
        return CompletableFuture.completedFuture(rooms());
    }

    /**
     * Sends a packet to every matching socket; the packet is encoded once and the same messages
     * are written to each recipient.
     */
    CompletableFuture<Void> broadcast(Packet packet, BroadcastOptions options);

    /**
     * Sends a packet that asks every matching socket for an acknowledgement. The adapter assigns
     * the ack id. {@code clientCount} is called once per server with the number of sockets it
     * wrote to; {@code response} is called with the first argument of each answer.
     */
    void broadcastWithAck(Packet packet, BroadcastOptions options, IntConsumer clientCount, Consumer<JsonNode> response);

    /** The ids of the sockets in any of these rooms (all sockets when empty), cluster-wide. */
    CompletableFuture<Set<String>> sockets(Set<String> rooms);

    /** The matching sockets, cluster-wide unless the {@code local} flag is set. */
    CompletableFuture<List<SocketDetails>> fetchSockets(BroadcastOptions options);

    /** Makes the matching sockets join rooms. */
    CompletableFuture<Void> addSockets(BroadcastOptions options, Set<String> rooms);

    /** Makes the matching sockets leave rooms. */
    CompletableFuture<Void> delSockets(BroadcastOptions options, Set<String> rooms);

    /** Disconnects the matching sockets ({@code close}: their whole connections). */
    CompletableFuture<Void> disconnectSockets(BroadcastOptions options, boolean close);

    /** Sends an event to the other servers of the cluster (a no-op on a single server). */
    CompletableFuture<Void> serverSideEmit(List<?> packet);

    /**
     * Sends an event to the other servers and collects one answer from each. Completes with the
     * answers, or exceptionally with {@link AckTimeoutException} (carrying the partial answers).
     */
    CompletableFuture<List<JsonNode>> serverSideEmitWithAck(List<?> packet, Duration timeout);

    /** Saves a disconnected socket's session for connection state recovery. */
    CompletableFuture<Void> persistSession(SessionToPersist session);

    /**
     * Restores a session and the packets missed since {@code offset}; empty when not possible.
     * {@code offset} is {@code null} when the client had received no event (it sends none then).
     */
    CompletableFuture<Optional<Session>> restoreSession(String pid, String offset);
}
