package dev.socketeer.autoconfigure;

import dev.socketeer.adapter.AdapterFactory;
import dev.socketeer.adapter.redis.RedisAdapterFactory;
import dev.socketeer.adapter.redis.RedisEmitter;
import org.msgpack.core.MessagePack;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
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
 * and how, the application's Redis is.
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

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "socketio.redis-emitter.enabled", havingValue = "true", matchIfMissing = true)
    RedisEmitter socketIoRedisEmitter(LettuceConnectionFactory connectionFactory,
            SocketIoRedisAdapterProperties properties, ObjectProvider<JsonMapper> jsonMapper) {
        return new RedisEmitter(connectionFactory.getRequiredNativeClient(), properties.getKey(), mapper(jsonMapper),
                address(connectionFactory));
    }

    /** Closes the emitter's connection before Boot stops its Redis client under it. */
    @Bean
    @ConditionalOnBean(RedisEmitter.class)
    ClusterConnectionsLifecycle socketIoRedisEmitterLifecycle(ObjectProvider<RedisEmitter> emitter) {
        return new ClusterConnectionsLifecycle(() -> emitter.ifAvailable(RedisEmitter::close));
    }

    /** {@code host:port}, plus the database when not 0 and TLS when used, as Boot configured the factory. */
    static String address(LettuceConnectionFactory factory) {
        if (factory.isRedisSentinelAware() || factory.isClusterAware()) {
            return factory.isClusterAware() ? "a Redis Cluster" : "Redis Sentinel";
        }
        return factory.getHostName() + ":" + factory.getPort() + (factory.getDatabase() == 0 ? "" : "/"
                + factory.getDatabase()) + (factory.isUseSsl() ? " (TLS)" : "");
    }

    private static JsonMapper mapper(ObjectProvider<JsonMapper> jsonMapper) {
        JsonMapper mapper = jsonMapper.getIfUnique();
        return mapper != null ? mapper : JsonMapper.builder().build();
    }
}
