package dev.socketeer.autoconfigure;

import dev.socketeer.adapter.AdapterFactory;
import dev.socketeer.adapter.redis.RedisAdapterFactory;
import dev.socketeer.adapter.redis.RedisEmitter;
import dev.socketeer.adapter.redis.RedisStreamsEmitter;
import dev.socketeer.engine.EngineServer;
import org.msgpack.core.MessagePack;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Redis adapter ({@code socketio.adapter.type=redis}) and a {@link RedisEmitter}, both on the
 * Lettuce client of the application's own {@code LettuceConnectionFactory}: Boot builds it from its
 * {@code RedisConnectionDetails} ({@code spring.data.redis.*}, a Testcontainers
 * {@code @ServiceConnection}, Docker Compose) with its SSL bundle, so the adapter connects where,
 * and how, the application's Redis is: a standalone Redis, Redis Sentinel ({@code spring.data.redis.sentinel.*})
 * or Redis Cluster ({@code spring.data.redis.cluster.nodes}, Lettuce's {@code RedisClusterClient}).
 *
 * <p>The adapter connects in the background and the application starts while Redis is down,
 * unless {@code socketio.adapter.fail-fast=true}; the emitter connects on first use, so an
 * application that only has Spring Data Redis on its class path never waits for Redis here.
 */
@AutoConfiguration(before = SocketIoAutoConfiguration.class,
        afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
                "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration" })
@ConditionalOnClass({ RedisAdapterFactory.class, LettuceConnectionFactory.class, MessagePack.class })
@ConditionalOnBean(LettuceConnectionFactory.class)
@EnableConfigurationProperties({ SocketIoRedisAdapterProperties.class, SocketIoProperties.class })
public class SocketIoRedisAdapterAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(AdapterFactory.class)
    @ConditionalOnProperty(name = "socketio.adapter.type", havingValue = "redis")
    RedisAdapterFactory socketIoRedisAdapterFactory(LettuceConnectionFactory connectionFactory,
            SocketIoRedisAdapterProperties properties, SocketIoProperties socketIoProperties,
            ObjectProvider<JsonMapper> jsonMapper) {
        RedisAdapterFactory factory = new RedisAdapterFactory(connectionFactory.getRequiredNativeClient(),
                properties.toOptions(), mapper(jsonMapper), address(connectionFactory));
        ClusterStartup.failFastIfAsked(socketIoProperties.getAdapter(), "Socket.IO Redis adapter",
                factory::awaitConnection, factory::backendStatus, factory,
                "Check that Redis runs at " + address(connectionFactory) + " (spring.data.redis.*)");
        return factory;
    }

    /**
     * Long-polling without sticky sessions ({@code socketio.cluster.sticky-sessions=false}): polling requests for
     * sessions of other nodes are served through them, over the adapter's Redis connections.
     */
    @Bean
    @ConditionalOnBean(RedisAdapterFactory.class)
    @ConditionalOnProperty(name = "socketio.cluster.sticky-sessions", havingValue = "false")
    RedisAdapterFactory.PollingForwarding socketIoRedisPollingForwarding(RedisAdapterFactory factory,
            EngineServer engine, SocketIoProperties properties) {
        SocketIoProperties.Cluster cluster = properties.getCluster();
        return factory.forwardPolling(engine, cluster.getChannelPrefix(), cluster.getResponseTimeout());
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "socketio.redis-emitter.enabled", havingValue = "true", matchIfMissing = true)
    RedisEmitter socketIoRedisEmitter(LettuceConnectionFactory connectionFactory,
            SocketIoRedisAdapterProperties properties, ObjectProvider<JsonMapper> jsonMapper) {
        return new RedisEmitter(connectionFactory.getRequiredNativeClient(), properties.getKey(), mapper(jsonMapper),
                address(connectionFactory));
    }

    /** The streams emitter, for a cluster on the streams adapter ({@code socketio.adapter.redis.mode=streams}). */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnExpression("'${socketio.redis-emitter.enabled:true}' == 'true'"
            + " and '${socketio.adapter.redis.mode:classic}'.equalsIgnoreCase('streams')")
    RedisStreamsEmitter socketIoRedisStreamsEmitter(LettuceConnectionFactory connectionFactory,
            SocketIoRedisAdapterProperties properties, ObjectProvider<JsonMapper> jsonMapper) {
        return new RedisStreamsEmitter(connectionFactory.getRequiredNativeClient(), properties.getStreams().toOptions(),
                mapper(jsonMapper), address(connectionFactory));
    }

    /** Closes the streams emitter's connection before Boot stops its Redis client under it. */
    @Bean
    @ConditionalOnBean(RedisStreamsEmitter.class)
    ClusterConnectionsLifecycle socketIoRedisStreamsEmitterLifecycle(ObjectProvider<RedisStreamsEmitter> emitter) {
        return new ClusterConnectionsLifecycle(() -> emitter.ifAvailable(RedisStreamsEmitter::close));
    }

    /** Closes the emitter's connection before Boot stops its Redis client under it. */
    @Bean
    @ConditionalOnBean(RedisEmitter.class)
    ClusterConnectionsLifecycle socketIoRedisEmitterLifecycle(ObjectProvider<RedisEmitter> emitter) {
        return new ClusterConnectionsLifecycle(() -> emitter.ifAvailable(RedisEmitter::close));
    }

    /** {@code host:port}, plus the database when not 0 and TLS when used, as Boot configured the factory. */
    static String address(LettuceConnectionFactory factory) {
        org.springframework.data.redis.connection.RedisClusterConfiguration cluster =
                factory.getClusterConfiguration();
        if (factory.isClusterAware() && cluster != null) {
            return "cluster " + cluster.getClusterNodes().stream()
                    .map(node -> node.getHost() + ":" + node.getPort())
                    .collect(java.util.stream.Collectors.joining(",")) + (factory.isUseSsl() ? " (TLS)" : "");
        }
        org.springframework.data.redis.connection.RedisSentinelConfiguration sentinel =
                factory.getSentinelConfiguration();
        if (factory.isRedisSentinelAware() && sentinel != null) {
            String master = sentinel.getMaster() == null ? "?" : sentinel.getMaster().getName();
            return "sentinel master '" + master + "' via " + sentinel.getSentinels().stream()
                    .map(node -> node.getHost() + ":" + node.getPort())
                    .collect(java.util.stream.Collectors.joining(","))
                    + (sentinel.getDatabase() == 0 ? "" : " /" + sentinel.getDatabase())
                    + (factory.isUseSsl() ? " (TLS)" : "");
        }
        return factory.getHostName() + ":" + factory.getPort() + (factory.getDatabase() == 0 ? "" : "/"
                + factory.getDatabase()) + (factory.isUseSsl() ? " (TLS)" : "");
    }

    private static JsonMapper mapper(ObjectProvider<JsonMapper> jsonMapper) {
        JsonMapper mapper = jsonMapper.getIfUnique();
        return mapper != null ? mapper : JsonMapper.builder().build();
    }
}
