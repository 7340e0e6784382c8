package dev.socketeer.adapter.redis;

import dev.socketeer.adapter.BackendStatus;
import dev.socketeer.adapter.cluster.BackendState;
import dev.socketeer.adapter.cluster.ClusterMessageCodec;
import dev.socketeer.adapter.cluster.EmitterTarget;
import dev.socketeer.adapter.cluster.MsgPack;
import io.lettuce.core.AbstractRedisClient;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends Socket.IO events and commands to the servers of a Redis cluster (Java or Node, classic
 * Redis adapter) from any application, without a Socket.IO server, in the format of
 * {@code @socket.io/redis-emitter} 5.1. Immutable: {@link #of}, {@link #to}, {@link #except} and
 * the flags return new emitters sharing the connection.
 *
 * <pre>{@code
 * emitter.of("/chat").to("room1").except("room2").emit("message", "hello");
 * }</pre>
 */
public final class RedisEmitter implements AutoCloseable {

    /** The uid emitters publish with. */
    public static final String UID = "emitter";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RedisPubSub redis;
    private final ClusterMessageCodec codec;
    private final String key;
    private final EmitterTarget target;

    /** An emitter on the main namespace with the default key {@code socket.io}. */
    public RedisEmitter(AbstractRedisClient client, JsonMapper mapper) {
        this(client, "socket.io", mapper);
    }

    /**
     * Lazy: its one publishing connection is opened on first use (that first emit waits for it),
     * then Lettuce keeps it up; while Redis is unreachable, emits fail at once with
     * {@code ClusterUnavailableException}. An application whose Redis is down starts all the same.
     *
     * @param client a Lettuce {@code RedisClient} (standalone Redis or Sentinel) or {@code RedisClusterClient}
     * @param key the channel prefix of the adapters
     */
    public RedisEmitter(AbstractRedisClient client, String key, JsonMapper mapper) {
        this(client, key, mapper, "redis");
    }

    /**
     * @param address where Redis is (e.g. {@code "127.0.0.1:6379"}), for logs and errors
     */
    public RedisEmitter(AbstractRedisClient client, String key, JsonMapper mapper, String address) {
        this(new RedisPubSub(client, false, new BackendState("Socket.IO Redis emitter", "redis", address)),
                new ClusterMessageCodec(mapper), key, EmitterTarget.MAIN);
    }

    private RedisEmitter(RedisPubSub redis, ClusterMessageCodec codec, String key, EmitterTarget target) {
        this.redis = redis;
        this.codec = codec;
        this.key = key;
        this.target = target;
    }

    /** The emitter of another namespace ({@code "chat"} and {@code "/chat"} are the same). */
    public RedisEmitter of(String namespace) {
        return new RedisEmitter(redis, codec, key, target.of(namespace));
    }

    /** Targets these rooms too. */
    public RedisEmitter to(String... rooms) {
        return to(Arrays.asList(rooms));
    }

    /** Targets these rooms too. */
    public RedisEmitter to(Collection<String> rooms) {
        return new RedisEmitter(redis, codec, key, target.to(rooms));
    }

    /** Same as {@link #to}. */
    public RedisEmitter in(String... rooms) {
        return to(rooms);
    }

    /** Skips the sockets in these rooms. */
    public RedisEmitter except(String... rooms) {
        return new RedisEmitter(redis, codec, key, target.except(Arrays.asList(rooms)));
    }

    /** Recipients whose transport is not writable may miss the event. */
    public RedisEmitter asVolatile() {
        return new RedisEmitter(redis, codec, key, target.asVolatile());
    }

    /** Whether the event may be compressed. */
    public RedisEmitter compress(boolean compress) {
        return new RedisEmitter(redis, codec, key, target.compress(compress));
    }

    /** Emits an event to the targeted sockets; completes when Redis took it. */
    public CompletableFuture<Void> emit(String event, Object... args) {
        String nsp = target.nsp();
        ObjectNode packet = NODES.objectNode();
        packet.put("type", 2);
        packet.set("data", codec.tree(EmitterTarget.eventData(event, args)));
        packet.put("nsp", nsp);
        ArrayNode message = NODES.arrayNode();
        message.add(UID);
        message.add(packet);
        message.add(ClusterMessageCodec.options(target.options()));
        Set<String> rooms = target.rooms();
        String channel = key + "#" + nsp + "#" + (rooms.size() == 1 ? rooms.iterator().next() + "#" : "");
        return redis.publish(channel, MsgPack.encode(message)).thenApply(receivers -> null);
    }

    /** Makes the targeted sockets join rooms, on every server. */
    public CompletableFuture<Void> socketsJoin(String... rooms) {
        ObjectNode request = roomRequest(2);
        ArrayNode array = request.putArray("rooms");
        Arrays.asList(rooms).forEach(array::add);
        return request(request);
    }

    /** Makes the targeted sockets leave rooms, on every server. */
    public CompletableFuture<Void> socketsLeave(String... rooms) {
        ObjectNode request = roomRequest(3);
        ArrayNode array = request.putArray("rooms");
        Arrays.asList(rooms).forEach(array::add);
        return request(request);
    }

    /** Disconnects the targeted sockets ({@code close}: their whole connections). */
    public CompletableFuture<Void> disconnectSockets(boolean close) {
        ObjectNode request = roomRequest(4);
        request.put("close", close);
        return request(request);
    }

    /** Emits an event to every server's {@code onServerSideEmit} listeners (no acknowledgement). */
    public CompletableFuture<Void> serverSideEmit(String event, Object... args) {
        ObjectNode request = NODES.objectNode();
        request.put("uid", UID);
        request.put("type", 6);
        request.set("data", codec.tree(EmitterTarget.eventData(event, args)));
        return request(request);
    }

    private ObjectNode roomRequest(int type) {
        ObjectNode request = NODES.objectNode();
        request.put("type", type);
        ObjectNode opts = request.putObject("opts");
        ObjectNode encoded = ClusterMessageCodec.options(target.options());
        opts.set("rooms", encoded.get("rooms"));
        opts.set("except", encoded.get("except"));
        return request;
    }

    private CompletableFuture<Void> request(ObjectNode request) {
        return redis.publish(key + "-request#" + target.nsp() + "#", codec.encodeJson(request))
                .thenApply(receivers -> null);
    }

    /** Whether the Redis connection is up (false until the first emit opened it). */
    public boolean isConnected() {
        return redis.isConnected();
    }

    /** The state of the connection: connected or not, since when, why not. */
    public BackendStatus backendStatus() {
        return redis.state().status();
    }

    /** Closes the connection (all emitters derived from this one share it). */
    @Override
    public void close() {
        redis.close();
    }
}
