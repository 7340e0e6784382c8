package dev.socketeer.adapter.redis;

import dev.socketeer.adapter.Adapter;
import dev.socketeer.adapter.AdapterFactory;
import dev.socketeer.adapter.LocalNamespace;
import dev.socketeer.adapter.cluster.ClusterMessageCodec;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates the Redis adapter of each namespace. All namespaces share one publishing and one
 * subscribing connection, opened when the factory is created (at startup, never on an event loop)
 * and closed by {@link #close()}.
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
        if (!(client instanceof RedisClient redisClient)) {
            throw new IllegalArgumentException("The Socket.IO Redis adapter needs a standalone Redis connection"
                    + " (spring.data.redis.host/port or url); Redis Cluster and Sentinel clients are not supported yet, got "
                    + client.getClass().getName());
        }
        this.options = options;
        this.codec = new ClusterMessageCodec(mapper);
        this.pubSub = new RedisPubSub(redisClient, true, "Socket.IO Redis adapter");
    }

    @Override
    public Adapter create(LocalNamespace namespace) {
        return switch (options.mode()) {
            case CLASSIC -> new ClassicRedisAdapter(namespace, pubSub, options, codec);
            case SHARDED -> new ShardedRedisAdapter(namespace, pubSub, options, codec);
        };
    }

    /** Whether the Redis connections are up; wire it to a health indicator. */
    public boolean isConnected() {
        return pubSub.isConnected();
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
