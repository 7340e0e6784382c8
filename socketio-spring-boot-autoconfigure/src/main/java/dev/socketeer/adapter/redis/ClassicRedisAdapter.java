package dev.socketeer.adapter.redis;

import dev.socketeer.adapter.AckTimeoutException;
import dev.socketeer.adapter.AdapterHealth;
import dev.socketeer.adapter.BackendStatus;
import dev.socketeer.adapter.BroadcastOptions;
import dev.socketeer.adapter.ClusterRequestTimeoutException;
import dev.socketeer.adapter.ClusterUnavailableException;
import dev.socketeer.adapter.InMemoryAdapter;
import dev.socketeer.adapter.LocalNamespace;
import dev.socketeer.adapter.LocalSocket;
import dev.socketeer.adapter.SocketDetails;
import dev.socketeer.adapter.cluster.BackendState;
import dev.socketeer.adapter.cluster.ClusterMessageCodec;
import dev.socketeer.adapter.cluster.MsgPack;
import dev.socketeer.adapter.cluster.PendingRequests;
import dev.socketeer.protocol.socketio.Packet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The classic Redis adapter, wire-compatible with {@code createAdapter} of
 * {@code @socket.io/redis-adapter} 8.3: broadcasts as msgpack {@code [uid, packet, opts]} on
 * {@code <key>#<nsp>#} (or {@code <key>#<nsp>#<room>#} for one room), requests (types 0-9) on
 * {@code <key>-request#<nsp>#}, responses on {@code <key>-response#<nsp>#}, server count by
 * {@code PUBSUB NUMSUB} of the request channel.
 *
 * <p>Unlike Node, this server applies its own {@code socketsJoin}/{@code socketsLeave}/
 * {@code disconnectSockets} locally at once and ignores its own request when it comes back, so
 * they keep working on this server while Redis is down.
 */
final class ClassicRedisAdapter extends InMemoryAdapter implements AdapterHealth {

    private static final System.Logger LOG = System.getLogger(ClassicRedisAdapter.class.getName());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private static final int SOCKETS = 0;
    private static final int ALL_ROOMS = 1;
    private static final int REMOTE_JOIN = 2;
    private static final int REMOTE_LEAVE = 3;
    private static final int REMOTE_DISCONNECT = 4;
    private static final int REMOTE_FETCH = 5;
    private static final int SERVER_SIDE_EMIT = 6;
    private static final int BROADCAST = 7;
    private static final int BROADCAST_CLIENT_COUNT = 8;
    private static final int BROADCAST_ACK = 9;

    private final RedisPubSub redis;
    private final ClusterMessageCodec codec;
    private final Duration requestsTimeout;
    private final String uid = uid2(6);
    private final String channel;
    private final String requestChannel;
    private final String responseChannel;
    private final String specificResponseChannel;
    private final Set<String> liveRooms = ConcurrentHashMap.newKeySet();
    private final Map<String, AckRequest> ackRequests = new ConcurrentHashMap<>();
    private final PendingRequests requests = new PendingRequests();
    private volatile int serversSeen = -1;

    ClassicRedisAdapter(LocalNamespace namespace, RedisPubSub redis, RedisAdapterOptions options,
            ClusterMessageCodec codec) {
        super(namespace);
        this.redis = redis;
        this.codec = codec;
        this.requestsTimeout = options.requestsTimeout();
        this.channel = options.key() + "#" + namespace.name() + "#";
        this.requestChannel = options.key() + "-request#" + namespace.name() + "#";
        this.responseChannel = options.key() + "-response#" + namespace.name() + "#";
        this.specificResponseChannel = responseChannel + uid + "#";
    }

    static String uid2(int length) {
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(ALPHABET.charAt(java.util.concurrent.ThreadLocalRandom.current().nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    @Override
    public CompletableFuture<Void> init() {
        return CompletableFuture.allOf(super.init(),
                redis.psubscribe(channel + "*", this::onBroadcast),
                redis.subscribe(requestChannel, this::onRequest),
                redis.subscribe(responseChannel, this::onRequest),
                redis.subscribe(specificResponseChannel, this::onRequest));
    }

    @Override
    public CompletableFuture<Void> close() {
        super.close();
        return CompletableFuture.allOf(redis.punsubscribe(channel + "*"), redis.unsubscribe(requestChannel),
                redis.unsubscribe(responseChannel), redis.unsubscribe(specificResponseChannel));
    }

    /** {@code PUBSUB NUMSUB} of the request channel, within the requests timeout. */
    @Override
    public CompletableFuture<Integer> serverCount() {
        return redis.state().bounded("serverCount", requestsTimeout,
                () -> redis.numsub(requestChannel).thenApply(count -> seen(count.intValue())));
    }

    private int seen(int servers) {
        serversSeen = servers;
        return servers;
    }

    @Override
    public BackendStatus backendStatus() {
        return redis.state().status();
    }

    /** The server count Redis last gave, or {@code -1}. */
    @Override
    public int serversSeen() {
        return serversSeen;
    }

    @Override
    protected void onCreateRoom(String room) {
        liveRooms.add(room);
    }

    @Override
    protected void onDeleteRoom(String room) {
        liveRooms.remove(room);
    }

    private void publish(String target, byte[] message) {
        redis.publish(target, message).whenComplete((receivers, error) -> {
            if (error != null) {
                LOG.log(System.Logger.Level.DEBUG, () -> "not published to " + target + ": " + error.getMessage());
            }
        });
    }

    private void publishJson(String target, JsonNode message) {
        publish(target, codec.encodeJson(message));
    }

    // ---- broadcasts

    private void onBroadcast(String fromChannel, byte[] message) {
        if (!fromChannel.startsWith(channel)) {
            return;
        }
        String room = fromChannel.substring(channel.length(), Math.max(channel.length(), fromChannel.length() - 1));
        if (!room.isEmpty() && !liveRooms.contains(room)) {
            return;
        }
        JsonNode decoded = MsgPack.decode(message);
        if (!decoded.isArray() || decoded.size() < 3 || uid.equals(decoded.get(0).asString())) {
            return;
        }
        JsonNode packetTree = decoded.get(1);
        String nsp = packetTree.path("nsp").isString() ? packetTree.get("nsp").stringValue() : "/";
        if (!namespace.name().equals(nsp)) {
            return;
        }
        Packet packet = ClusterMessageCodec.packet(packetTree, nsp);
        if (packet != null) {
            super.broadcast(packet, ClusterMessageCodec.options(decoded.get(2)));
        }
    }

    @Override
    public CompletableFuture<Void> broadcast(Packet packet, BroadcastOptions options) {
        if (!options.flags().local()) {
            ArrayNode message = NODES.arrayNode();
            message.add(uid);
            message.add(codec.packetTree(packet.withNamespace(namespace.name())));
            message.add(ClusterMessageCodec.options(options));
            String target = options.rooms().size() == 1 ? channel + options.rooms().iterator().next() + "#" : channel;
            publish(target, MsgPack.encode(message));
        }
        return super.broadcast(packet, options);
    }

    @Override
    public void broadcastWithAck(Packet packet, BroadcastOptions options, IntConsumer clientCount,
            Consumer<JsonNode> response) {
        if (!options.flags().local()) {
            String requestId = uid2(6);
            ackRequests.put(requestId, new AckRequest(clientCount, response));
            Duration timeout = options.flags().timeout() != null ? options.flags().timeout() : requestsTimeout;
            Schedulers.parallel().schedule(() -> ackRequests.remove(requestId), timeout.toMillis(), TimeUnit.MILLISECONDS);
            ObjectNode request = NODES.objectNode();
            request.put("uid", uid);
            request.put("requestId", requestId);
            request.put("type", BROADCAST);
            request.set("packet", codec.packetTree(packet.withNamespace(namespace.name())));
            request.set("opts", ClusterMessageCodec.options(options));
            publish(requestChannel, MsgPack.encode(request));
        }
        super.broadcastWithAck(packet, options, clientCount, response);
    }

    // ---- requests

    private void onRequest(String fromChannel, byte[] message) {
        if (fromChannel.startsWith(responseChannel)) {
            onResponse(codec.parse(message));
            return;
        }
        JsonNode request = codec.parse(message);
        String requestId = request.path("requestId").isMissingNode() || request.get("requestId").isNull()
                ? null : request.get("requestId").asString();
        String from = request.path("uid").isString() ? request.get("uid").stringValue() : null;
        boolean own = uid.equals(from);
        switch (request.path("type").asInt(-1)) {
            case SOCKETS -> {
                if (own || requests.get(requestId) != null) {
                    return;
                }
                Set<String> rooms = new LinkedHashSet<>();
                request.path("rooms").forEach(room -> rooms.add(room.asString()));
                super.sockets(rooms).thenAccept(ids -> {
                    ObjectNode response = NODES.objectNode();
                    response.put("requestId", requestId);
                    ArrayNode sockets = response.putArray("sockets");
                    ids.forEach(sockets::add);
                    publishJson(responseChannel, response);
                });
            }
            case ALL_ROOMS -> {
                if (own || requests.get(requestId) != null) {
                    return;
                }
                ObjectNode response = NODES.objectNode();
                response.put("requestId", requestId);
                ArrayNode rooms = response.putArray("rooms");
                rooms().forEach(rooms::add);
                publishJson(responseChannel, response);
            }
            case REMOTE_JOIN, REMOTE_LEAVE, REMOTE_DISCONNECT -> onRemoteRoomRequest(request, requestId, own);
            case REMOTE_FETCH -> {
                if (own || requests.get(requestId) != null) {
                    return;
                }
                super.fetchSockets(ClusterMessageCodec.options(request.path("opts"))).thenAccept(local -> {
                    ObjectNode response = NODES.objectNode();
                    response.put("requestId", requestId);
                    ArrayNode sockets = response.putArray("sockets");
                    local.forEach(socket -> sockets.add(codec.socketTree(socket)));
                    publishJson(responseChannel, response);
                });
            }
            case SERVER_SIDE_EMIT -> {
                if (own) {
                    return;
                }
                List<JsonNode> args = new ArrayList<>();
                request.path("data").forEach(args::add);
                if (requestId == null) {
                    namespace.onServerSideEmit(args, null);
                } else {
                    namespace.onServerSideEmit(args, reply -> {
                        ObjectNode response = NODES.objectNode();
                        response.put("type", SERVER_SIDE_EMIT);
                        response.put("requestId", requestId);
                        response.set("data", codec.tree(reply));
                        publishJson(responseChannel, response);
                    });
                }
            }
            case BROADCAST -> {
                if (own || ackRequests.containsKey(requestId)) {
                    return;
                }
                Packet packet = ClusterMessageCodec.packet(request.path("packet"), namespace.name());
                if (packet == null) {
                    return;
                }
                super.broadcastWithAck(packet, ClusterMessageCodec.options(request.path("opts")), count -> {
                    ObjectNode response = NODES.objectNode();
                    response.put("type", BROADCAST_CLIENT_COUNT);
                    response.put("requestId", requestId);
                    response.put("clientCount", count);
                    publishJson(responseChannel, response);
                }, arg -> {
                    ObjectNode response = NODES.objectNode();
                    response.put("type", BROADCAST_ACK);
                    response.put("requestId", requestId);
                    response.set("packet", arg == null ? NODES.nullNode() : arg);
                    publish(responseChannel, MsgPack.encode(response));
                });
            }
            default -> {
            }
        }
    }

    private void onRemoteRoomRequest(JsonNode request, String requestId, boolean own) {
        int type = request.path("type").asInt();
        if (request.has("opts")) {
            if (own) {
                return; // applied locally when it was sent
            }
            BroadcastOptions options = ClusterMessageCodec.options(request.get("opts"));
            Set<String> rooms = new LinkedHashSet<>();
            request.path("rooms").forEach(room -> rooms.add(room.asString()));
            switch (type) {
                case REMOTE_JOIN -> super.addSockets(options, rooms);
                case REMOTE_LEAVE -> super.delSockets(options, rooms);
                default -> super.disconnectSockets(options, request.path("close").asBoolean(false));
            }
            return;
        }
        // the legacy single-socket form, answered by the server that has the socket
        LocalSocket socket = namespace.socket(request.path("sid").asString());
        if (socket == null) {
            return;
        }
        switch (type) {
            case REMOTE_JOIN -> addAll(socket.id(), Set.of(request.path("room").asString()));
            case REMOTE_LEAVE -> del(socket.id(), request.path("room").asString());
            default -> socket.disconnect(request.path("close").asBoolean(false));
        }
        ObjectNode response = NODES.objectNode();
        response.put("requestId", requestId);
        publishJson(responseChannel, response);
    }

    private void onResponse(JsonNode response) {
        String requestId = response.path("requestId").asString();
        AckRequest ack = ackRequests.get(requestId);
        if (ack != null) {
            switch (response.path("type").asInt(-1)) {
                case BROADCAST_CLIENT_COUNT -> ack.clientCount().accept(response.path("clientCount").asInt());
                case BROADCAST_ACK -> ack.ack().accept(response.get("packet"));
                default -> {
                }
            }
            return;
        }
        PendingRequests.Pending request = requests.get(requestId);
        if (request == null) {
            return;
        }
        switch (request.kind()) {
            case SOCKETS, REMOTE_FETCH -> request.answer(null, response.path("sockets"));
            case ALL_ROOMS -> request.answer(null, response.path("rooms"));
            case SERVER_SIDE_EMIT -> request.answer(null, NODES.arrayNode().add(response.path("data")));
            default -> {
            }
        }
    }

    /**
     * Publishes a request and waits for one answer (an array of values) per other server. The
     * timeout runs from this call and covers the {@code PUBSUB NUMSUB} that counts the servers, so
     * the request ends in time whatever Redis does (answers slowly, stalls, dies): it fails at once
     * with {@link ClusterUnavailableException} while Redis is unreachable or when the request cannot
     * be sent, with {@link ClusterRequestTimeoutException} at the deadline.
     */
    private CompletableFuture<List<JsonNode>> request(String what, int type, ObjectNode message, Duration timeout) {
        if (!redis.isConnected()) {
            return CompletableFuture.failedFuture(redis.state().unavailable(what, null));
        }
        String requestId = uid2(6);
        message.put("uid", uid);
        message.put("requestId", requestId);
        message.put("type", type);
        PendingRequests.Pending request = requests.start(requestId, what, type, timeout);
        redis.numsub(requestChannel).whenComplete((servers, countError) -> {
            if (countError != null) {
                request.fail(redis.state().unavailable(what, countError));
            } else if (request.expect(seen(servers.intValue()) - 1, null)) {
                redis.publish(requestChannel, codec.encodeJson(message)).whenComplete((receivers, error) -> {
                    if (error != null) {
                        request.fail(redis.state().unavailable(what, error));
                    }
                });
            }
        });
        return request.result();
    }

    @Override
    public CompletableFuture<Set<String>> sockets(Set<String> rooms) {
        Set<String> local = new LinkedHashSet<>(super.sockets(rooms).join());
        ObjectNode message = NODES.objectNode();
        ArrayNode array = message.putArray("rooms");
        rooms.forEach(array::add);
        return request("allSockets", SOCKETS, message, requestsTimeout).thenApply(answers -> {
            Set<String> ids = new LinkedHashSet<>(local);
            answers.forEach(id -> ids.add(id.asString()));
            return ids;
        });
    }

    /** Every room with members on any server. */
    @Override
    public CompletableFuture<Set<String>> allRooms() {
        Set<String> local = rooms();
        return request("allRooms", ALL_ROOMS, NODES.objectNode(), requestsTimeout).thenApply(answers -> {
            Set<String> all = new LinkedHashSet<>(local);
            answers.forEach(room -> all.add(room.asString()));
            return all;
        });
    }

    @Override
    public CompletableFuture<List<SocketDetails>> fetchSockets(BroadcastOptions options) {
        List<SocketDetails> localSockets = super.fetchSockets(options).join();
        if (options.flags().local()) {
            return CompletableFuture.completedFuture(localSockets);
        }
        Duration timeout = options.flags().timeout() != null ? options.flags().timeout() : requestsTimeout;
        ObjectNode message = NODES.objectNode();
        ObjectNode opts = message.putObject("opts");
        ObjectNode encoded = ClusterMessageCodec.options(options);
        opts.set("rooms", encoded.get("rooms"));
        opts.set("except", encoded.get("except"));
        return request("fetchSockets", REMOTE_FETCH, message, timeout).thenApply(answers -> {
            List<SocketDetails> all = new ArrayList<>(localSockets);
            answers.forEach(socket -> all.add(codec.socketDetails(socket)));
            return all;
        });
    }

    private ObjectNode roomRequest(int type, BroadcastOptions options) {
        ObjectNode message = NODES.objectNode();
        message.put("uid", uid);
        message.put("type", type);
        ObjectNode opts = message.putObject("opts");
        ObjectNode encoded = ClusterMessageCodec.options(options);
        opts.set("rooms", encoded.get("rooms"));
        opts.set("except", encoded.get("except"));
        return message;
    }

    @Override
    public CompletableFuture<Void> addSockets(BroadcastOptions options, Set<String> rooms) {
        if (!options.flags().local()) {
            ObjectNode message = roomRequest(REMOTE_JOIN, options);
            ArrayNode array = message.putArray("rooms");
            rooms.forEach(array::add);
            publishJson(requestChannel, message);
        }
        return super.addSockets(options, rooms);
    }

    @Override
    public CompletableFuture<Void> delSockets(BroadcastOptions options, Set<String> rooms) {
        if (!options.flags().local()) {
            ObjectNode message = roomRequest(REMOTE_LEAVE, options);
            ArrayNode array = message.putArray("rooms");
            rooms.forEach(array::add);
            publishJson(requestChannel, message);
        }
        return super.delSockets(options, rooms);
    }

    @Override
    public CompletableFuture<Void> disconnectSockets(BroadcastOptions options, boolean close) {
        if (!options.flags().local()) {
            ObjectNode message = roomRequest(REMOTE_DISCONNECT, options);
            message.put("close", close);
            publishJson(requestChannel, message);
        }
        return super.disconnectSockets(options, close);
    }

    @Override
    public CompletableFuture<Void> serverSideEmit(List<?> packet) {
        ObjectNode message = NODES.objectNode();
        message.put("uid", uid);
        message.put("type", SERVER_SIDE_EMIT);
        message.set("data", codec.tree(packet));
        publishJson(requestChannel, message);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<JsonNode>> serverSideEmitWithAck(List<?> packet, Duration timeout) {
        ObjectNode message = NODES.objectNode();
        message.set("data", codec.tree(packet));
        return request("serverSideEmitWithAck", SERVER_SIDE_EMIT, message, timeout != null ? timeout : requestsTimeout)
                .exceptionallyCompose(error -> {
                    Throwable cause = BackendState.unwrap(error);
                    if (cause instanceof ClusterRequestTimeoutException timedOut) {
                        return CompletableFuture.failedFuture(new AckTimeoutException(timedOut.partial()));
                    }
                    return CompletableFuture.failedFuture(cause);
                });
    }

    private record AckRequest(IntConsumer clientCount, Consumer<JsonNode> ack) {
    }

    @Override
    public String toString() {
        return "ClassicRedisAdapter[" + namespace.name() + ", uid=" + uid + "]";
    }
}
