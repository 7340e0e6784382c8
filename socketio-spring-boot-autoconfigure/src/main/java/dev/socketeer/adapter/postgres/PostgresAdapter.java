package dev.socketeer.adapter.postgres;

import dev.socketeer.adapter.BroadcastFlags;
import dev.socketeer.adapter.BroadcastOptions;
import dev.socketeer.adapter.LocalNamespace;
import dev.socketeer.adapter.LocalSocket;
import dev.socketeer.adapter.Session;
import dev.socketeer.adapter.SessionToPersist;
import dev.socketeer.adapter.SocketDetails;
import dev.socketeer.adapter.cluster.BackendState;
import dev.socketeer.adapter.cluster.ClusterAdapterWithHeartbeat;
import dev.socketeer.adapter.cluster.ClusterMessage;
import dev.socketeer.adapter.cluster.ClusterMessage.Broadcast;
import dev.socketeer.adapter.cluster.ClusterMessageCodec;
import dev.socketeer.adapter.cluster.MsgPack;
import dev.socketeer.adapter.cluster.RecoveryHandOver;
import dev.socketeer.protocol.socketio.Packet;
import dev.socketeer.protocol.socketio.PacketType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The adapter of one namespace: the cluster protocol with heartbeats over the shared
 * {@link PostgresPubSub}. Responses go to the namespace channel like every other message (the
 * reference does the same; servers ignore request ids they do not know).
 *
 * <p>With connection state recovery on (which the reference does not have), every event broadcast
 * without acknowledgement is stored in the events table by the statement that notifies it; its id is
 * the offset appended to the event (and added to the notification as {@code offset}, which Node
 * servers ignore). Disconnected sessions go to the sessions table, and any node restores them: the
 * missed events are read from the table, and the broadcasts this node delivers meanwhile to the
 * session's rooms are held and merged by id, so that each is sent once, in order, before anything
 * live. Without recovery, nothing changes: offsets are {@code ""}, as the reference.
 */
final class PostgresAdapter extends ClusterAdapterWithHeartbeat {

    private static final System.Logger LOG = System.getLogger(PostgresAdapter.class.getName());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern OFFSET = Pattern.compile("[0-9]{1,18}");
    private static final long RESTORING_TIMEOUT_MILLIS = 60_000;

    private final PostgresPubSub pubSub;
    private final PostgresRecoveryStore store;
    private final Duration recovery;
    private final String channel;
    /** The highest event id this node has seen for this namespace ({@code -1} until known). */
    private final AtomicLong lastSeen = new AtomicLong(-1);
    /** The highest event id delivered here ({@code -1} until one is): a hand-over ends once it passed the replay. */
    private final AtomicLong delivered = new AtomicLong(-1);
    /** The event id each local socket connected at (recovery on only): where a client without offset replays from. */
    private final Map<String, Long> positions = new ConcurrentHashMap<>();
    /** Sessions being restored here, by socket id, until their socket is connected. */
    private final Map<String, RecoveryHandOver<Long>> restoring = new ConcurrentHashMap<>();
    private final Set<CompletableFuture<?>> sessionWrites = ConcurrentHashMap.newKeySet();
    private final PostgresAdapterOptions options;
    /**
     * The connected local sockets (recovery on only) and what their last checkpoint saved. Changed, and session
     * statements subscribed, under {@link #sessionLock} only: the publishing connection runs statements in the order
     * they were subscribed, so a checkpoint never lands after the save or the deletion of a socket that left.
     */
    private final Map<String, Checkpoint> live = new ConcurrentHashMap<>();
    /** Sockets whose disconnection saved their session (their checkpoint is not to be deleted). */
    private final Set<String> saved = ConcurrentHashMap.newKeySet();
    private final Object sessionLock = new Object();
    private volatile Disposable checkpointTimer;
    private volatile Disposable orphanTimer;
    /**
     * Since when this node has been hearing the cluster without a break: its start, or its last reconnection to
     * Postgres (peers it missed meanwhile were dropped from {@link #nodes()} and are heard again within a heartbeat).
     */
    private volatile long listeningSince;
    private volatile boolean closing;

