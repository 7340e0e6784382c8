package dev.socketeer.adapter.redis;

import dev.socketeer.adapter.cluster.BackendState;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One publishing and one subscribing connection shared by every namespace of a server (or one
 * publishing connection for an emitter), with handlers routed by channel, pattern or shard channel.
 *
 * <p>Nothing connects in the constructor: {@link #start()} opens the connections in the
 * background (Lettuce's connect blocks, so it runs on Reactor's bounded-elastic threads, never on
 * an event loop), retrying with a growing delay until Redis answers; then it subscribes to every
 * channel registered meanwhile. Once connected, Lettuce reconnects by itself and subscribes again.
 * While disconnected, publications fail at once instead of piling up; an operation made during the
 * very first attempt waits for that attempt. {@link BackendState} logs each change once.
 */
final class RedisPubSub implements AutoCloseable {

    private final RedisClient client;
    private final boolean subscribe;
    private final BackendState state;
    private final Map<String, BiConsumer<String, byte[]>> channels = new ConcurrentHashMap<>();
    private final Map<String, BiConsumer<String, byte[]>> patterns = new ConcurrentHashMap<>();
    private final Map<String, BiConsumer<String, byte[]>> shardChannels = new ConcurrentHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    /** Completes (normally) when the first connection attempt ends, whatever its outcome. */
    private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
    /** Completes when the connections are first up and subscribed. */
    private final CompletableFuture<Void> firstUp = new CompletableFuture<>();
    private volatile StatefulRedisConnection<byte[], byte[]> pub;
    private volatile StatefulRedisPubSubConnection<byte[], byte[]> sub;
    private volatile Disposable pending;
    private int attempts; // only touched by one attempt at a time

    /**
     * @param subscribe whether to open the subscribing connection too (an adapter) or only publish (an emitter)
     */
    RedisPubSub(RedisClient client, boolean subscribe, BackendState state) {
        this.client = client;
        this.subscribe = subscribe;
        this.state = state;
    }

    BackendState state() {
        return state;
    }

    /** Starts connecting in the background (once); later calls do nothing. */
    void start() {
        if (started.compareAndSet(false, true)) {
            attempt();
        }
    }

    /** Completes when the connections are up for the first time; fails when {@code timeout} passes first. */
    CompletableFuture<Void> awaitFirstConnection(java.time.Duration timeout) {
        start();
        return firstUp.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void attempt() {
        if (state.isClosed()) {
            return;
        }
        pending = Mono.fromRunnable(this::open)
                .subscribeOn(Schedulers.boundedElastic())
                .subscribe(null, error -> {
                    state.down(error);
                    firstAttempt.complete(null);
                    if (!state.isClosed()) {
                        pending = Schedulers.parallel().schedule(this::attempt, BackendState.retryDelayMillis(++attempts),
                                TimeUnit.MILLISECONDS);
                    }
                });
    }

    /** Opens the connections and subscribes to what was registered; blocking, on a bounded-elastic thread. */
    private void open() {
        StatefulRedisConnection<byte[], byte[]> newPub = client.connect(ByteArrayCodec.INSTANCE);
        StatefulRedisPubSubConnection<byte[], byte[]> newSub = null;
        try {
            if (subscribe) {
                newSub = client.connectPubSub(ByteArrayCodec.INSTANCE);
                newSub.addListener(new Router());
                // published first so that a subscription registered from now on is sent on it directly
                sub = newSub;
                subscribeAll(newSub).get(newSub.getTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            sub = null;
            newPub.closeAsync();
            if (newSub != null) {
                newSub.closeAsync();
            }
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
        if (state.isClosed()) {
            newPub.closeAsync();
            if (newSub != null) {
                newSub.closeAsync();
            }
            return;
        }
        StateListener listener = new StateListener();
        newPub.addListener(listener);
        if (newSub != null) {
            newSub.addListener(listener);
        }
        pub = newPub;
        state.up();
        firstAttempt.complete(null);
        firstUp.complete(null);
    }

    /** Subscribes a new subscribing connection to every registered channel, pattern and shard channel. */
    private CompletableFuture<Void> subscribeAll(StatefulRedisPubSubConnection<byte[], byte[]> connection) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        if (!channels.isEmpty()) {
            done.add(connection.async().subscribe(keys(channels)).toCompletableFuture());
        }
        if (!patterns.isEmpty()) {
            done.add(connection.async().psubscribe(keys(patterns)).toCompletableFuture());
        }
        if (!shardChannels.isEmpty()) {
            done.add(connection.async().ssubscribe(keys(shardChannels)).toCompletableFuture());
        }
        return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
    }

    private static byte[][] keys(Map<String, ?> map) {
        return map.keySet().stream().map(RedisPubSub::bytes).toArray(byte[][]::new);
    }

    private static void deliver(Map<String, BiConsumer<String, byte[]>> handlers, String key, String channel,
            byte[] message) {
        BiConsumer<String, byte[]> handler = handlers.get(key);
        if (handler == null) {
            return;
        }
        try {
            handler.accept(channel, message);
        } catch (RuntimeException e) {
            System.getLogger(RedisPubSub.class.getName()).log(System.Logger.Level.WARNING,
                    "ignoring Redis message on " + channel + " that could not be handled: " + e, e);
        }
    }

    private static String string(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether every connection is up. */
    boolean isConnected() {
        return state.connected();
    }

    /**
     * Subscribes; completes once Redis confirmed. Registered before the first connection, it is made
     * (and completes) when the connection comes up.
     */
    CompletableFuture<Void> subscribe(String channel, BiConsumer<String, byte[]> handler) {
        channels.put(channel, handler);
        StatefulRedisPubSubConnection<byte[], byte[]> connection = sub;
        return connection == null ? firstUp : connection.async().subscribe(bytes(channel)).toCompletableFuture();
    }

    CompletableFuture<Void> psubscribe(String pattern, BiConsumer<String, byte[]> handler) {
        patterns.put(pattern, handler);
        StatefulRedisPubSubConnection<byte[], byte[]> connection = sub;
        return connection == null ? firstUp : connection.async().psubscribe(bytes(pattern)).toCompletableFuture();
    }

    CompletableFuture<Void> ssubscribe(String channel, BiConsumer<String, byte[]> handler) {
        shardChannels.put(channel, handler);
        StatefulRedisPubSubConnection<byte[], byte[]> connection = sub;
        return connection == null ? firstUp : connection.async().ssubscribe(bytes(channel)).toCompletableFuture();
    }

    CompletableFuture<Void> unsubscribe(String channel) {
        channels.remove(channel);
        StatefulRedisPubSubConnection<byte[], byte[]> connection = sub;
        return connection == null || !state.connected() ? CompletableFuture.completedFuture(null)
                : quietly(connection.async().unsubscribe(bytes(channel)).toCompletableFuture());
    }

    CompletableFuture<Void> punsubscribe(String pattern) {
        patterns.remove(pattern);
        StatefulRedisPubSubConnection<byte[], byte[]> connection = sub;
        return connection == null || !state.connected() ? CompletableFuture.completedFuture(null)
                : quietly(connection.async().punsubscribe(bytes(pattern)).toCompletableFuture());
    }

    CompletableFuture<Void> sunsubscribe(String channel) {
        shardChannels.remove(channel);
        StatefulRedisPubSubConnection<byte[], byte[]> connection = sub;
        return connection == null || !state.connected() ? CompletableFuture.completedFuture(null)
                : quietly(connection.async().sunsubscribe(bytes(channel)).toCompletableFuture());
    }

    /**
     * An unsubscription that failed (the connection closed under it) has nothing left to undo. While
     * disconnected none is sent: Lettuce would hold it until Redis is back (a shutdown would wait on
     * it), and the handler is already gone, so what arrives meanwhile is ignored.
     */
    private static CompletableFuture<Void> quietly(CompletableFuture<Void> unsubscription) {
        return unsubscription.exceptionally(error -> null);
    }

    CompletableFuture<Long> publish(String channel, byte[] message) {
        return withPublisher("publish", connection -> connection.async().publish(bytes(channel), message)
                .toCompletableFuture());
    }

    CompletableFuture<Long> spublish(String channel, byte[] message) {
        return withPublisher("spublish", connection -> connection.async().spublish(bytes(channel), message)
                .toCompletableFuture());
    }

    /** {@code PUBSUB NUMSUB channel}. */
    CompletableFuture<Long> numsub(String channel) {
        return withPublisher("PUBSUB NUMSUB", connection -> connection.async().pubsubNumsub(bytes(channel))
                .toCompletableFuture().thenApply(counts -> counts.values().stream().findFirst().orElse(0L)));
    }

    /** {@code PUBSUB SHARDNUMSUB channel}. */
    CompletableFuture<Long> shardNumsub(String channel) {
        return withPublisher("PUBSUB SHARDNUMSUB", connection -> connection.async()
                .pubsubShardNumsub(bytes(channel)).toCompletableFuture()
                .thenApply(counts -> counts.values().stream().findFirst().orElse(0L)));
    }

    /**
     * Runs a command on the publishing connection: starts connecting when nothing did yet (a lazy
     * emitter), waits for the first attempt when it is under way, fails at once while disconnected.
     */
    private <T> CompletableFuture<T> withPublisher(String operation,
            java.util.function.Function<StatefulRedisConnection<byte[], byte[]>, CompletableFuture<T>> command) {
        StatefulRedisConnection<byte[], byte[]> connection = pub;
        if (connection == null && !firstAttempt.isDone()) {
            start();
            return firstAttempt.thenCompose(ignored -> withPublisher(operation, command));
        }
        if (connection == null || !state.connected()) {
            return CompletableFuture.failedFuture(state.unavailable(operation, null));
        }
        return command.apply(connection);
    }

    @Override
    public void close() {
        if (state.isClosed()) {
            return;
        }
        state.close();
        Disposable attempt = pending;
        if (attempt != null) {
            attempt.dispose();
        }
        firstAttempt.complete(null);
        StatefulRedisPubSubConnection<byte[], byte[]> subscriber = sub;
        if (subscriber != null) {
            subscriber.closeAsync();
        }
        StatefulRedisConnection<byte[], byte[]> publisher = pub;
        if (publisher != null) {
            publisher.closeAsync();
        }
    }

    /** Routes messages to the handlers registered for their channel, pattern or shard channel. */
    private final class Router extends RedisPubSubAdapter<byte[], byte[]> {

        @Override
        public void message(byte[] channel, byte[] message) {
            deliver(channels, string(channel), string(channel), message);
        }

        @Override
        public void message(byte[] pattern, byte[] channel, byte[] message) {
            deliver(patterns, string(pattern), string(channel), message);
        }

        @Override
        public void smessage(byte[] channel, byte[] message) {
            deliver(shardChannels, string(channel), string(channel), message);
        }
    }

    /** Follows Lettuce's own reconnections once the first connection is made. */
    private final class StateListener implements RedisConnectionStateListener {

        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            StatefulRedisConnection<byte[], byte[]> publisher = pub;
            StatefulRedisPubSubConnection<byte[], byte[]> subscriber = sub;
            if (publisher != null && publisher.isOpen() && (!subscribe || subscriber != null && subscriber.isOpen())) {
                state.up();
            }
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            state.down(null);
        }
    }
}
