package dev.socketeer.adapter.redis;

import dev.socketeer.adapter.BackendStatus;
import dev.socketeer.adapter.cluster.BackendState;
import dev.socketeer.adapter.cluster.ClusterMessage;
import dev.socketeer.adapter.cluster.ClusterMessageCodec;
import dev.socketeer.adapter.cluster.EmitterTarget;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.XAddArgs;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends Socket.IO events and commands to the servers of a Redis Streams cluster (Java or Node,
 * {@code @socket.io/redis-streams-adapter}) from any application, without a Socket.IO server, as the
 * monorepo's {@code socket.io-redis-streams-emitter} does: every operation is one stream entry of uid
 * {@code emitter} ({@code XADD <stream> MAXLEN ~ <maxLen> * uid emitter nsp <nsp> type <n> data ...}), so
 * broadcasts get offsets and reach recovering clients too. No acknowledgements. Immutable: {@link #of},
 * {@link #to}, {@link #except} and the flags return new emitters sharing the connection.
 *
 * <pre>{@code
 * emitter.of("/chat").to("room1").except("room2").emit("message", "hello");
 * }</pre>
 */
public final class RedisStreamsEmitter implements AutoCloseable {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RedisPubSub redis;
    private final ClusterMessageCodec codec;
    private final RedisStreamsOptions options;
    private final EmitterTarget target;

    /**
     * Lazy: its one connection is opened on first use; while Redis is unreachable, operations fail at once
     * with {@code ClusterUnavailableException}.
     *
     * @param client a Lettuce {@code RedisClient} (standalone Redis or Sentinel) or {@code RedisClusterClient}
     * @param options the stream name, stream count and max length of the adapters (the other options are not used)
     */
    public RedisStreamsEmitter(AbstractRedisClient client, RedisStreamsOptions options, JsonMapper mapper) {
        this(client, options, mapper, "redis");
    }

    /**
     * @param address where Redis is (e.g. {@code "127.0.0.1:6379"}), for logs and errors
     */
    public RedisStreamsEmitter(AbstractRedisClient client, RedisStreamsOptions options, JsonMapper mapper,
            String address) {
        this(new RedisPubSub(client, false,
                new BackendState("Socket.IO Redis streams emitter", "redis", address)),
                new ClusterMessageCodec(mapper), options, EmitterTarget.MAIN);
    }

    private RedisStreamsEmitter(RedisPubSub redis, ClusterMessageCodec codec, RedisStreamsOptions options,
            EmitterTarget target) {
        this.redis = redis;
        this.codec = codec;
        this.options = options;
        this.target = target;
    }

    /** The emitter of another namespace ({@code "chat"} and {@code "/chat"} are the same). */
    public RedisStreamsEmitter of(String namespace) {
        return new RedisStreamsEmitter(redis, codec, options, target.of(namespace));
    }

    /** Targets these rooms too. */
    public RedisStreamsEmitter to(String... rooms) {
        return to(Arrays.asList(rooms));
    }

    /** Targets these rooms too. */
    public RedisStreamsEmitter to(Collection<String> rooms) {
        return new RedisStreamsEmitter(redis, codec, options, target.to(rooms));
    }

    /** Same as {@link #to}. */
    public RedisStreamsEmitter in(String... rooms) {
        return to(rooms);
    }

    /** Skips the sockets in these rooms. */
    public RedisStreamsEmitter except(String... rooms) {
        return new RedisStreamsEmitter(redis, codec, options, target.except(Arrays.asList(rooms)));
    }

    /** Recipients whose transport is not writable may miss the event. */
    public RedisStreamsEmitter asVolatile() {
        return new RedisStreamsEmitter(redis, codec, options, target.asVolatile());
    }

    /** Whether the event may be compressed. */
    public RedisStreamsEmitter compress(boolean compress) {
        return new RedisStreamsEmitter(redis, codec, options, target.compress(compress));
    }

    /** Emits an event to the targeted sockets; completes with the entry id (the offset) once Redis took it. */
    public CompletableFuture<String> emit(String event, Object... args) {
        ObjectNode packet = NODES.objectNode();
        packet.put("type", 2);
        packet.set("data", codec.tree(EmitterTarget.eventData(event, args)));
        packet.put("nsp", target.nsp());
        return append(new ClusterMessage.Broadcast(RedisEmitter.UID, target.nsp(), packet, target.options(), null));
    }

    /** Makes the targeted sockets join rooms, on every server. */
    public CompletableFuture<String> socketsJoin(String... rooms) {
        return append(new ClusterMessage.SocketsJoin(RedisEmitter.UID, target.nsp(), target.options(), List.of(rooms)));
    }

    /** Makes the targeted sockets leave rooms, on every server. */
    public CompletableFuture<String> socketsLeave(String... rooms) {
        return append(new ClusterMessage.SocketsLeave(RedisEmitter.UID, target.nsp(), target.options(), List.of(rooms)));
    }

    /** Disconnects the targeted sockets ({@code close}: their whole connections). */
    public CompletableFuture<String> disconnectSockets(boolean close) {
        return append(new ClusterMessage.DisconnectSockets(RedisEmitter.UID, target.nsp(), target.options(), close));
    }

    /** Emits an event to every server's {@code onServerSideEmit} listeners (no acknowledgement). */
    public CompletableFuture<String> serverSideEmit(String event, Object... args) {
        return append(new ClusterMessage.ServerSideEmit(RedisEmitter.UID, target.nsp(), codec.tree(EmitterTarget.eventData(event, args)),
                null));
    }

    private CompletableFuture<String> append(ClusterMessage message) {
        // the reference emitter always writes to the stream name itself, which adapters with several streams never
        // read; the namespace's stream is the same one with one stream, and the one they read with several
        byte[] stream = options.streamOf(target.nsp()).getBytes(StandardCharsets.UTF_8);
        Object[] fields = RedisStreamEntries.fields(codec, message, false);
        XAddArgs trim = new XAddArgs().maxlen(options.maxLen()).approximateTrimming();
        return redis.command("XADD", commands -> commands.xadd(stream, trim, fields));
    }

    /** Whether the Redis connection is up (false until the first operation opened it). */
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