    PostgresAdapter(LocalNamespace namespace, PostgresPubSub pubSub, PostgresAdapterOptions options,
            ClusterMessageCodec codec, PostgresRecoveryStore store) {
        super(namespace, codec, options.requestsTimeout(), options.heartbeatInterval(), options.heartbeatTimeout());
        this.pubSub = pubSub;
        this.store = store;
        this.recovery = namespace.maxDisconnectionDuration();
        this.options = options;
        // refuses a namespace whose channel Postgres would truncate, before anything else happens
        this.channel = pubSub.channelOf(namespace.name());
    }

    /**
     * LISTENs, then announces this server at once when Postgres is reachable, and again each time
     * the connections come back, so that the other servers count it within moments.
     */
    @Override
    public CompletableFuture<Void> init() {
        pubSub.state().onUp(this::announce);
        if (recovery != null) {
            store.enable(recovery);
            pubSub.state().onUp(this::onListening);
            onListening();
            long every = options.sessionCheckpointInterval().toMillis();
            checkpointTimer = Schedulers.parallel().schedulePeriodically(this::checkpoint, every, every,
                    TimeUnit.MILLISECONDS);
            long sweep = options.cleanupInterval().toMillis();
            orphanTimer = Schedulers.parallel().schedulePeriodically(this::expireOrphans, sweep, sweep,
                    TimeUnit.MILLISECONDS);
        }
        return pubSub.listen(namespace.name(), uid::equals, this::onMessage)
                .thenCompose(listening -> super.init());
    }

    /** At start and after each reconnection: the view of the cluster starts again, the last event id is learnt. */
    private void onListening() {
        listeningSince = System.currentTimeMillis();
        learnLastEventId();
    }

    private void learnLastEventId() {
        store.lastEventId().whenComplete((id, error) -> {
            if (id != null) {
                seen(id);
            }
        });
    }

    private void seen(long id) {
        lastSeen.accumulateAndGet(id, Math::max);
    }

