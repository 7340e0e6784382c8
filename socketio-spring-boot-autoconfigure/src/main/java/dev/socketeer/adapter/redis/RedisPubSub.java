package dev.socketeer.adapter.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * One publishing and one subscribing connection shared by every namespace of a server (or by an
 * emitter), with handlers routed by channel, pattern or shard channel. Lettuce reconnects both by
 * itself and subscribes again; while disconnected, publications fail at once instead of piling up.
 * The state change is logged once each way.
 */
final class RedisPubSub implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RedisPubSub.class.getName());

    private final StatefulRedisConnection<byte[], byte[]> pub;
    private final StatefulRedisPubSubConnection<byte[], byte[]> sub;
    private final Map<String, BiConsumer<String, byte[]>> channels = new ConcurrentHashMap<>();
    private final Map<String, BiConsumer<String, byte[]>> patterns = new ConcurrentHashMap<>();
    private final Map<String, BiConsumer<String, byte[]>> shardChannels = new ConcurrentHashMap<>();
    private final AtomicBoolean down = new AtomicBoolean();

    RedisPubSub(RedisClient client, boolean subscribe, String role) {
        this.pub = client.connect(ByteArrayCodec.INSTANCE);
        this.sub = subscribe ? client.connectPubSub(ByteArrayCodec.INSTANCE) : null;
        RedisConnectionStateListener state = new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                if (isConnected() && down.compareAndSet(true, false)) {
                    LOG.log(System.Logger.Level.INFO, role + " reconnected to " + address
                            + "; cross-server delivery resumes");
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (down.compareAndSet(false, true)) {
                    LOG.log(System.Logger.Level.WARNING, role + " lost its Redis connection; local"
                            + " delivery continues, cross-server messages are dropped until it reconnects");
                }
            }
        };
        pub.addListener(state);
        if (sub != null) {
            sub.addListener(state);
            sub.addListener(new RedisPubSubAdapter<>() {
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
            });
        }
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
            LOG.log(System.Logger.Level.WARNING, "ignoring Redis message on " + channel + " that could not be handled: "
                    + e, e);
        }
    }

    private static String string(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether both connections are up. */
    boolean isConnected() {
        return pub.isOpen() && (sub == null || sub.isOpen());
    }

    CompletableFuture<Void> subscribe(String channel, BiConsumer<String, byte[]> handler) {
        channels.put(channel, handler);
        return sub.async().subscribe(bytes(channel)).toCompletableFuture();
    }

    CompletableFuture<Void> psubscribe(String pattern, BiConsumer<String, byte[]> handler) {
        patterns.put(pattern, handler);
        return sub.async().psubscribe(bytes(pattern)).toCompletableFuture();
    }

    CompletableFuture<Void> ssubscribe(String channel, BiConsumer<String, byte[]> handler) {
        shardChannels.put(channel, handler);
        return sub.async().ssubscribe(bytes(channel)).toCompletableFuture();
    }

    CompletableFuture<Void> unsubscribe(String channel) {
        channels.remove(channel);
        return sub.async().unsubscribe(bytes(channel)).toCompletableFuture();
    }

    CompletableFuture<Void> punsubscribe(String pattern) {
        patterns.remove(pattern);
        return sub.async().punsubscribe(bytes(pattern)).toCompletableFuture();
    }

    CompletableFuture<Void> sunsubscribe(String channel) {
        shardChannels.remove(channel);
        return sub.async().sunsubscribe(bytes(channel)).toCompletableFuture();
    }

    CompletableFuture<Long> publish(String channel, byte[] message) {
        if (!pub.isOpen()) {
            return CompletableFuture.failedFuture(disconnected());
        }
        return pub.async().publish(bytes(channel), message).toCompletableFuture();
    }

    CompletableFuture<Long> spublish(String channel, byte[] message) {
        if (!pub.isOpen()) {
            return CompletableFuture.failedFuture(disconnected());
        }
        return pub.async().spublish(bytes(channel), message).toCompletableFuture();
    }

    /** {@code PUBSUB NUMSUB channel}. */
    CompletableFuture<Long> numsub(String channel) {
        if (!pub.isOpen()) {
            return CompletableFuture.failedFuture(disconnected());
        }
        return pub.async().pubsubNumsub(bytes(channel)).toCompletableFuture()
                .thenApply(counts -> counts.values().stream().findFirst().orElse(0L));
    }

    /** {@code PUBSUB SHARDNUMSUB channel}. */
    CompletableFuture<Long> shardNumsub(String channel) {
        if (!pub.isOpen()) {
            return CompletableFuture.failedFuture(disconnected());
        }
        return pub.async().pubsubShardNumsub(bytes(channel)).toCompletableFuture()
                .thenApply(counts -> counts.values().stream().findFirst().orElse(0L));
    }

    private static IllegalStateException disconnected() {
        return new IllegalStateException("the Redis connection is down (the adapter reconnects by itself)");
    }

    @Override
    public void close() {
        if (sub != null) {
            sub.closeAsync();
        }
        pub.closeAsync();
    }
}
