package dev.socketeer.adapter.postgres;

import dev.socketeer.adapter.BackendStatus;
import dev.socketeer.adapter.cluster.BackendState;
import dev.socketeer.adapter.cluster.ClusterAdapter;
import dev.socketeer.adapter.cluster.ClusterMessage;
import dev.socketeer.adapter.cluster.ClusterMessageCodec;
import dev.socketeer.adapter.cluster.EmitterTarget;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends Socket.IO events and commands to the servers of a Postgres cluster (Java, or Node on
 * {@code @socket.io/postgres-adapter}) from any application, without a Socket.IO server, in the
 * format of {@code @socket.io/postgres-emitter} 0.1 — plus the top-level {@code nsp} that the Node
 * adapter needs and that emitter forgets. Immutable: {@link #of}, {@link #to}, {@link #except} and
 * the flags return new emitters sharing the connection.
 *
 * <pre>{@code
 * emitter.of("/chat").to("room1").except("room2").emit("message", "hello");
 * }</pre>
 */
public final class PostgresEmitter implements AutoCloseable {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final PostgresPubSub pubSub;
    private final ClusterMessageCodec codec;
    private final EmitterTarget target;

    /**
     * An emitter on the main namespace. Lazy: its one publishing connection is opened on first use
     * (that first emit waits for it), then comes back by itself when lost; while Postgres is
     * unreachable, emits fail at once with {@code ClusterUnavailableException}.
     *
     * @param options only the channel prefix, table name and payload threshold matter here
     */
    public PostgresEmitter(PostgresqlConnectionFactory connectionFactory, PostgresAdapterOptions options,
            JsonMapper mapper) {
        this(connectionFactory, options, mapper, "postgres");
    }

    /**
     * @param address where Postgres is (e.g. {@code "db:5432/app"}), for logs, health and errors
     */
    public PostgresEmitter(PostgresqlConnectionFactory connectionFactory, PostgresAdapterOptions options,
            JsonMapper mapper, String address) {
        this(new PostgresPubSub(connectionFactory, options, new ClusterMessageCodec(mapper), false,
                new BackendState("Socket.IO Postgres emitter", "postgres", address)),
                new ClusterMessageCodec(mapper), EmitterTarget.MAIN);
    }

    private PostgresEmitter(PostgresPubSub pubSub, ClusterMessageCodec codec, EmitterTarget target) {
        this.pubSub = pubSub;
        this.codec = codec;
        this.target = target;
    }

    /**
     * The emitter of another namespace ({@code "chat"} and {@code "/chat"} are the same).
     *
     * @throws IllegalArgumentException when the namespace's channel would pass Postgres' 63-byte limit
     */
    public PostgresEmitter of(String namespace) {
        EmitterTarget other = target.of(namespace);
        pubSub.channelOf(other.nsp());
        return new PostgresEmitter(pubSub, codec, other);
    }

    /** Targets these rooms too. */
    public PostgresEmitter to(String... rooms) {
        return to(Arrays.asList(rooms));
    }

    /** Targets these rooms too. */
    public PostgresEmitter to(Collection<String> rooms) {
        return new PostgresEmitter(pubSub, codec, target.to(rooms));
    }

    /** Same as {@link #to}. */
    public PostgresEmitter in(String... rooms) {
        return to(rooms);
    }

    /** Skips the sockets in these rooms. */
    public PostgresEmitter except(String... rooms) {
        return new PostgresEmitter(pubSub, codec, target.except(Arrays.asList(rooms)));
    }

    /** Recipients whose transport is not writable may miss the event. */
    public PostgresEmitter asVolatile() {
        return new PostgresEmitter(pubSub, codec, target.asVolatile());
    }

    /** Whether the event may be compressed. */
    public PostgresEmitter compress(boolean compress) {
        return new PostgresEmitter(pubSub, codec, target.compress(compress));
    }

    /** Emits an event to the targeted sockets of every server; completes when Postgres took it. */
    public CompletableFuture<Void> emit(String event, Object... args) {
        ObjectNode packet = NODES.objectNode();
        packet.put("type", 2);
        packet.set("data", codec.tree(EmitterTarget.eventData(event, args)));
        packet.put("nsp", target.nsp());
        return publish(new ClusterMessage.Broadcast(ClusterAdapter.EMITTER_UID, target.nsp(), packet, target.options(),
                null));
    }

    /** Makes the targeted sockets join rooms, on every server. */
    public CompletableFuture<Void> socketsJoin(String... rooms) {
        return publish(new ClusterMessage.SocketsJoin(ClusterAdapter.EMITTER_UID, target.nsp(), target.options(), List.of(rooms)));
    }

    /** Makes the targeted sockets leave rooms, on every server. */
    public CompletableFuture<Void> socketsLeave(String... rooms) {
        return publish(new ClusterMessage.SocketsLeave(ClusterAdapter.EMITTER_UID, target.nsp(), target.options(), List.of(rooms)));
    }

    /** Disconnects the targeted sockets ({@code close}: their whole connections). */
    public CompletableFuture<Void> disconnectSockets(boolean close) {
        return publish(new ClusterMessage.DisconnectSockets(ClusterAdapter.EMITTER_UID, target.nsp(), target.options(), close));
    }

    /** Emits an event to every server's {@code onServerSideEmit} listeners (no acknowledgement). */
    public CompletableFuture<Void> serverSideEmit(String event, Object... args) {
        return publish(new ClusterMessage.ServerSideEmit(ClusterAdapter.EMITTER_UID, target.nsp(),
                codec.tree(EmitterTarget.eventData(event, args)), null));
    }

    private CompletableFuture<Void> publish(ClusterMessage message) {
        return pubSub.publish(message);
    }

    /** Whether the Postgres connection is up (false until the first emit opened it). */
    public boolean isConnected() {
        return pubSub.state().connected();
    }

    /** The state of the connection: connected or not, since when, why not. */
    public BackendStatus backendStatus() {
        return pubSub.state().status();
    }

    /** Closes the connection (all emitters derived from this one share it). */
    @Override
    public void close() {
        pubSub.close();
    }
}
