package dev.socketeer.adapter;

import dev.socketeer.protocol.engineio.EngineMessage;
import dev.socketeer.protocol.socketio.EncodedPacket;
import dev.socketeer.protocol.socketio.Packet;
import dev.socketeer.protocol.socketio.PacketType;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * The single-server adapter: rooms and socket ids in concurrent maps (the sets in them are
 * {@link RoomSets}), broadcasts encoded once and written to each local recipient. When the
 * namespace has connection state recovery on, it also keeps disconnected sessions and a log of
 * broadcast packets with their offsets, like socket.io-adapter's {@code SessionAwareAdapter}.
 *
 * <p>Cluster adapters extend this class: they publish first, then call the local operations.
 */
public class InMemoryAdapter implements Adapter {

    private static final long MIN_SWEEP_INTERVAL_MILLIS = 1_000;
    private static final long MAX_SWEEP_INTERVAL_MILLIS = 60_000;

    /** The namespace this adapter serves. */
    protected final LocalNamespace namespace;
    private final Map<String, Set<String>> rooms = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> sids = new ConcurrentHashMap<>();

    private final Duration maxDisconnectionDuration;
    private final Map<String, StoredSession> sessions = new ConcurrentHashMap<>();
    private final Deque<StoredPacket> packets = new ArrayDeque<>();
    private final OffsetGenerator offsets = new OffsetGenerator();
    private final Disposable sweeper;

    public InMemoryAdapter(LocalNamespace namespace) {
        this.namespace = namespace;
        this.maxDisconnectionDuration = namespace.maxDisconnectionDuration();
        // expired sessions and packets go on time, not only when the next disconnection happens
        this.sweeper = maxDisconnectionDuration == null ? null : Schedulers.parallel().schedulePeriodically(this::sweep,
                sweepInterval(maxDisconnectionDuration), sweepInterval(maxDisconnectionDuration), TimeUnit.MILLISECONDS);
    }

    /** A quarter of the recovery window, so that a session outlives it by at most 25 % (1 s to 60 s). */
    static long sweepInterval(Duration maxDisconnectionDuration) {
        return Math.max(MIN_SWEEP_INTERVAL_MILLIS,
                Math.min(MAX_SWEEP_INTERVAL_MILLIS, maxDisconnectionDuration.toMillis() / 4));
    }

    @Override
    public CompletableFuture<Void> init() {
        return CompletableFuture.completedFuture(null);
    }

