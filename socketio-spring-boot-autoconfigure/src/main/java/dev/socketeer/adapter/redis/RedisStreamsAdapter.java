package dev.socketeer.adapter.redis;

import dev.socketeer.adapter.BroadcastFlags;
import dev.socketeer.adapter.BroadcastOptions;
import dev.socketeer.adapter.LocalNamespace;
import dev.socketeer.adapter.LocalSocket;
import dev.socketeer.adapter.Session;
import dev.socketeer.adapter.SessionToPersist;
import dev.socketeer.adapter.cluster.BackendState;
import dev.socketeer.adapter.cluster.ClusterAdapter;
import dev.socketeer.adapter.cluster.ClusterMessage;
import dev.socketeer.adapter.cluster.ClusterMessage.Broadcast;
import dev.socketeer.adapter.cluster.ClusterMessageCodec;
import dev.socketeer.adapter.cluster.MsgPack;
import dev.socketeer.adapter.cluster.RecoveryHandOver;
import dev.socketeer.protocol.socketio.Packet;
import dev.socketeer.protocol.socketio.PacketType;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Redis Streams adapter, wire-compatible with {@code @socket.io/redis-streams-adapter} 0.3:
 * broadcasts and room operations are appended to a stream ({@code XADD <stream> MAXLEN ~ <maxLen> * uid
 * <uid> nsp <nsp> type <n> [data <json or base64 MessagePack>]}) that every server reads; requests
 * ({@code fetchSockets}, {@code serverSideEmit}, broadcasts with acknowledgements) and their responses go
 * over pub/sub on {@code <key>#<nsp>#} and {@code <key>#<nsp>#<uid>#} as MessagePack; the server count is
 * {@code PUBSUB NUMSUB} (or {@code SHARDNUMSUB}) of {@code <key>#<nsp>#}.
 *
 * <p>With connection state recovery on, every event broadcast carries its stream entry id as its
 * offset, disconnected sessions are kept in Redis ({@code SET <sessionKeyPrefix><pid> <base64
 * MessagePack {sid, pid, rooms, data}> PX <maxDisconnectionDuration>}), and any server of the
 * cluster restores them from the stream. Beyond the reference:
 * <ul>
 * <li>a client that received no event before it dropped recovers too: the session also records where
 * the stream was when the socket connected ({@code offset}, ignored by Node servers), and the replay
 * starts there;
 * <li>the hand-over from replay to live delivery is exact: from the moment a restoration starts, the
 * broadcasts this server delivers to the session's rooms are held for the socket and merged with
 * what the stream holds by entry id, then written after the replay and before anything live, so a
 * packet is neither lost in between nor delivered twice;
 * <li>the sessions of connected sockets are kept in Redis too ({@link RedisSessionCheckpoints}), so that a
 * client recovers after a crash of its node or from a half-open connection its node still holds (the old
 * socket is then disconnected).
 * </ul>
 */
final class RedisStreamsAdapter extends ClusterAdapter {

    private static final System.Logger LOG = System.getLogger(RedisStreamsAdapter.class.getName());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern OFFSET = Pattern.compile("^[0-9]+-[0-9]+$");
    private static final int RANGE_COUNT = 1_000;
    private static final int MAX_RANGE_CALLS = 100;
    private static final long RESTORING_TIMEOUT_MILLIS = 60_000;
    /** Stream entry ids ordered as Redis orders them: milliseconds, then sequence. */
    static final Comparator<String> ID_ORDER = Comparator.<String>comparingLong(id -> part(id, 0))
            .thenComparingLong(id -> part(id, 1));

    private final RedisPubSub redis;
    private final RedisStreamReader reader;
    private final RedisStreamsOptions streams;
    private final byte[] streamKey;
    private final String publicChannel;
    private final String privateChannel;
    private final String channelPrefix;
    private final Duration recovery;
    private final Runnable onClose;
    /** Where the stream was when each local socket connected (recovery on only). */
    private final Map<String, String> positions = new ConcurrentHashMap<>();
    /** Sessions being restored here, by socket id, until their socket is connected. */
    private final Map<String, RecoveryHandOver<String>> restoring = new ConcurrentHashMap<>();
    private final Set<CompletableFuture<?>> sessionWrites = ConcurrentHashMap.newKeySet();
    /** The sessions of connected sockets, kept in Redis against crashes and half-open connections (recovery on). */
    private final RedisSessionCheckpoints checkpoints;

    RedisStreamsAdapter(LocalNamespace namespace, RedisPubSub redis, RedisStreamReader reader,
            RedisAdapterOptions options, ClusterMessageCodec codec, Runnable onClose) {
        super(namespace, codec, options.requestsTimeout());
        this.redis = redis;
        this.reader = reader;
        this.streams = options.streams();
        this.streamKey = bytes(reader.stream());
        this.channelPrefix = options.key();
        this.publicChannel = channelPrefix + "#" + namespace.name() + "#";
        this.privateChannel = publicChannel + uid + "#";
        this.recovery = namespace.maxDisconnectionDuration();
        this.onClose = onClose;
        this.checkpoints = recovery == null ? null : new RedisSessionCheckpoints(namespace, redis,
                streams.sessionKeyPrefix(), recovery, this::sessionValue, this::notConnectedYet, sessionWrites);
    }

    @Override
    protected BackendState backendState() {
        return redis.state();
    }

    @Override
    public CompletableFuture<Void> init() {
        if (checkpoints != null) {
            checkpoints.start();
        }
        if (streams.shardedPubSub()) {
            return CompletableFuture.allOf(super.init(), redis.ssubscribe(publicChannel, this::onRawMessage),
                    redis.ssubscribe(privateChannel, this::onRawMessage));
        }
        return CompletableFuture.allOf(super.init(), redis.subscribe(publicChannel, this::onRawMessage),
                redis.subscribe(privateChannel, this::onRawMessage));
    }

    /** Waits (within the requests timeout) for the sessions being saved, so a shutdown keeps them, then unsubscribes. */
    @Override
    public CompletableFuture<Void> close() {
        super.close();
        onClose.run();
        if (checkpoints != null) {
            checkpoints.stop();
        }
        CompletableFuture<Void> writes = CompletableFuture.allOf(sessionWrites.toArray(CompletableFuture[]::new))
                .exceptionally(error -> null)
                .completeOnTimeout(null, requestsTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return writes.thenCompose(done -> streams.shardedPubSub()
                ? CompletableFuture.allOf(redis.sunsubscribe(publicChannel), redis.sunsubscribe(privateChannel))
                : CompletableFuture.allOf(redis.unsubscribe(publicChannel), redis.unsubscribe(privateChannel)));
    }

    @Override
    public CompletableFuture<Integer> serverCount() {
        return redis.state().bounded("serverCount", requestsTimeout(), () -> (streams.shardedPubSub()
                ? redis.shardNumsub(publicChannel) : redis.numsub(publicChannel)).thenApply(n -> seen(n.intValue())));
    }

    // ---- publishing

    /** Requests that need no replay travel over pub/sub, as in the reference; everything else is appended. */
    private static boolean isEphemeral(ClusterMessage message) {
        return message instanceof Broadcast broadcast && broadcast.requestId() != null
                || message instanceof ClusterMessage.ServerSideEmit || message instanceof ClusterMessage.FetchSockets;
    }

    @Override
    protected CompletableFuture<String> doPublish(ClusterMessage message) {
        if (isEphemeral(message)) {
            return pubSubPublish(publicChannel, codec.encodeMsgPack(message)).thenApply(receivers -> "");
        }
        Object[] fields = streamFields(message);
        XAddArgs trim = new XAddArgs().maxlen(streams.maxLen()).approximateTrimming();
        return redis.command("XADD", commands -> commands.xadd(streamKey, trim, fields));
    }

    @Override
    protected CompletableFuture<Void> doPublishResponse(String requesterUid, ClusterMessage response) {
        return pubSubPublish(channelPrefix + "#" + namespace.name() + "#" + requesterUid + "#",
                codec.encodeMsgPack(response)).thenApply(receivers -> null);
    }

    private CompletableFuture<Long> pubSubPublish(String channel, byte[] payload) {
        return streams.shardedPubSub() ? redis.spublish(channel, payload) : redis.publish(channel, payload);
    }

    Object[] streamFields(ClusterMessage message) {
        return RedisStreamEntries.fields(codec, message, streams.onlyPlaintext());
    }

    ClusterMessage decodeEntry(Map<String, String> fields) {
        return RedisStreamEntries.decode(codec, fields);
    }

    // ---- receiving

    /** An entry of this namespace read from the stream, in stream order. */
    void onStreamEntry(Map<String, String> fields, String id) {
        ClusterMessage message;
        try {
            message = decodeEntry(fields);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "ignoring malformed stream entry " + id + ": " + e);
            return;
        }
        onMessage(message, id);
    }

    private void onRawMessage(String channel, byte[] payload) {
        ClusterMessage message;
        try {
            message = codec.decode(payload);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "ignoring malformed message on " + channel + ": " + e);
            return;
        }
        onMessage(message, "");
    }

    // ---- broadcasts

    @Override
    public CompletableFuture<Void> broadcast(Packet packet, BroadcastOptions options) {
        Packet toSend = packet.withNamespace(namespace.name());
        if (options.flags().local()) {
            deliver(toSend, options, null);
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<String> published = publish(new Broadcast(uid, namespace.name(), codec.packetTree(toSend),
                options, null));
        if (recovery == null) {
            deliver(toSend, options, null);
            return CompletableFuture.completedFuture(null);
        }
        // the offset is the entry id, known once Redis answered; delivered here anyway when it cannot be had
        return published.handle((offset, error) -> {
            String id = error == null && offset != null && !offset.isEmpty() ? offset : null;
            deliver(withOffset(toSend, options, id), options, id);
            return null;
        });
    }

    @Override
    protected void onRemoteBroadcast(Packet packet, BroadcastOptions options, String offset) {
        String id = offset == null || offset.isEmpty() ? null : offset;
        deliver(recovery == null ? packet : withOffset(packet, options, id), options, id);
    }

    /** Appends the offset to an event broadcast without acknowledgement and not volatile, as the reference. */
    private Packet withOffset(Packet packet, BroadcastOptions options, String offset) {
        if (recovery == null || offset == null || packet.type() != PacketType.EVENT || packet.id() != null
                || options.flags().isVolatile()) {
            return packet;
        }
        List<Object> data = RecoveryHandOver.dataOf(packet);
        data.add(offset);
        return packet.withData(Collections.unmodifiableList(data));
    }

    private void deliver(Packet packet, BroadcastOptions options, String offset) {
        deliver(packet, options, offset, restoring);
    }

    /** Whether the socket's session is being restored here and the socket is not connected yet. */
    private boolean notConnectedYet(String sid) {
        RecoveryHandOver<String> session = restoring.get(sid);
        return session != null && !session.isLive();
    }

    // ---- rooms

    @Override
    public CompletableFuture<Void> addAll(String id, Set<String> rooms) {
        CompletableFuture<Void> done = super.addAll(id, rooms);
        if (recovery != null && rooms.contains(id)) {
            // a socket joins its own room when it connects (and when restored)
            String position = reader.position();
            if (position != null) {
                positions.putIfAbsent(id, position);
            }
            checkpoints.connected(id);
            RecoveryHandOver<String> session = restoring.get(id);
            LocalSocket socket = session == null ? null : namespace.socket(id);
            if (socket != null) {
                session.goLive(socket);
                if (session.settled(reader.position())) {
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
            checkpoints.left(id);
            positions.remove(id);
            restoring.remove(id);
        }
    }

    // ---- connection state recovery

    @Override
    public CompletableFuture<Void> persistSession(SessionToPersist session) {
        if (recovery == null) {
            return CompletableFuture.completedFuture(null);
        }
        byte[] value = sessionValue(session.sid(), session.pid(), session.rooms(), session.data(), false);
        return checkpoints.saveDisconnected(session.sid(), session.pid(), value);
    }

    /**
     * A session as Node's adapter stores it ({@code {sid, pid, rooms, data}}, MessagePack, base64), plus fields Node
     * servers ignore: where the stream was at connect ({@code offset}, for a client without offset), the namespace
     * (so that a pid presented to another namespace restores nothing), and for the checkpoint of a connected socket
     * {@code live} and its {@code owner} (this adapter's uid, so that two nodes never write the same bytes).
     */
    private byte[] sessionValue(String sid, String pid, java.util.Collection<String> socketRooms,
            Map<String, Object> data, boolean live) {
        ObjectNode tree = NODES.objectNode();
        tree.put("sid", sid);
        tree.put("pid", pid);
        ArrayNode rooms = tree.putArray("rooms");
        socketRooms.forEach(rooms::add);
        tree.set("data", codec.tree(data));
        String position = positions.get(sid);
        if (position != null) {
            tree.put("offset", position);
        }
        tree.put("nsp", namespace.name());
        if (live) {
            tree.put("live", true);
            tree.put("owner", uid);
        }
        return bytes(Base64.getEncoder().encodeToString(MsgPack.encode(tree)));
    }

    /**
     * Takes the session, checks the offset is still in the stream, reads what the session missed from it and
     * hands over to live delivery (see the class comment). The session is read, checked (its pid, and its
     * namespace when a Java node saved it) and only then deleted: one use ({@code DEL} answers 1 to one
     * taker only), and a pid presented to the wrong namespace leaves the session to its owner. With no offset
     * (a client that had received no event), the replay starts where the stream was when the socket connected,
     * if the session says so (sessions saved by Node servers do not).
     */
    @Override
    public CompletableFuture<Optional<Session>> restoreSession(String pid, String offset) {
        if (recovery == null || offset != null && !OFFSET.matcher(offset).matches()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        // while Redis is held down (restarting, or not answering PING), each step waits for it, within the bound
        long deadline = restoreDeadline();
        return restoreOutcome(deadline, whenBackendUp(deadline, () -> take(pid, offset)).thenCompose(stored -> {
            if (stored == null) {
                return CompletableFuture.completedFuture(Optional.<Session>empty());
            }
            String from = offset != null ? offset : stored.get("offset").stringValue();
            return whenBackendUp(deadline, () -> offsetStillStored(from)).thenCompose(stillThere -> stillThere
                    ? whenBackendUp(deadline, () -> replay(stored, from))
                    : CompletableFuture.completedFuture(Optional.<Session>empty()));
        }));
    }

    /** Reads, checks and deletes the session (see {@link #restoreSession}); {@code null} when there is none to take. */
    private CompletableFuture<JsonNode> take(String pid, String offset) {
        byte[] key = bytes(streams.sessionKeyPrefix() + pid);
        return redis.command("GET", commands -> commands.get(key)).thenCompose(raw -> {
            if (raw == null) {
                return CompletableFuture.completedFuture(null);
            }
            JsonNode stored = MsgPack.decode(Base64.getDecoder().decode(raw));
            String from = offset != null ? offset : stored.path("offset").isString() ? stored.get("offset").stringValue() : null;
            boolean otherNamespace = stored.path("nsp").isString() && !namespace.name().equals(stored.get("nsp").stringValue());
            if (from == null || !OFFSET.matcher(from).matches() || !pid.equals(stored.path("pid").asString())
                    || otherNamespace) {
                return CompletableFuture.completedFuture(null);
            }
            return redis.command("DEL", commands -> commands.del(key)).thenApply(deleted -> {
                if (deleted != 1) {
                    return null;
                }
                if (stored.path("live").asBoolean(false)) {
                    // the checkpoint of a socket still held somewhere (a half-open connection its node has not
                    // noticed dead yet) or whose node crashed: it leaves (as a server disconnect, not saved) before
                    // the new one takes its id, here at once, elsewhere when the stream brings the command
                    disconnectSockets(new BroadcastOptions(Set.of(stored.path("sid").asString()), Set.of(),
                            BroadcastFlags.NONE), false);
                }
                return stored;
            });
        });
    }

    /** The replay starts right after {@code offset}, which must still be in the stream (else entries were trimmed). */
    private CompletableFuture<Boolean> offsetStillStored(String offset) {
        if ("0-0".equals(offset)) {
            return CompletableFuture.completedFuture(true); // the stream was empty when the socket connected
        }
        return redis.command("XRANGE", commands -> commands.xrange(streamKey, Range.create(offset, offset)))
                .thenApply(entries -> !entries.isEmpty());
    }

    private CompletableFuture<Optional<Session>> replay(JsonNode stored, String from) {
        String sid = stored.path("sid").asString();
        List<String> rooms = new ArrayList<>();
        stored.path("rooms").forEach(room -> rooms.add(room.asString()));
        RecoveryHandOver<String> session = new RecoveryHandOver<>(sid, rooms, ID_ORDER);
        restoring.put(sid, session);
        TreeMap<String, List<Object>> missed = new TreeMap<>(ID_ORDER);
        return scan(from, rooms, missed, 0).whenComplete((done, error) -> {
            if (error != null) {
                restoring.remove(sid, session); // a retry once Redis is back starts a new hand-over
            }
        }).thenApply(done -> {
            List<List<Object>> packets = session.ready(missed);
            Schedulers.parallel().schedule(() -> restoring.remove(sid, session), RESTORING_TIMEOUT_MILLIS,
                    TimeUnit.MILLISECONDS);
            return Optional.of(new Session(sid, stored.path("pid").asString(), List.copyOf(rooms),
                    data(stored.get("data")), packets));
        });
    }

    private CompletableFuture<Void> scan(String after, List<String> rooms, TreeMap<String, List<Object>> missed,
            int calls) {
        if (calls >= MAX_RANGE_CALLS) {
            return CompletableFuture.completedFuture(null);
        }
        Range<String> range = Range.from(Range.Boundary.excluding(after), Range.Boundary.unbounded());
        return redis.command("XRANGE", commands -> commands.xrange(streamKey, range, Limit.from(RANGE_COUNT)))
                .thenCompose(entries -> {
                    String last = after;
                    for (StreamMessage<byte[], byte[]> entry : entries) {
                        collect(entry, rooms, missed);
                        last = entry.getId();
                    }
                    return entries.size() < RANGE_COUNT ? CompletableFuture.completedFuture(null)
                            : scan(last, rooms, missed, calls + 1);
                });
    }

    private void collect(StreamMessage<byte[], byte[]> entry, List<String> rooms, TreeMap<String, List<Object>> missed) {
        Map<String, String> fields = new LinkedHashMap<>();
        entry.getBody().forEach((k, v) -> fields.put(new String(k, StandardCharsets.UTF_8),
                new String(v, StandardCharsets.UTF_8)));
        if (!namespace.name().equals(fields.get("nsp")) || !"3".equals(fields.get("type"))) {
            return;
        }
        // as the in-memory log keeps them: events without acknowledgement, not volatile (the reference replays
        // every broadcast entry, an acknowledged one without its id)
        if (!(decodeEntry(fields) instanceof Broadcast broadcast) || broadcast.requestId() != null
                || broadcast.packet().has("id") || broadcast.options().flags().isVolatile()
                || !shouldInclude(rooms, broadcast.options())) {
            return;
        }
        List<Object> data = new ArrayList<>();
        broadcast.packet().path("data").forEach(data::add);
        data.add(entry.getId());
        missed.put(entry.getId(), Collections.unmodifiableList(data));
    }

    private Map<String, Object> data(JsonNode tree) {
        Map<String, Object> data = new LinkedHashMap<>();
        if (tree != null && tree.isObject()) {
            tree.properties().forEach(property -> data.put(property.getKey(),
                    codec.mapper().treeToValue(property.getValue(), Object.class)));
        }
        return data;
    }

    private static long part(String id, int index) {
        int dash = id.indexOf('-');
        return Long.parseLong(index == 0 ? id.substring(0, dash) : id.substring(dash + 1));
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** Sessions restored but not connected yet. */
    int restoringCount() {
        return restoring.size();
    }

    @Override
    public String toString() {
        return "RedisStreamsAdapter[" + namespace.name() + ", uid=" + uid + "]";
    }
}
