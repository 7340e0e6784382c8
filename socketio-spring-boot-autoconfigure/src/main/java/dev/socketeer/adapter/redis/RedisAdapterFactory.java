package dev.socketeer.adapter.redis;

import dev.socketeer.adapter.Adapter;
import dev.socketeer.adapter.AdapterDescription;
import dev.socketeer.adapter.AdapterFactory;
import dev.socketeer.adapter.BackendStatus;
import dev.socketeer.adapter.LocalNamespace;
import dev.socketeer.adapter.cluster.BackendState;
import dev.socketeer.adapter.cluster.ClusterMessageCodec;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates the Redis adapter of each namespace. All namespaces share one publishing and one
 * subscribing connection, opened in the background from the moment the factory is created: the
 * application starts even while Redis is down, serves its own clients, reports the outage through
 * {@link #backendStatus()} (and the adapters' {@code AdapterHealth}), and connects as soon as Redis
 * answers. {@link #close()} closes the connections (once).
 */
public final class RedisAdapterFactory implements AdapterFactory, AutoCloseable {

    private final RedisPubSub pubSub;
    private final RedisAdapterOptions options;
    private final ClusterMessageCodec codec;

    /**
     * @param client a standalone Lettuce client, e.g. the native client of Spring's
     *     {@code LettuceConnectionFactory}
     * @param mapper turns application values (event arguments, socket data) into JSON trees
     */
    public RedisAdapterFactory(AbstractRedisClient client, RedisAdapterOptions options, JsonMapper mapper) {
        this(client, options, mapper, "redis");
    }

    /**
     * @param address where Redis is (e.g. {@code "127.0.0.1:6379"}), for logs, health and errors
     */
    public RedisAdapterFactory(AbstractRedisClient client, RedisAdapterOptions options, JsonMapper mapper,
            String address) {
        if (!(client instanceof RedisClient redisClient)) {
            throw new IllegalArgumentException("The Socket.IO Redis adapter needs a standalone Redis connection"
                    + " (spring.data.redis.host/port or url); Redis Cluster and Sentinel clients are not supported yet, got "
                    + client.getClass().getName());
        }
        this.options = options;
        this.codec = new ClusterMessageCodec(mapper);
        this.pubSub = new RedisPubSub(redisClient, true, new BackendState("Socket.IO Redis adapter", "redis", address));
        pubSub.start();
    }

    @Override
    public Adapter create(LocalNamespace namespace) {
        return switch (options.mode()) {
            case CLASSIC -> new ClassicRedisAdapter(namespace, pubSub, options, codec);
            case SHARDED -> new ShardedRedisAdapter(namespace, pubSub, options, codec);
        };
    }

    @Override
    public AdapterDescription description() {
        return new AdapterDescription("redis", options.mode().name().toLowerCase(Locale.ROOT), options.key(),
                pubSub.state().address());
    }

    /** Whether the Redis connections are up. */
    public boolean isConnected() {
        return pubSub.isConnected();
    }

    /** The state of the Redis connections: connected or not, since when, why not. */
    public BackendStatus backendStatus() {
        return pubSub.state().status();
    }

    /**
     * Completes once the connections are up for the first time; fails with a
     * {@link java.util.concurrent.TimeoutException} when {@code timeout} passes first (for a
     * fail-fast start; the connection attempts go on in the background either way).
     */
    public CompletableFuture<Void> awaitConnection(Duration timeout) {
        return pubSub.awaitFirstConnection(timeout);
    }

    /** The options in use. */
    public RedisAdapterOptions options() {
        return options;
    }

    @Override
    public void close() {
        pubSub.close();
    }
}