    /** Waits (within the requests timeout) for the sessions being saved, so that a shutdown keeps them. */
    @Override
    public CompletableFuture<Void> close() {
        closing = true;
        releaseBackendWaits(); // restores waiting for Postgres give fresh sessions now, not after the session writes
        for (Disposable timer : new Disposable[] { checkpointTimer, orphanTimer }) {
            if (timer != null) {
                timer.dispose();
            }
        }
        CompletableFuture<Void> writes = CompletableFuture.allOf(sessionWrites.toArray(CompletableFuture[]::new))
                .exceptionally(error -> null)
                .completeOnTimeout(null, requestsTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return writes.thenCompose(saved -> super.close()).thenCompose(closed -> pubSub.unlisten(namespace.name()));
    }

    @Override
    protected BackendState backendState() {
        return pubSub.state();
    }

    @Override
    protected CompletableFuture<String> doPublish(ClusterMessage message) {
        if (recovery != null && message instanceof Broadcast broadcast && isReplayable(broadcast)) {
            ObjectNode tree = codec.toTree(message);
            int type = tree.path("type").asInt();
            return store.publishEvent(channel, namespace.name(), broadcast.options(), codec.encodeJson(tree),
                    MsgPack.encode(tree), MsgPack.hasBinary(tree), uid, type)
                    .thenApply(id -> {
                        seen(id);
                        return Long.toString(id);
                    });
        }
        return pubSub.publish(message).thenApply(done -> "");
    }

    /** What the in-memory log keeps too: events without acknowledgement, not volatile. */
    private static boolean isReplayable(Broadcast broadcast) {
        int type = broadcast.packet().path("type").asInt(-1);
        return broadcast.requestId() == null && !broadcast.packet().has("id")
                && !broadcast.options().flags().isVolatile() && !broadcast.options().flags().local()
                && (type == PacketType.EVENT.code() || type == PacketType.BINARY_EVENT.code());
    }

    @Override
    protected CompletableFuture<Void> doPublishResponse(String requesterUid, ClusterMessage response) {
        return pubSub.publish(response);
    }

    // ---- broadcasts with recovery on

    @Override
    public CompletableFuture<Void> broadcast(Packet packet, BroadcastOptions options) {
        if (recovery == null) {
            return super.broadcast(packet, options);
        }
        Packet toSend = packet.withNamespace(namespace.name());
        if (options.flags().local()) {
            deliver(toSend, options, null);
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<String> published = publish(new Broadcast(uid, namespace.name(), codec.packetTree(toSend),
                options, null));
        // the offset is the row id, known once Postgres answered; delivered here anyway when it cannot be had
        return published.handle((offset, error) -> {
            Long id = error == null && offset != null && !offset.isEmpty() ? Long.valueOf(offset) : null;
            deliver(withOffset(toSend, options, id), options, id);
            return null;
        });
    }

    @Override
    protected void onRemoteBroadcast(Packet packet, BroadcastOptions options, String offset) {
        if (recovery == null) {
            super.onRemoteBroadcast(packet, options, offset);
            return;
        }
        Long id = offset != null && OFFSET.matcher(offset).matches() ? Long.valueOf(offset) : null;
        if (id != null) {
            seen(id);
        }
        deliver(withOffset(packet, options, id), options, id);
    }

    private static Packet withOffset(Packet packet, BroadcastOptions options, Long offset) {
        if (offset == null || packet.type() != PacketType.EVENT || packet.id() != null || options.flags().isVolatile()) {
            return packet;
        }
        List<Object> data = RecoveryHandOver.dataOf(packet);
        data.add(offset.toString());
        return packet.withData(Collections.unmodifiableList(data));
    }

    private void deliver(Packet packet, BroadcastOptions options, Long offset) {
        deliver(packet, options, offset, restoring);
        if (offset != null) {
            delivered.accumulateAndGet(offset, Math::max);
        }
    }

    // ---- rooms

    @Override
    public CompletableFuture<Void> addAll(String id, Set<String> rooms) {
        CompletableFuture<Void> done = super.addAll(id, rooms);
        if (recovery != null && rooms.contains(id)) {
            // a socket joins its own room when it connects (and when restored)
            long position = lastSeen.get();
            if (position >= 0) {
                positions.putIfAbsent(id, position);
            }
            synchronized (sessionLock) {
                live.putIfAbsent(id, Checkpoint.NONE);
            }
            RecoveryHandOver<Long> session = restoring.get(id);
            LocalSocket socket = session == null ? null : namespace.socket(id);
            if (socket != null) {
                session.goLive(socket);
                long reached = delivered.get();
                if (session.settled(reached >= 0 ? reached : null)) {
                    restoring.remove(id, session);
                }
            }
        }
        return done;
    }

    @Override
    public void delAll(String id) {
        super.delAll(id);
        if (recovery != null) {
            positions.remove(id);
            restoring.remove(id);
            synchronized (sessionLock) {
                Checkpoint last = live.remove(id);
                if (!saved.remove(id) && last != null && last.written()) {
                    // gone for good (a disconnection not to recover from): its checkpoint goes too
                    track(store.deleteLiveSession(last.pid(), uid), "delete the session of socket " + id);
                }
            }
        }
    }

    // ---- connection state recovery

    /**
     * Saves the session in the sessions table, expiring after the disconnection window: {@code {sid, rooms,
     * data, offset}} as MessagePack, {@code offset} being the event id the socket connected at.
     */
    @Override
    public CompletableFuture<Void> persistSession(SessionToPersist session) {
        if (recovery == null) {
            return CompletableFuture.completedFuture(null);
        }
        byte[] state = state(session.sid(), session.rooms(), session.data());
        synchronized (sessionLock) {
            saved.add(session.sid());
            return track(store.saveSession(session.pid(), namespace.name(), session.sid(), state, recovery, uid),
                    "save the session of socket " + session.sid() + " for connection state recovery");
        }
    }

    /** {@code {sid, rooms, data, offset}} as MessagePack, {@code offset} being the event id the socket connected at. */
    private byte[] state(String sid, java.util.Collection<String> socketRooms, Map<String, Object> socketData) {
        ObjectNode tree = NODES.objectNode();
        tree.put("sid", sid);
        ArrayNode rooms = tree.putArray("rooms");
        socketRooms.forEach(rooms::add);
        tree.set("data", codec.tree(socketData));
        Long position = positions.get(sid);
        if (position != null) {
            tree.put("offset", position.toString());
        }
        return MsgPack.encode(tree);
    }

    private CompletableFuture<Void> track(CompletableFuture<Void> write, String what) {
        sessionWrites.add(write);
        write.whenComplete((ok, error) -> {
            sessionWrites.remove(write);
            if (error != null) {
                LOG.log(System.Logger.Level.WARNING, () -> "could not " + what + ": " + error);
            }
        });
        return write;
    }

    /**
     * Saves the sessions of the connected sockets whose rooms or data changed since their last checkpoint (and of
     * new ones), in one statement, so that another node can restore them if this one crashes. Nothing is written on
     * a join, a leave, a change of data or an emit: the cost is this tick, a fingerprint per connected socket and a
     * statement when something changed.
     */
    private void checkpoint() {
        if (live.isEmpty() || !backendState().connected()) {
            return;
        }
        List<PostgresRecoveryStore.LiveSession> sessions = new ArrayList<>();
        Map<String, Checkpoint> next = new java.util.HashMap<>();
        for (Map.Entry<String, Checkpoint> entry : live.entrySet()) {
            String sid = entry.getKey();
            LocalSocket socket = namespace.socket(sid);
            RecoveryHandOver<Long> handOver = restoring.get(sid);
            if (socket == null || socket.pid() == null || handOver != null && !handOver.isLive()) {
                continue;
            }
            SocketDetails details = socket.details();
            int fingerprint = java.util.Objects.hash(details.rooms(), details.data());
            Checkpoint last = entry.getValue();
            if (last.written() && last.fingerprint() == fingerprint) {
                continue;
            }
            sessions.add(new PostgresRecoveryStore.LiveSession(socket.pid(), sid,
                    state(sid, details.rooms(), details.data()), !last.written()));
            next.put(sid, new Checkpoint(socket.pid(), fingerprint, true));
        }
        if (sessions.isEmpty()) {
            return;
        }
        synchronized (sessionLock) {
            // a socket may have left (and been saved or deleted) since it was looked at, or be leaving (saved, not
            // out of 'live' yet): not written then, or the checkpoint would land after the save and make it live
            sessions.removeIf(session -> !live.containsKey(session.sid()) || saved.contains(session.sid()));
            Map<String, Checkpoint> previous = new java.util.HashMap<>();
            for (PostgresRecoveryStore.LiveSession session : sessions) {
                previous.put(session.sid(), live.put(session.sid(), next.get(session.sid())));
            }
            track(store.checkpoint(namespace.name(), uid, sessions), "save a checkpoint of " + sessions.size()
                    + " sessions").whenComplete((ok, error) -> {
                        if (error != null) {
                            // written again at the next tick
                            previous.forEach((sid, before) -> live.computeIfPresent(sid,
                                    (key, now) -> now == next.get(sid) ? before : now));
                        }
                    });
        }
    }

    /**
     * Live sessions whose node is gone without saying so (a crash) start expiring: they are kept for the disconnection
     * window from now. Only with a view of the cluster one can trust (heard without a break for a heartbeat timeout
     * and interval, since the start or the last reconnection, and not closing: this node's peer list is empty then),
     * so that a node that missed heartbeats does not take the live sockets of others for orphans.
     */
    private void expireOrphans() {
        long trustedFrom = listeningSince + options.heartbeatTimeout().toMillis()
                + options.heartbeatInterval().toMillis();
        if (closing || !backendState().connected() || System.currentTimeMillis() < trustedFrom) {
            return;
        }
        Set<String> alive = new HashSet<>(nodes());
        alive.add(uid);
        track(store.expireOrphans(namespace.name(), alive, recovery), "expire the sessions of crashed nodes");
    }

    /** What a socket's last checkpoint saved. */
    private record Checkpoint(String pid, int fingerprint, boolean written) {
        static final Checkpoint NONE = new Checkpoint(null, 0, false);
    }

    /**
     * Takes the session (one use, this namespace only, not expired: one {@code DELETE ... RETURNING}), reads the
     * events it missed after the client's offset (or, for a client that had received none, after the event id
     * its socket connected at) and hands over to live delivery (see the class comment). A session that missed
     * more than {@value PostgresRecoveryStore#MAX_REPLAY} events starts afresh.
     */
    @Override
    public CompletableFuture<Optional<Session>> restoreSession(String pid, String offset) {
        if (recovery == null || offset != null && !OFFSET.matcher(offset).matches()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        // while Postgres is held down (restarting, unreachable), each step waits for it, within the bound
        long deadline = restoreDeadline();
        return restoreOutcome(deadline, whenBackendUp(deadline, () -> store.takeSession(pid, namespace.name()))
                .thenCompose(raw -> {
            if (raw.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.<Session>empty());
            }
            JsonNode stored = MsgPack.decode(raw.get().state());
            String from = offset != null ? offset : stored.path("offset").isString()
                    ? stored.get("offset").stringValue() : null;
            if (from == null || !OFFSET.matcher(from).matches()) {
                return CompletableFuture.completedFuture(Optional.<Session>empty());
            }
            if (raw.get().live()) {
                // the old socket is still connected somewhere (a half-open connection its node has not noticed
                // dead yet) or its node crashed: it leaves (as a server disconnect, not saved) before the new one
                // takes its id, here at once, elsewhere when the message arrives
                disconnectSockets(new BroadcastOptions(Set.of(stored.path("sid").asString()), Set.of(),
                        BroadcastFlags.NONE), false);
            }
            return whenBackendUp(deadline, () -> replay(pid, stored, Long.parseLong(from)));
        }));
    }

    private CompletableFuture<Optional<Session>> replay(String pid, JsonNode stored, long from) {
        String sid = stored.path("sid").asString();
        List<String> rooms = new ArrayList<>();
        stored.path("rooms").forEach(room -> rooms.add(room.asString()));
        RecoveryHandOver<Long> session = new RecoveryHandOver<>(sid, rooms, null);
        restoring.put(sid, session);
        return store.eventsAfter(namespace.name(), from, rooms).whenComplete((events, error) -> {
            if (error != null) {
                restoring.remove(sid, session); // a retry once Postgres is back starts a new hand-over
            }
        }).thenApply(events -> {
            if (events.size() > PostgresRecoveryStore.MAX_REPLAY) {
                restoring.remove(sid, session);
                LOG.log(System.Logger.Level.DEBUG, () -> "could not restore the session of " + sid + ": more than "
                        + PostgresRecoveryStore.MAX_REPLAY + " missed events");
                return Optional.<Session>empty();
            }
            TreeMap<Long, List<Object>> missed = new TreeMap<>();
            for (PostgresRecoveryStore.StoredEvent event : events) {
                ClusterMessage message = codec.fromTree(MsgPack.decode(event.message()), namespace.name());
                Packet packet = message instanceof Broadcast broadcast
                        ? ClusterMessageCodec.packet(broadcast.packet(), namespace.name()) : null;
                if (packet != null) {
                    List<Object> data = RecoveryHandOver.dataOf(packet);
                    data.add(Long.toString(event.id()));
                    missed.put(event.id(), Collections.unmodifiableList(data));
                }
            }
            List<List<Object>> packets = session.ready(missed);
            Schedulers.parallel().schedule(() -> restoring.remove(sid, session), RESTORING_TIMEOUT_MILLIS,
                    TimeUnit.MILLISECONDS);
            return Optional.of(new Session(sid, pid, List.copyOf(rooms), data(stored.get("data")), packets));
        });
    }

    private Map<String, Object> data(JsonNode tree) {
        Map<String, Object> data = new LinkedHashMap<>();
        if (tree != null && tree.isObject()) {
            tree.properties().forEach(property -> data.put(property.getKey(),
                    codec.mapper().treeToValue(property.getValue(), Object.class)));
        }
        return data;
    }

    @Override
    public String toString() {
        return "PostgresAdapter[" + namespace.name() + ", uid=" + uid + "]";
    }
}
