package dev.socketeer.autoconfigure;

import dev.socketeer.adapter.AdapterFactory;
import dev.socketeer.adapter.postgres.PostgresAdapterFactory;
import dev.socketeer.adapter.postgres.PostgresEmitter;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import org.msgpack.core.MessagePack;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Postgres adapter ({@code socketio.adapter.type=postgres}) and a {@link PostgresEmitter}
 * (with the adapter, or alone with {@code socketio.adapter.postgres.emitter-enabled=true}), on
 * r2dbc-postgresql with the application's connection settings ({@code spring.r2dbc.*} or
 * {@code spring.datasource.*}) unless {@code socketio.adapter.postgres.*} says otherwise.
 */
@AutoConfiguration(before = SocketIoAutoConfiguration.class,
        afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass({ PostgresAdapterFactory.class, PostgresqlConnectionFactory.class, MessagePack.class })
@EnableConfigurationProperties(SocketIoPostgresAdapterProperties.class)
public class SocketIoPostgresAdapterAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(AdapterFactory.class)
    @ConditionalOnProperty(name = "socketio.adapter.type", havingValue = "postgres")
    PostgresAdapterFactory socketIoPostgresAdapterFactory(SocketIoPostgresAdapterProperties properties,
            Environment environment, ObjectProvider<JsonMapper> jsonMapper) {
        return new PostgresAdapterFactory(PostgresConnectionSettings.connectionFactory(properties, environment),
                properties.toOptions(), mapper(jsonMapper));
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @Conditional(EmitterWanted.class)
    PostgresEmitter socketIoPostgresEmitter(SocketIoPostgresAdapterProperties properties, Environment environment,
            ObjectProvider<JsonMapper> jsonMapper) {
        return new PostgresEmitter(PostgresConnectionSettings.connectionFactory(properties, environment),
                properties.toOptions(), mapper(jsonMapper));
    }

    private static JsonMapper mapper(ObjectProvider<JsonMapper> jsonMapper) {
        JsonMapper mapper = jsonMapper.getIfUnique();
        return mapper != null ? mapper : JsonMapper.builder().build();
    }

    /** With the Postgres adapter, or when asked for explicitly. */
    static final class EmitterWanted extends AnyNestedCondition {

        EmitterWanted() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty(name = "socketio.adapter.type", havingValue = "postgres")
        static final class AdapterIsPostgres {
        }

        @ConditionalOnProperty(name = "socketio.adapter.postgres.emitter-enabled", havingValue = "true")
        static final class ExplicitlyEnabled {
        }
    }
}
