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
 * application's own Lettuce connection settings ({@code spring.data.redis.*}).
 */
@AutoConfiguration(before = SocketIoAutoConfiguration.class,
        afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
                "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration" })
@ConditionalOnClass({ RedisAdapterFactory.class, LettuceConnectionFactory.class, MessagePack.class })
@ConditionalOnBean(LettuceConnectionFactory.class)
@EnableConfigurationProperties(SocketIoRedisAdapterProperties.class)
public class SocketIoRedisAdapterAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(AdapterFactory.class)
    @ConditionalOnProperty(name = "socketio.adapter.type", havingValue = "redis")
    RedisAdapterFactory socketIoRedisAdapterFactory(LettuceConnectionFactory connectionFactory,
            SocketIoRedisAdapterProperties properties, ObjectProvider<JsonMapper> jsonMapper) {
        return new RedisAdapterFactory(connectionFactory.getRequiredNativeClient(), properties.toOptions(),
                mapper(jsonMapper));
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "socketio.redis-emitter.enabled", havingValue = "true", matchIfMissing = true)
    RedisEmitter socketIoRedisEmitter(LettuceConnectionFactory connectionFactory,
            SocketIoRedisAdapterProperties properties, ObjectProvider<JsonMapper> jsonMapper) {
        return new RedisEmitter(connectionFactory.getRequiredNativeClient(), properties.getKey(), mapper(jsonMapper));
    }

    private static JsonMapper mapper(ObjectProvider<JsonMapper> jsonMapper) {
        JsonMapper mapper = jsonMapper.getIfUnique();
        return mapper != null ? mapper : JsonMapper.builder().build();
    }
}