    /** Stops the sweeping of expired recovery sessions; subclasses call it from their own {@code close}. */
    @Override
    public CompletableFuture<Void> close() {
        if (sweeper != null) {
            sweeper.dispose();
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Integer> serverCount() {
        return CompletableFuture.completedFuture(1);
    }

    /** Adds a socket to rooms; complete at once (subclasses may wait for their subscriptions). */
    @Override
    public CompletableFuture<Void> addAll(String id, Set<String> roomsToJoin) {
        sids.compute(id, (key, socketRooms) -> {
            Set<String> updated = socketRooms == null ? Set.of() : socketRooms;
            for (String room : roomsToJoin) {
                updated = RoomSets.with(updated, room);
            }
            return updated;
        });
        for (String room : roomsToJoin) {
            boolean[] created = new boolean[1];
            boolean[] joined = new boolean[1];
            rooms.compute(room, (key, members) -> {
                created[0] = members == null;
                joined[0] = members == null || !members.contains(id);
                return RoomSets.with(members, id);
            });
            if (created[0]) {
                onCreateRoom(room);
            }
            if (joined[0]) {
                onJoinRoom(room, id);
                namespace.roomJoined(room, id);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void del(String id, String room) {
        sids.computeIfPresent(id, (key, socketRooms) -> RoomSets.without(socketRooms, room));
        removeFromRoom(room, id);
    }

    @Override
    public void delAll(String id) {
        Set<String> socketRooms = sids.remove(id);
        if (socketRooms == null) {
            return;
        }
        for (String room : socketRooms) {
            removeFromRoom(room, id);
        }
    }

    private void removeFromRoom(String room, String id) {
        boolean[] left = new boolean[1];
        boolean[] deleted = new boolean[1];
        rooms.computeIfPresent(room, (key, members) -> {
            left[0] = members.contains(id);
            Set<String> rest = RoomSets.without(members, id);
            deleted[0] = rest.isEmpty();
            return deleted[0] ? null : rest;
        });
        if (left[0]) {
            onLeaveRoom(room, id);
            namespace.roomLeft(room, id);
        }
        if (deleted[0]) {
            onDeleteRoom(room);
        }
    }

    /** Called when a room gets its first member (cluster adapters may subscribe to it). */
    protected void onCreateRoom(String room) {
    }

    /** Called when a room loses its last member. */
    protected void onDeleteRoom(String room) {
    }

    /** Called when a socket joins a room. */
    protected void onJoinRoom(String room, String id) {
    }

    /** Called when a socket leaves a room. */
    protected void onLeaveRoom(String room, String id) {
    }

    @Override
    public Set<String> socketRooms(String id) {
        Set<String> socketRooms = sids.get(id);
        return socketRooms == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(socketRooms));
    }

    @Override
    public Set<String> rooms() {
        return Set.copyOf(rooms.keySet());
    }

    @Override
    public CompletableFuture<Void> broadcast(Packet packet, BroadcastOptions options) {
        Packet toSend = packet.withNamespace(namespace.name());
        if (maxDisconnectionDuration != null && toSend.type() == PacketType.EVENT && toSend.id() == null
                && !options.flags().isVolatile()) {
            toSend = storeForRecovery(toSend, options);
        }
        localBroadcast(toSend, options);
        return CompletableFuture.completedFuture(null);
    }

    /** Writes a packet to the matching local sockets, encoding it once. */
    protected void localBroadcast(Packet packet, BroadcastOptions options) {
        List<EngineMessage> messages = toMessages(packet);
        BroadcastFlags flags = options.flags();
        int[] count = new int[1];
        namespace.fanOut(() -> forEachMatching(options, socket -> {
            count[0]++;
            socket.notifyOutgoing(packet);
            socket.write(messages, flags.isVolatile(), flags.compress());
        }));
        namespace.broadcastDelivered(count[0]);
    }

    @Override
    public void broadcastWithAck(Packet packet, BroadcastOptions options, IntConsumer clientCount,
            Consumer<JsonNode> response) {
        Packet toSend = packet.withNamespace(namespace.name()).withId(namespace.nextAckId());
        List<EngineMessage> messages = toMessages(toSend);
        BroadcastFlags flags = options.flags();
        int[] count = new int[1];
        namespace.fanOut(() -> forEachMatching(options, socket -> {
            count[0]++;
            socket.registerAck(toSend.id(), response);
            socket.notifyOutgoing(toSend);
            socket.write(messages, flags.isVolatile(), flags.compress());
        }));
        namespace.broadcastDelivered(count[0]);
        clientCount.accept(count[0]);
    }

    /** Encodes a packet into the Engine.IO messages every recipient will share. */
    protected final List<EngineMessage> toMessages(Packet packet) {
        EncodedPacket encoded = namespace.encoder().encode(packet);
        if (encoded.attachments().isEmpty()) {
            return List.of(EngineMessage.text(encoded.text()));
        }
        List<EngineMessage> messages = new ArrayList<>(1 + encoded.attachments().size());
        messages.add(EngineMessage.text(encoded.text()));
        for (byte[] attachment : encoded.attachments()) {
            messages.add(EngineMessage.binary(attachment));
        }
        return List.copyOf(messages);
    }

    /** Calls {@code action} once for each connected local socket matching the options. */
    protected final void forEachMatching(BroadcastOptions options, Consumer<LocalSocket> action) {
        Set<String> except = exceptIds(options.except());
        if (!options.rooms().isEmpty()) {
            Set<String> seen = new HashSet<>();
            for (String room : options.rooms()) {
                Set<String> members = rooms.get(room);
                if (members == null) {
                    continue;
                }
                for (String id : members) {
                    if (seen.contains(id) || except.contains(id)) {
                        continue;
                    }
                    LocalSocket socket = namespace.socket(id);
                    if (socket != null) {
                        seen.add(id);
                        action.accept(socket);
                    }
                }
            }
        } else {
            for (String id : sids.keySet()) {
                if (except.contains(id)) {
                    continue;
                }
                LocalSocket socket = namespace.socket(id);
                if (socket != null) {
                    action.accept(socket);
                }
            }
        }
    }

    private Set<String> exceptIds(Set<String> exceptRooms) {
        if (exceptRooms.isEmpty()) {
            return Set.of();
        }
        Set<String> ids = new HashSet<>();
        for (String room : exceptRooms) {
            Set<String> members = rooms.get(room);
            if (members != null) {
                ids.addAll(members);
            }
        }
        return ids;
    }

    @Override
    public CompletableFuture<Set<String>> sockets(Set<String> roomsToMatch) {
        Set<String> ids = new LinkedHashSet<>();
        forEachMatching(new BroadcastOptions(roomsToMatch, Set.of(), BroadcastFlags.NONE), socket -> ids.add(socket.id()));
        return CompletableFuture.completedFuture(ids);
    }

    @Override
    public CompletableFuture<List<SocketDetails>> fetchSockets(BroadcastOptions options) {
        List<SocketDetails> details = new ArrayList<>();
        forEachMatching(options, socket -> details.add(socket.details()));
        return CompletableFuture.completedFuture(details);
    }

    @Override
    public CompletableFuture<Void> addSockets(BroadcastOptions options, Set<String> roomsToJoin) {
        for (LocalSocket socket : matching(options)) {
            addAll(socket.id(), roomsToJoin);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> delSockets(BroadcastOptions options, Set<String> roomsToLeave) {
        for (LocalSocket socket : matching(options)) {
            for (String room : roomsToLeave) {
                del(socket.id(), room);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> disconnectSockets(BroadcastOptions options, boolean close) {
        for (LocalSocket socket : matching(options)) {
            socket.disconnect(close);
        }
        return CompletableFuture.completedFuture(null);
    }

    /** A snapshot of the matching sockets, for operations that change rooms while iterating. */
    protected final List<LocalSocket> matching(BroadcastOptions options) {
        List<LocalSocket> sockets = new ArrayList<>();
        forEachMatching(options, sockets::add);
        return sockets;
    }

    @Override
    public CompletableFuture<Void> serverSideEmit(List<?> packet) {
        // no other server to tell
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<JsonNode>> serverSideEmitWithAck(List<?> packet, Duration timeout) {
        // no other server: zero answers expected, complete at once like a one-node cluster
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletableFuture<Void> persistSession(SessionToPersist session) {
        if (maxDisconnectionDuration != null) {
            sessions.put(session.pid(), new StoredSession(session, System.currentTimeMillis()));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Optional<Session>> restoreSession(String pid, String offset) {
        if (maxDisconnectionDuration == null || offset == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        StoredSession stored = sessions.remove(pid);
        if (stored == null
                || stored.disconnectedAt() + maxDisconnectionDuration.toMillis() < System.currentTimeMillis()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        List<List<Object>> missed = new ArrayList<>();
        boolean found = false;
        synchronized (packets) {
            for (StoredPacket packet : packets) {
                if (found) {
                    if (shouldInclude(stored.session().rooms(), packet.options())) {
                        missed.add(packet.data());
                    }
                } else if (packet.offset().equals(offset)) {
                    found = true;
                }
            }
        }
        if (!found) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        SessionToPersist session = stored.session();
        return CompletableFuture.completedFuture(
                Optional.of(new Session(session.sid(), session.pid(), session.rooms(), session.data(), missed)));
    }

    private Packet storeForRecovery(Packet packet, BroadcastOptions options) {
        String offset = offsets.next();
        List<Object> data = new ArrayList<>();
        if (packet.data() instanceof JsonNode tree) {
            tree.forEach(data::add);
        } else {
            data.addAll((List<?>) packet.data());
        }
        data.add(offset);
        List<Object> stored = Collections.unmodifiableList(data);
        synchronized (packets) {
            packets.addLast(new StoredPacket(offset, options, stored, System.currentTimeMillis()));
        }
        return packet.withData(stored);
    }

    /** Whether a broadcast with these options reaches a socket in these rooms (not in an excluded one). */
    protected static boolean shouldInclude(List<String> sessionRooms, BroadcastOptions options) {
        boolean included = options.rooms().isEmpty() || sessionRooms.stream().anyMatch(options.rooms()::contains);
        boolean excluded = sessionRooms.stream().anyMatch(options.except()::contains);
        return included && !excluded;
    }

    /** How many disconnected sessions are kept for recovery. */
    int storedSessionCount() {
        return sessions.size();
    }

    private void sweep() {
        long threshold = System.currentTimeMillis() - maxDisconnectionDuration.toMillis();
        sessions.values().removeIf(session -> session.disconnectedAt() < threshold);
        synchronized (packets) {
            while (!packets.isEmpty() && packets.peekFirst().emittedAt() < threshold) {
                packets.removeFirst();
            }
        }
    }

    private record StoredSession(SessionToPersist session, long disconnectedAt) {
    }

    private record StoredPacket(String offset, BroadcastOptions options, List<Object> data, long emittedAt) {
    }
}
